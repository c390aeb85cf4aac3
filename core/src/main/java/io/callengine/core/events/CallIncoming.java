package io.callengine.core.events;

import java.time.Instant;

/** A customer's call reached the engine and was accepted for routing. */
public record CallIncoming(Instant at, String callId, String queueId, String agentId, String caller, String dialed)
    implements CallCenterEvent, CallEvent {
  @Override
  public String type() {
    return "call-incoming";
  }
}
