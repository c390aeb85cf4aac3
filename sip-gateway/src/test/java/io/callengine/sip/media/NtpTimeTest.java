package io.callengine.sip.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class NtpTimeTest {

  private static final double EXACT = 0;
  private static final long SECOND = 0x1_0000L; // in the middle-32 format

  @Test
  void theUnixEpochIsSeventyYearsIntoNtpTime() {
    assertEquals(NtpTime.UNIX_EPOCH_SECONDS << 32, NtpTime.fromEpochNanos(0));
    assertEquals((NtpTime.UNIX_EPOCH_SECONDS + 1) << 32 | 0x8000_0000L,
        NtpTime.fromEpochNanos(1_500_000_000L));
  }

  @Test
  void theMiddleBitsAreSixteenBitsOfSecondsAndSixteenOfFraction() {
    assertEquals(0xB2C3_8000L, NtpTime.middle32(0xE9A1B2C3_80000000L));
  }

  @Test
  void timestampsAdvanceWithTheMonotonicClock() {
    long now = System.nanoTime();
    long later = now + TimeUnit.MILLISECONDS.toNanos(250);

    long units = NtpTime.middle32(NtpTime.at(later)) - NtpTime.middle32(NtpTime.at(now));
    assertEquals(SECOND / 4, units & 0xFFFFFFFFL, 1);
  }

  @Test
  void delaysAreCountedInSixtyFiveThousandthsOfASecond() {
    assertEquals(SECOND, NtpTime.shortUnits(TimeUnit.SECONDS.toNanos(1)));
    assertEquals(SECOND / 10, NtpTime.shortUnits(TimeUnit.MILLISECONDS.toNanos(100)), 1);
    assertEquals(0, NtpTime.shortUnits(-5));
    assertEquals(0xFFFFFFFFL, NtpTime.shortUnits(TimeUnit.DAYS.toNanos(3)));
  }

  @Test
  void roundTripIsArrivalLessLastSrLessDelay() {
    // SR sent at 1 s, held by the phone for 0.5 s, report back at 2 s: 500 ms on the wire.
    assertEquals(500, NtpTime.roundTripMs(2 * SECOND, SECOND, SECOND / 2), EXACT);
    assertEquals(0, NtpTime.roundTripMs(2 * SECOND, SECOND, SECOND), EXACT);
  }

  @Test
  void roundTripHoldsAcrossTheWrapOfTheMiddleBits() {
    long lastSr = 0xFFFF_8000L; // half a second before the wrap
    long arrival = 0x0000_4000L; // a quarter second after it
    assertEquals(500, NtpTime.roundTripMs(arrival, lastSr, SECOND / 4), EXACT);
    assertEquals(750, NtpTime.roundTripMs(arrival, lastSr, 0), EXACT);
    assertEquals(250, NtpTime.roundTripMs(0xFFFF_C000L, 0xFFFF_8000L, 0), EXACT);
  }

  @Test
  void aDelayLongerThanTheRoundTripIsBogusUnlessItIsRounding() {
    assertEquals(0, NtpTime.roundTripMs(2 * SECOND, SECOND, SECOND + 3), EXACT);
    assertTrue(Double.isNaN(NtpTime.roundTripMs(2 * SECOND, SECOND, SECOND + SECOND / 10)));
  }
}
