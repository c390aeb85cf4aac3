package io.callengine.core.events;

import java.time.Instant;

/** The agent put the connected call on hold, from the phone or the API ({@code fromPhone}): the customer hears the hold music. */
public record CallHeld(Instant at, String callId, String queueId, String agentId, boolean fromPhone)
    implements CallCenterEvent, CallEvent {
  @Override
  public String type() {
    return "call-held";
  }
}
