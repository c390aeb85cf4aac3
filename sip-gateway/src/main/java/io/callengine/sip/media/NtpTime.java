package io.callengine.sip.media;

import java.time.Instant;

/**
 * NTP timestamps for RTCP (64 bits: seconds since 1900, then the fraction of a second) and the
 * round-trip arithmetic of RFC 3550 6.4.1 on their middle 32 bits (1/65536 s). The wall clock
 * is read once; timestamps then advance with {@link System#nanoTime()}, so that a step of the
 * system clock between an SR and the report echoing it cannot distort a round trip.
 */
final class NtpTime {

  /** Seconds from 1900-01-01 (NTP's epoch) to 1970-01-01. */
  static final long UNIX_EPOCH_SECONDS = 2_208_988_800L;

  private static final long NANOS_PER_SECOND = 1_000_000_000L;
  private static final double SHORT_UNITS_PER_SECOND = 65536;
  private static final long MAX_SHORT = 0xFFFFFFFFL;
  // Timestamps and DLSR are truncated to 15 µs, and some phones count DLSR in coarser steps:
  // a round trip this little below zero is a very short one, anything lower a bogus report.
  private static final double ROUNDING_MS = 5;
  private static final Instant WALL_ANCHOR = Instant.now();
  private static final long NANO_ANCHOR = System.nanoTime();

  private NtpTime() {}

  /** The NTP timestamp of the moment {@link System#nanoTime()} read {@code nanoTime}. */
  static long at(long nanoTime) {
    long epochNanos = WALL_ANCHOR.getEpochSecond() * NANOS_PER_SECOND + WALL_ANCHOR.getNano()
        + (nanoTime - NANO_ANCHOR);
    return fromEpochNanos(epochNanos);
  }

  /** The NTP timestamp of nanoseconds since 1970; the seconds wrap with NTP's era, as on the wire. */
  static long fromEpochNanos(long epochNanos) {
    long seconds = Math.floorDiv(epochNanos, NANOS_PER_SECOND) + UNIX_EPOCH_SECONDS;
    long fraction = (Math.floorMod(epochNanos, NANOS_PER_SECOND) << 32) / NANOS_PER_SECOND;
    return seconds << 32 | fraction;
  }

  /** The middle 32 bits of an NTP timestamp: the LSR of a report and the unit of round trips. */
  static long middle32(long ntp) {
    return (ntp >>> 16) & MAX_SHORT;
  }

  /** A duration in 1/65536 s, as DLSR carries it; saturates at the largest 32-bit value. */
  static long shortUnits(long nanos) {
    double units = Math.max(0, nanos) * SHORT_UNITS_PER_SECOND / NANOS_PER_SECOND;
    return (long) Math.min(MAX_SHORT, units);
  }

  /**
   * RTT = A − LSR − DLSR in milliseconds, A being when the report arrived, all in the middle-32
   * format; the subtraction is modulo 2^32, so it holds across the wrap every 18.2 hours.
   * {@code NaN} when the result is negative beyond rounding: the report's DLSR cannot be true.
   */
  static double roundTripMs(long arrivalMiddle32, long lastSr, long delaySinceLastSr) {
    int units = (int) (arrivalMiddle32 - lastSr - delaySinceLastSr);
    double ms = units * 1000 / SHORT_UNITS_PER_SECOND;
    return ms < -ROUNDING_MS ? Double.NaN : Math.max(0, ms);
  }
}
