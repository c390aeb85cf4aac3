package io.callengine.sip.security;

import io.callengine.core.security.Limit;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;

/**
 * One {@link TokenBucket} per source address for one SIP method. Memory is bounded: a source
 * idle for {@code idle} is forgotten (its bucket would be full again by then anyway), and at most
 * {@code maxSources} are tracked; past that the least useful entries are evicted, so a flood of
 * spoofed addresses costs a bounded map, not the heap. Thread-safe; used on JAIN-SIP threads by
 * {@link FloodGuard}.
 */
public final class SourceRateLimiter {
  private final Limit limit;
  private final Ticker ticker;
  private final Cache<String, TokenBucket> buckets;

  public SourceRateLimiter(Limit limit, Duration idle, int maxSources, Ticker ticker) {
    this.limit = limit;
    this.ticker = ticker;
    this.buckets = Caffeine.newBuilder().ticker(ticker).expireAfterAccess(idle).maximumSize(maxSources).executor(Runnable::run).build();
  }

  /** Whether {@code source} may send one more request now (it takes a token when it may). */
  public boolean allow(String source) {
    long now = ticker.read();
    return buckets.get(source, s -> new TokenBucket(limit.perSecond(), limit.burst(), now)).tryTake(now);
  }

  public Limit limit() {
    return limit;
  }

  /** Sources tracked now (for tests and the gauge). */
  long tracked() {
    buckets.cleanUp();
    return buckets.estimatedSize();
  }
}
