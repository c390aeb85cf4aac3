package io.callengine.core.events;

import java.time.Instant;

/** The agent answered: customer and agent are bridged. */
public record CallEstablished(Instant at, String callId, String queueId, String agentId, long waitSeconds)
    implements CallCenterEvent, CallEvent {
  @Override
  public String type() {
    return "call-established";
  }
}
