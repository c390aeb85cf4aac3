package io.callengine.core.events;

import java.time.Instant;

/** Something an operator should look at: {@code code} is stable ({@code low-mos}, {@code no-rtp}), {@code text} says it in words. */
public record Warning(Instant at, String callId, String queueId, String agentId, String code, String text) implements CallCenterEvent, CallEvent {
  @Override
  public String type() {
    return "warning";
  }
}
