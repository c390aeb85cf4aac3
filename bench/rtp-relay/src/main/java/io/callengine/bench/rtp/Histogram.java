package io.callengine.bench.rtp;

/** Microsecond histogram (1 µs buckets up to a bound, then one overflow bucket). One writer. */
final class Histogram {

  private final long[] counts;
  private long overflow;
  private long total;
  private long max;

  Histogram(int maxMicros) {
    this.counts = new long[maxMicros + 1];
  }

  void record(long micros) {
    if (micros < 0) {
      micros = 0;
    }
    total++;
    if (micros > max) {
      max = micros;
    }
    if (micros < counts.length) {
      counts[(int) micros]++;
    } else {
      overflow++;
    }
  }

  long total() {
    return total;
  }

  long max() {
    return max;
  }

  /** Share of the samples above {@code micros}, in percent. */
  double percentAbove(long micros) {
    if (total == 0) {
      return 0;
    }
    long atOrBelow = 0;
    for (int i = 0; i <= micros && i < counts.length; i++) {
      atOrBelow += counts[i];
    }
    return 100.0 * (total - atOrBelow) / total;
  }

  /** The smallest value at or below which {@code p} percent of the samples lie, in µs. */
  long percentile(double p) {
    if (total == 0) {
      return 0;
    }
    long rank = Math.max(1, (long) Math.ceil(p / 100.0 * total));
    long seen = 0;
    for (int i = 0; i < counts.length; i++) {
      seen += counts[i];
      if (seen >= rank) {
        return i;
      }
    }
    return max;
  }
}
