package io.callengine.core.events;

import java.time.Instant;

/**
 * Agent {@code agentId}'s consult on the call with {@code target} ({@code agent:<id>} or an outside
 * address) {@code started} (the customer on hold, the target rings), was {@code answered}, became a
 * {@code conference} of three, or {@code ended} ({@code completed} when the target took the call, an
 * attended transfer; {@code reason} says why it ended).
 */
public record CallConsulted(Instant at, String callId, String queueId, String agentId, String consultId, String target,
    String change, boolean completed, String reason) implements CallCenterEvent, CallEvent {
  @Override
  public String type() {
    return "call-consulted";
  }
}
