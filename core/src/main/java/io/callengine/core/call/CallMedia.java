package io.callengine.core.call;

import io.callengine.core.CborSerializable;

/**
 * What the media of a call told the engine so far: the keys pressed, and a running summary of
 * the quality samples of both legs (average and worst MOS, worst loss).
 */
public record CallMedia(String dtmf, int samples, double mosSum, double worstMos, double worstLossPercent)
    implements CborSerializable {

  public static final CallMedia NONE = new CallMedia("", 0, 0, 0, 0);

  public Double averageMos() {
    return samples == 0 ? null : mosSum / samples;
  }

  CallMedia withDigit(char digit) {
    return new CallMedia(dtmf + digit, samples, mosSum, worstMos, worstLossPercent);
  }

  CallMedia withSample(double mos, double lossPercent) {
    double worst = samples == 0 ? mos : Math.min(worstMos, mos);
    return new CallMedia(dtmf, samples + 1, mosSum + mos, worst, Math.max(worstLossPercent, lossPercent));
  }
}
