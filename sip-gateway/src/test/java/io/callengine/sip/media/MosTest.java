package io.callengine.sip.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MosTest {

  private static final double EXACT = 1e-9;

  @Test
  void withoutAnyImpairmentTheScoreIsAbout4point41() {
    double r = 93.2;
    double mos = 1 + 0.035 * r + r * (r - 60) * (100 - r) * 7e-6; // 4.4093
    assertEquals(mos, Mos.fromR(r), EXACT);
    assertEquals(4.41, Mos.fromR(r), 0.001);
  }

  @Test
  void noLossNoJitterCostsOnlyTheNominalDelay() {
    double r = 93.2 - 0.024 * 20; // 92.72
    assertEquals(r, Mos.rFactor(0, 0), EXACT);
    assertEquals(mos(r), Mos.g711(0, 0), EXACT);
    assertEquals(4.40, Mos.g711(0, 0), 0.001);
  }

  @Test
  void onePercentLoss() {
    double ieEff = 95 * 1 / (1 + 4.3); // 17.92
    double r = 93.2 - 0.48 - ieEff; // 74.80
    assertEquals(r, Mos.rFactor(1, 0), EXACT);
    assertEquals(mos(r), Mos.g711(1, 0), EXACT);
    assertEquals(3.81, Mos.g711(1, 0), 0.01);
  }

  @Test
  void fivePercentLoss() {
    double ieEff = 95 * 5 / (5 + 4.3); // 51.08
    double r = 93.2 - 0.48 - ieEff; // 41.64
    assertEquals(r, Mos.rFactor(5, 0), EXACT);
    assertEquals(mos(r), Mos.g711(5, 0), EXACT);
    assertEquals(2.15, Mos.g711(5, 0), 0.01);
  }

  @Test
  void jitterCountsTwiceAsDelayAndPastTheKneeCostsMore() {
    double d = 20 + 2 * 100; // 220 ms: past 177.3
    double id = 0.024 * d + 0.11 * (d - 177.3);
    assertEquals(id, Mos.delayImpairment(d), EXACT);
    assertEquals(93.2 - id, Mos.rFactor(0, 100), EXACT);
    assertEquals(0.024 * 100, Mos.delayImpairment(100), EXACT);
  }

  @Test
  void halfTheRoundTripAddsToTheDelayAndAnUnknownOneAddsNothing() {
    double d = 20 + 2 * 10 + 300 / 2.0; // 190 ms: past the knee
    double id = 0.024 * d + 0.11 * (d - 177.3);
    assertEquals(93.2 - id, Mos.rFactor(0, 10, 300), EXACT);
    assertEquals(Mos.rFactor(0, 10), Mos.rFactor(0, 10, Double.NaN), EXACT);
    assertEquals(Mos.rFactor(0, 10), Mos.rFactor(0, 10, 0), EXACT);
    assertEquals(Mos.g711(1, 10), Mos.g711(1, 10, Double.NaN), EXACT);
    assertTrue(Mos.g711(1, 10, 400) < Mos.g711(1, 10, 100));
  }

  @Test
  void theScoreStaysBetweenOneAndFourAndAHalf() {
    assertEquals(1, Mos.fromR(-20), EXACT);
    assertEquals(1, Mos.fromR(0), EXACT);
    assertEquals(4.5, Mos.fromR(120), EXACT);
    assertEquals(1, Mos.g711(100, 0), EXACT);
    double previous = 5;
    for (double loss = 0; loss <= 30; loss += 0.5) {
      double mos = Mos.g711(loss, 10);
      assertTrue(mos <= previous && mos >= 1, "more loss never scores better");
      previous = mos;
    }
  }

  private static double mos(double r) {
    return 1 + 0.035 * r + r * (r - 60) * (100 - r) * 7e-6;
  }
}
