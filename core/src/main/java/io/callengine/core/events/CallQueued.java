package io.callengine.core.events;

import java.time.Instant;

/** The call waits in {@code queueId} at {@code priority} (also after a move to an overflow queue). */
public record CallQueued(Instant at, String callId, String queueId, String agentId, int priority)
    implements CallCenterEvent, CallEvent {
  @Override
  public String type() {
    return "call-queued";
  }
}
