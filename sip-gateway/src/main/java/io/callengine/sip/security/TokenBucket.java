package io.callengine.sip.security;

/**
 * A token bucket: holds at most {@code burst} tokens, gains {@code perSecond} tokens a second,
 * and each request takes one. Time comes from the clock handed in (nanoseconds), so a test
 * drives it. Thread-safe; one per source in {@link SourceRateLimiter}.
 */
final class TokenBucket {
  private final double perNano;
  private final double burst;
  private double tokens;
  private long lastNanos;

  TokenBucket(double perSecond, int burst, long nowNanos) {
    if (perSecond <= 0 || burst < 1) throw new IllegalArgumentException("rate must be > 0 and burst >= 1");
    this.perNano = perSecond / 1e9;
    this.burst = burst;
    this.tokens = burst;
    this.lastNanos = nowNanos;
  }

  /** Takes a token if there is one. */
  synchronized boolean tryTake(long nowNanos) {
    if (nowNanos > lastNanos) {
      tokens = Math.min(burst, tokens + (nowNanos - lastNanos) * perNano);
      lastNanos = nowNanos;
    }
    if (tokens < 1) return false;
    tokens -= 1;
    return true;
  }
}
