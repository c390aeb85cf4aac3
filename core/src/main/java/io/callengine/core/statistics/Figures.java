package io.callengine.core.statistics;

/**
 * The contact-center figures of a set of queue visits (a queue, or every call as a whole, over
 * a range or an interval). Definitions and denominators are in {@code docs/metrics.md}; a ratio
 * whose denominator is zero is null. Percentages are 0-100; figures are rounded to 2 decimals.
 *
 * @param serviceLevelPercentage answered within the threshold / (answered + abandoned after it)
 * @param serviceLevelAsteriskPercentage Asterisk's SL: answered within the threshold / answered
 * @param serviceLevelAsterisk2Percentage Asterisk's SL2: (answered + abandoned within the
 *     threshold) / (answered + abandoned)
 * @param serviceLevelSeconds the queue's threshold as configured now; null for all queues
 * @param abandonRate (abandoned - short abandons) / (offered - short abandons)
 * @param occupancy handling time / staffed time of all agents; null for a single queue
 * @param held answered calls put on hold at least once
 * @param averageHoldSeconds hold time / held: the average hold time of a call that was held
 * @param averageCallbackWaitSeconds entry to the customer answering the callback / completed callbacks
 */
public record Figures(
    long offered,
    long answered,
    long abandoned,
    long shortAbandoned,
    long overflowed,
    long timedOut,
    long rejected,
    long failed,
    Double serviceLevelPercentage,
    Integer serviceLevelSeconds,
    Double serviceLevelAsteriskPercentage,
    Double serviceLevelAsterisk2Percentage,
    Double averageSpeedOfAnswerSeconds,
    Double averageTalkSeconds,
    Double averageWrapUpSeconds,
    Double averageHandleTimeSeconds,
    Double abandonRate,
    Double occupancy,
    double longestWaitSeconds,
    long held,
    Double averageHoldSeconds,
    long callbacksOffered,
    long callbacksAccepted,
    long callbacksCompleted,
    long callbacksFailed,
    Double averageCallbackWaitSeconds) {

  public static Figures of(Counts c, Integer serviceLevelSeconds, Double occupancy) {
    long answered = c.get(Counter.ANSWERED);
    long abandoned = c.get(Counter.ABANDONED);
    long answeredInSl = c.get(Counter.ANSWERED_IN_SL);
    long abandonedInSl = c.get(Counter.ABANDONED_IN_SL);
    long shortAbandoned = c.get(Counter.SHORT_ABANDONED);
    Double talk = ratio(c.get(Counter.TALK_MS) / 1000.0, c.get(Counter.HANDLED));
    Double wrapUp = ratio(c.get(Counter.WRAP_MS) / 1000.0, c.get(Counter.WRAPPED));
    return new Figures(c.get(Counter.OFFERED), answered, abandoned, shortAbandoned, c.get(Counter.OVERFLOWED),
        c.get(Counter.TIMED_OUT), c.get(Counter.REJECTED), c.get(Counter.FAILED),
        percent(answeredInSl, answered + abandoned - abandonedInSl), serviceLevelSeconds,
        percent(answeredInSl, answered), percent(answeredInSl + abandonedInSl, answered + abandoned),
        ratio(c.get(Counter.ANSWER_WAIT_MS) / 1000.0, answered), talk, wrapUp,
        talk == null ? null : round(c.get(Counter.TALK_MS) / 1000.0 / c.get(Counter.HANDLED)
            + (wrapUp == null ? 0 : c.get(Counter.WRAP_MS) / 1000.0 / c.get(Counter.WRAPPED))),
        percent(abandoned - shortAbandoned, c.get(Counter.OFFERED) - shortAbandoned),
        occupancy, round(c.longestWaitMs() / 1000.0), c.get(Counter.HELD), ratio(c.get(Counter.HOLD_MS) / 1000.0, c.get(Counter.HELD)),
        c.get(Counter.CALLBACKS_OFFERED), c.get(Counter.CALLBACKS_ACCEPTED),
        c.get(Counter.CALLBACKS_COMPLETED), c.get(Counter.CALLBACKS_FAILED),
        ratio(c.get(Counter.CALLBACK_WAIT_MS) / 1000.0, c.get(Counter.CALLBACKS_COMPLETED)));
  }

  static Double percent(double part, double whole) {
    return whole <= 0 ? null : round(100.0 * part / whole);
  }

  private static Double ratio(double sum, long count) {
    return count <= 0 ? null : round(sum / count);
  }

  private static double round(double value) {
    return Math.round(value * 100.0) / 100.0;
  }
}
