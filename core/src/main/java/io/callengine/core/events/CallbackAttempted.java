package io.callengine.core.events;

import java.time.Instant;

/** A callback attempt began (the {@code attempt}-th): the reserved agent is rung, then {@code number} is called. */
public record CallbackAttempted(Instant at, String callId, String queueId, String agentId, int attempt, String number)
    implements CallCenterEvent, CallEvent {
  @Override
  public String type() {
    return "callback-attempted";
  }
}
