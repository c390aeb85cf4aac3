package io.callengine.sip.testing;

/** How loud one tone is in 8 kHz linear audio: the tests that check audio by content judge with it. */
public final class ToneLevel {
  private ToneLevel() {}

  /** The amplitude of the {@code hz} component of {@code pcm} (one DFT bin; whole periods expected); 0 for no samples. */
  public static double amplitude(short[] pcm, double hz) {
    if (pcm.length == 0) return 0;
    double re = 0;
    double im = 0;
    for (int n = 0; n < pcm.length; n++) {
      double w = 2 * Math.PI * hz * n / 8000;
      re += pcm[n] * Math.cos(w);
      im += pcm[n] * Math.sin(w);
    }
    return 2 * Math.hypot(re, im) / pcm.length;
  }
}
