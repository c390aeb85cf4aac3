package io.callengine.core.events;

import java.time.Instant;

/** One leg's ({@code customer} or {@code agent}) audio so far: MOS, loss and jitter, every few seconds while media flows. */
public record MediaQuality(Instant at, String callId, String queueId, String agentId, String leg, double mos, double lossPercent, double jitterMs, long packets)
    implements CallCenterEvent, CallEvent {
  @Override
  public String type() {
    return "media-quality";
  }
}
