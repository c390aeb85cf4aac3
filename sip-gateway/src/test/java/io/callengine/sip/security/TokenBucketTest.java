package io.callengine.sip.security;

import io.callengine.core.security.Limit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class TokenBucketTest {

  @Test
  void aFullBucketGivesItsBurstThenRefillsAtItsRate() {
    ManualTicker clock = new ManualTicker();
    TokenBucket bucket = new TokenBucket(10, 3, clock.read());
    assertTrue(bucket.tryTake(clock.read()));
    assertTrue(bucket.tryTake(clock.read()));
    assertTrue(bucket.tryTake(clock.read()));
    assertFalse(bucket.tryTake(clock.read()), "the burst is spent");
    clock.advance(Duration.ofMillis(99));
    assertFalse(bucket.tryTake(clock.read()), "0.99 of a token after 99 ms at 10/s");
    clock.advance(Duration.ofMillis(1));
    assertTrue(bucket.tryTake(clock.read()), "one token after 100 ms");
    assertFalse(bucket.tryTake(clock.read()));
  }

  @Test
  void anIdleBucketHoldsNoMoreThanItsBurst() {
    ManualTicker clock = new ManualTicker();
    TokenBucket bucket = new TokenBucket(10, 2, clock.read());
    clock.advance(Duration.ofHours(1));
    int taken = 0;
    for (int i = 0; i < 100 && bucket.tryTake(clock.read()); i++) taken++;
    assertEquals(2, taken);
  }

  @Test
  void aClockThatGoesBackGivesNothingExtra() {
    ManualTicker clock = new ManualTicker();
    TokenBucket bucket = new TokenBucket(1, 1, clock.read());
    assertTrue(bucket.tryTake(clock.read()));
    assertFalse(bucket.tryTake(clock.read() - 5_000_000_000L));
  }

  @Test
  void aRateOfZeroOrANoBurstIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> new TokenBucket(0, 5, 0));
    assertThrows(IllegalArgumentException.class, () -> new TokenBucket(5, 0, 0));
    assertThrows(IllegalArgumentException.class, () -> new Limit(-1, 5));
  }
}
