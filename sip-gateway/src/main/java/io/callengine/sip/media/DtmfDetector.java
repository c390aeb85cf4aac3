package io.callengine.sip.media;

import io.netty.buffer.ByteBuf;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Finds the DTMF digits in one leg's RFC 4733 telephone-event packets and reports each key
 * press once to a {@link DtmfListener}. Fed by the relay for every packet it receives on
 * that leg ({@link RtpEndpoint#detectDtmf}); all calls come from the leg's event loop.
 *
 * <p>An event is the run of packets sharing one RTP timestamp, its start. It is reported
 * when its first end packet (E bit) arrives; the two retransmissions of that end packet and
 * any stragglers from it are ignored. An event whose end packets were all lost is reported
 * with the longest duration seen when the next event starts, or once no packet of it has
 * arrived for {@link #DEFAULT_END_TIMEOUT_NANOS} ({@link #flush}, which other packets of
 * the leg also trigger); that silence is measured with the time source it is given (the
 * ticker of the leg's event loop, whose timer calls {@link #flush}). An event too long for
 * the 16-bit duration field continues in a segment whose timestamp is the first one's plus
 * its duration (RFC 4733 2.5.1.3): that is still one key press. Events 16 and above (flash, tones) are not digits and are ignored.
 */
public final class DtmfDetector {

  /** Silence after which an event without an end packet is reported anyway. */
  public static final long DEFAULT_END_TIMEOUT_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

  private static final int PAYLOAD_LENGTH = 4;
  private static final int END_BIT = 0x80;
  private static final String DIGITS = "0123456789*#ABCD";

  private final int payloadType;
  private final int clockRate;
  private final long endTimeoutNanos;
  private final DtmfListener listener;
  private final LongSupplier nanoTime;

  // The latest event; only the leg's event loop touches these.
  private boolean active;
  private long segmentStart; // the RTP timestamp shared by the packets of its latest segment
  private int event;
  private long durationBefore; // units in earlier segments of a long event
  private int duration;
  private boolean reported;
  private long lastPacketAt;

  /** A detector for 8 kHz telephone-event with payload type {@code payloadType}, timed by {@code nanoTime}. */
  public DtmfDetector(int payloadType, DtmfListener listener, LongSupplier nanoTime) {
    this(payloadType, 8000, DEFAULT_END_TIMEOUT_NANOS, listener, nanoTime);
  }

  /** {@code nanoTime}: a monotonic time in nanoseconds, such as {@link System#nanoTime()} or an event loop's ticker. */
  public DtmfDetector(int payloadType, int clockRate, long endTimeoutNanos, DtmfListener listener, LongSupplier nanoTime) {
    if (payloadType < 0 || payloadType > 127) {
      throw new IllegalArgumentException("RTP payload type must be 0-127, got " + payloadType);
    }
    if (clockRate <= 0 || endTimeoutNanos <= 0) {
      throw new IllegalArgumentException("clock rate and end timeout must be positive");
    }
    this.payloadType = payloadType;
    this.clockRate = clockRate;
    this.endTimeoutNanos = endTimeoutNanos;
    this.listener = Objects.requireNonNull(listener, "listener");
    this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
  }

  public int payloadType() {
    return payloadType;
  }

  /**
   * One packet of the leg, read in place: its payload starts {@code payloadOffset} bytes
   * after the reader index and is {@code payloadLength} bytes long (both from
   * {@link RtpHeader}). Returns true when it was a telephone-event packet; any other packet
   * only gives a pending event the chance to time out.
   */
  public boolean onPacket(ByteBuf rtp, int packetPayloadType, long timestamp,
      int payloadOffset, int payloadLength) {
    if (packetPayloadType != payloadType) {
      flush();
      return false;
    }
    if (payloadLength < PAYLOAD_LENGTH) {
      return true;
    }
    int at = rtp.readerIndex() + payloadOffset;
    int code = rtp.getUnsignedByte(at);
    boolean end = (rtp.getUnsignedByte(at + 1) & END_BIT) != 0;
    int units = rtp.getUnsignedShort(at + 2);
    if (code < DIGITS.length()) {
      onEvent(timestamp, code, end, units, nanoTime.getAsLong());
    }
    return true;
  }

  /** Whether a key press has begun and is not reported yet: only then has {@link #flush} anything to do. */
  public boolean pending() {
    return active && !reported;
  }

  /** Reports the current event if it has had no packet for the end timeout. */
  public void flush() {
    if (pending() && nanoTime.getAsLong() - lastPacketAt >= endTimeoutNanos) {
      report();
    }
  }

  private void onEvent(long timestamp, int code, boolean end, int units, long now) {
    if (!active) {
      start(timestamp, code);
    } else if (timestamp != segmentStart) {
      int age = (int) (timestamp - segmentStart);
      if (age < 0) {
        return; // a straggler of an event already over
      }
      if (!reported && code == event && age == duration) {
        durationBefore += duration; // the next segment of one long key press
        duration = 0;
        segmentStart = timestamp;
      } else {
        if (!reported) {
          report(); // all its end packets were lost
        }
        start(timestamp, code);
      }
    }
    lastPacketAt = now;
    if (reported) {
      return; // a retransmitted end packet
    }
    duration = Math.max(duration, units);
    if (end) {
      report();
    }
  }

  private void start(long timestamp, int code) {
    active = true;
    segmentStart = timestamp;
    event = code;
    durationBefore = 0;
    duration = 0;
    reported = false;
  }

  private void report() {
    reported = true;
    long ms = (durationBefore + duration) * 1000 / clockRate;
    listener.onDigit(DIGITS.charAt(event), (int) Math.min(Integer.MAX_VALUE, ms));
  }
}
