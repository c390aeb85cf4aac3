package io.callengine.core.events;

import java.time.Instant;

/**
 * The call is off hold: the agent resumed it (from the phone or the API), or it ended while on
 * hold. {@code heldSeconds} is this hold, {@code totalHoldSeconds} all of the call's holds so far.
 */
public record CallResumed(Instant at, String callId, String queueId, String agentId, boolean fromPhone, long heldSeconds,
    long totalHoldSeconds) implements CallCenterEvent, CallEvent {
  @Override
  public String type() {
    return "call-resumed";
  }
}
