package io.callengine.core.events;

import java.time.Instant;

/** The caller hung up to be called back at {@code number}; the call keeps its place in line. */
public record CallbackRequested(Instant at, String callId, String queueId, String agentId, String number)
    implements CallCenterEvent, CallEvent {
  @Override
  public String type() {
    return "callback-requested";
  }
}
