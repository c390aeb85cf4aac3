package io.callengine.sip.security;

import io.callengine.core.security.Limit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SourceRateLimiterTest {

  @Test
  void eachSourceHasItsOwnBucket() {
    ManualTicker clock = new ManualTicker();
    SourceRateLimiter limiter = new SourceRateLimiter(new Limit(1, 2), Duration.ofMinutes(1), 100, clock);
    assertTrue(limiter.allow("192.0.2.1"));
    assertTrue(limiter.allow("192.0.2.1"));
    assertFalse(limiter.allow("192.0.2.1"), "the flooding source is over its limit");
    assertTrue(limiter.allow("192.0.2.2"), "another source is not");
    clock.advance(Duration.ofSeconds(1));
    assertTrue(limiter.allow("192.0.2.1"), "one more a second later");
  }

  @Test
  void idleSourcesAreForgottenAndTheNumberTrackedIsCapped() {
    ManualTicker clock = new ManualTicker();
    SourceRateLimiter limiter = new SourceRateLimiter(new Limit(1, 1), Duration.ofMinutes(1), 50, clock);
    for (int i = 0; i < 1000; i++) limiter.allow("10.0." + (i / 250) + "." + (i % 250));
    assertTrue(limiter.tracked() <= 50, "a spoofed-source flood costs at most the cap: " + limiter.tracked());
    clock.advance(Duration.ofMinutes(2));
    assertEquals(0, limiter.tracked());
  }
}
