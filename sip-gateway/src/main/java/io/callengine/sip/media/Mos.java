package io.callengine.sip.media;

/**
 * Estimated listening quality of a G.711 leg as a mean opinion score, from the simplified
 * E-model of ITU-T G.107 with every factor at its default except delay and packet loss.
 * {@link StreamStats} scores each leg from its measured loss, jitter and, once RTCP has
 * measured it, round-trip time.
 *
 * <ul>
 *   <li>R = 93.2 − Id − Ie,eff, where 93.2 is G.107's default R with no impairment.
 *   <li>Ie,eff = Ie + (95 − Ie) · Ppl / (Ppl + Bpl), with Ie = 0 for G.711 and Bpl = 4.3, the
 *       G.113 Appendix I robustness of G.711 <em>without</em> packet loss concealment: the
 *       relay passes audio through untouched and cannot count on either phone concealing
 *       losses (with concealment Bpl would be 25.1), so the score errs on the low side.
 *       Ppl is the loss in percent, treated as random loss (BurstR = 1).
 *   <li>Id = 0.024 d + 0.11 (d − 177.3) H(d − 177.3), Cole and Rosenbluth's simplification of
 *       G.107's delay impairment for one-way delay d in ms, H the step function.
 *   <li>d = {@link #NOMINAL_DELAY_MS} + 2 × jitter + RTT / 2. 20 ms stands for one
 *       packetization interval, a jitter buffer sized at twice the interarrival jitter adds its
 *       depth, and half the round-trip time that RTCP measured between the relay and the phone
 *       stands for the network's one-way delay on this leg. Until RTCP has measured it (or if
 *       the phone sends none) that term is left out, as the relay cannot see the delay.
 *   <li>MOS = 1 + 0.035 R + R (R − 60)(100 − R) · 7·10⁻⁶ for 0 &lt; R &lt; 100, 1 below and 4.5
 *       above (G.107 Annex B); the cubic is not monotonic outside that range.
 * </ul>
 */
public final class Mos {

  /** G.107's R with every parameter at its default: no impairment at all. */
  public static final double MAX_R = 93.2;
  /** Packet-loss robustness of G.711 without concealment (G.113 Appendix I). */
  public static final double G711_BPL = 4.3;
  /** One-way delay assumed before jitter: one 20 ms packetization interval. */
  public static final double NOMINAL_DELAY_MS = 20;

  private static final double DELAY_KNEE_MS = 177.3;

  private Mos() {}

  /** The MOS of a G.711 leg losing {@code lossPercent} of its packets with this jitter. */
  public static double g711(double lossPercent, double jitterMs) {
    return g711(lossPercent, jitterMs, Double.NaN);
  }

  /** As above, with the leg's round-trip time; {@code NaN} when it is unknown. */
  public static double g711(double lossPercent, double jitterMs, double rttMs) {
    return fromR(rFactor(lossPercent, jitterMs, rttMs));
  }

  /** R for a G.711 leg: 93.2 less the delay and the loss impairments. */
  public static double rFactor(double lossPercent, double jitterMs) {
    return rFactor(lossPercent, jitterMs, Double.NaN);
  }

  /** As above, with the leg's round-trip time; {@code NaN} when it is unknown. */
  public static double rFactor(double lossPercent, double jitterMs, double rttMs) {
    double network = Double.isNaN(rttMs) ? 0 : Math.max(0, rttMs) / 2;
    double delay = NOMINAL_DELAY_MS + 2 * Math.max(0, jitterMs) + network;
    return MAX_R - delayImpairment(delay) - lossImpairment(lossPercent);
  }

  /** Id for a one-way delay in ms. */
  public static double delayImpairment(double delayMs) {
    double id = 0.024 * delayMs;
    return delayMs > DELAY_KNEE_MS ? id + 0.11 * (delayMs - DELAY_KNEE_MS) : id;
  }

  /** Ie,eff for G.711 (Ie = 0) without concealment losing {@code lossPercent} of its packets. */
  public static double lossImpairment(double lossPercent) {
    double ppl = Math.min(100, Math.max(0, lossPercent));
    return 95 * ppl / (ppl + G711_BPL);
  }

  /** G.107's mapping from R to MOS, in [1, 4.5]. */
  public static double fromR(double r) {
    if (r <= 0) {
      return 1;
    }
    if (r >= 100) {
      return 4.5;
    }
    double mos = 1 + 0.035 * r + r * (r - 60) * (100 - r) * 7e-6;
    return Math.min(4.5, Math.max(1, mos));
  }
}
