package io.callengine.core.statistics;

import java.util.Arrays;

/**
 * A set of {@link Counter} values and the longest wait among the visits counted: what one visit
 * contributes, or the sum over an interval, a range or a queue. Immutable.
 */
public final class Counts {
  public static final Counts ZERO = new Counts(new long[Counter.values().length], 0);

  private final long[] values;
  private final long longestWaitMs;

  private Counts(long[] values, long longestWaitMs) {
    this.values = values;
    this.longestWaitMs = longestWaitMs;
  }

  public long get(Counter counter) {
    return values[counter.ordinal()];
  }

  public long longestWaitMs() {
    return longestWaitMs;
  }

  public Counts with(Counter counter, long value) {
    long[] next = values.clone();
    next[counter.ordinal()] = value;
    return new Counts(next, longestWaitMs);
  }

  public Counts withLongestWait(long waitMs) {
    return new Counts(values, waitMs);
  }

  /** The sum of both; the longest wait is the longer of the two. */
  public Counts plus(Counts other) {
    long[] sum = values.clone();
    for (int i = 0; i < sum.length; i++) sum[i] += other.values[i];
    return new Counts(sum, Math.max(longestWaitMs, other.longestWaitMs));
  }

  /** What changed from {@code before} to this: the difference of every counter, and this longest wait. */
  public Counts minus(Counts before) {
    long[] difference = values.clone();
    for (int i = 0; i < difference.length; i++) difference[i] -= before.values[i];
    return new Counts(difference, longestWaitMs);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Counts c && Arrays.equals(values, c.values) && longestWaitMs == c.longestWaitMs;
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(values) + Long.hashCode(longestWaitMs);
  }

  @Override
  public String toString() {
    StringBuilder text = new StringBuilder("Counts{");
    for (Counter counter : Counter.values()) {
      if (get(counter) != 0) text.append(counter.column()).append('=').append(get(counter)).append(' ');
    }
    return text.append("longest_wait_ms=").append(longestWaitMs).append('}').toString();
  }
}
