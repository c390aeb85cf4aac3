package io.callengine.core.events;

import java.time.Instant;

/**
 * One leg's ({@code customer} or {@code agent}) audio so far: MOS, loss and jitter, every few seconds while media
 * flows, and the round-trip time to that leg's phone that RTCP measured, null until it has (or if the phone sends
 * no RTCP).
 */
public record MediaQuality(Instant at, String callId, String queueId, String agentId, String leg, double mos, double lossPercent, double jitterMs, long packets,
    Double rttMs)
    implements CallCenterEvent, CallEvent {

  /** A sample without a round-trip time. */
  public MediaQuality(Instant at, String callId, String queueId, String agentId, String leg, double mos, double lossPercent, double jitterMs, long packets) {
    this(at, callId, queueId, agentId, leg, mos, lossPercent, jitterMs, packets, null);
  }

  @Override
  public String type() {
    return "media-quality";
  }
}
