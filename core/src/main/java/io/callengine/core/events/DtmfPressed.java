package io.callengine.core.events;

import java.time.Instant;

/** A key pressed on one leg's phone, with how long it was held. */
public record DtmfPressed(Instant at, String callId, String queueId, String agentId, String leg, String digit, int durationMs) implements CallCenterEvent, CallEvent {
  @Override
  public String type() {
    return "dtmf";
  }
}
