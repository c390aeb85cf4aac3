package io.callengine.core.events;

import java.time.Instant;

/** The customer answered the callback and talks to the agent; {@code waitSeconds} from his first entry in line. */
public record CallbackCompleted(Instant at, String callId, String queueId, String agentId, long waitSeconds)
    implements CallCenterEvent, CallEvent {
  @Override
  public String type() {
    return "callback-completed";
  }
}
