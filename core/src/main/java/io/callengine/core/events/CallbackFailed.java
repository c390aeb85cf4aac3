package io.callengine.core.events;

import java.time.Instant;

/** The customer did not answer callback attempt {@code attempt}; {@code willRetry} false when it was the last (the call ends CALLBACK_FAILED). */
public record CallbackFailed(Instant at, String callId, String queueId, String agentId, int attempt, String reason, boolean willRetry)
    implements CallCenterEvent, CallEvent {
  @Override
  public String type() {
    return "callback-failed";
  }
}
