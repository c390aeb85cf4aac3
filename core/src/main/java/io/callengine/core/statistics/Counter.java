package io.callengine.core.statistics;

import java.util.Locale;

/**
 * The additive counters a queue visit contributes to its 15-minute interval, each stored in a
 * column of the same name in {@code queue_visits} and {@code queue_intervals}. What each one
 * counts is written down in {@code docs/metrics.md}.
 */
public enum Counter {
  OFFERED, ANSWERED, ANSWERED_IN_SL, ABANDONED, ABANDONED_IN_SL, SHORT_ABANDONED, OVERFLOWED, TIMED_OUT,
  REJECTED, FAILED, ANSWER_WAIT_MS, HANDLED, TALK_MS, WRAPPED, WRAP_MS, HELD, HOLD_MS,
  CALLBACKS_OFFERED, CALLBACKS_ACCEPTED, CALLBACKS_COMPLETED, CALLBACKS_FAILED, CALLBACK_WAIT_MS;

  public String column() {
    return name().toLowerCase(Locale.ROOT);
  }
}
