package io.callengine.core.events;

import java.time.Instant;

/** The call is over: how (disposition and reason) and how long it waited and talked. */
public record CallEnded(Instant at, String callId, String queueId, String agentId, String disposition, String reason,
    long waitSeconds, long talkSeconds) implements CallCenterEvent, CallEvent {
  @Override
  public String type() {
    return "call-ended";
  }
}
