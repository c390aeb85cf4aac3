package io.callengine.sip.media;

import static io.callengine.sip.media.RtpBytes.TELEPHONE_EVENT;
import static io.callengine.sip.media.RtpBytes.buf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DtmfDetectorTest {

  private record Digit(char digit, int durationMs) {}

  private final List<Digit> digits = new ArrayList<>();
  /** The detector's time source: the test moves it. */
  private long nowMs = 0;
  private final DtmfDetector detector =
      new DtmfDetector(TELEPHONE_EVENT, (digit, ms) -> digits.add(new Digit(digit, ms)), () -> nanos(nowMs));
  private int seq = 100;

  @Test
  void twoKeyPressesWithRetransmittedEndsAreTwoDigits() {
    long ts = 48_000;
    audioUntil(ts);
    // "1": start (marker), updates every 50 ms, then the end packet three times.
    event(ts, true, 1, false, 400);
    event(ts, false, 1, false, 800);
    event(ts, false, 1, false, 1200);
    event(ts, false, 1, true, 1600);
    event(ts, false, 1, true, 1600);
    event(ts, false, 1, true, 1600);
    ts += 1600 + 800; // 100 ms of audio between the key presses
    audioUntil(ts);
    event(ts, true, 2, false, 400);
    event(ts, false, 2, false, 800);
    event(ts, false, 2, true, 1280);
    event(ts, false, 2, true, 1280);
    event(ts, false, 2, true, 1280);
    audioUntil(ts + 4000);

    assertEquals(List.of(new Digit('1', 200), new Digit('2', 160)), digits);
    assertEquals("12", typed());
  }

  @Test
  void aKeyPressWhoseEndsWereLostIsReportedWhenTheNextBegins() {
    long ts = 8000;
    event(ts, true, 5, false, 400);
    event(ts, false, 5, false, 800);
    assertTrue(digits.isEmpty());

    ts += 2400;
    event(ts, true, 6, false, 400);
    assertEquals(List.of(new Digit('5', 100)), digits);
    event(ts, false, 6, true, 960);
    event(ts, false, 6, true, 960);
    event(ts, false, 6, true, 960);
    assertEquals(List.of(new Digit('5', 100), new Digit('6', 120)), digits);
  }

  @Test
  void aKeyPressWhoseEndsWereLostIsReportedAfterTheTimeoutOnce() {
    long ts = 16_000;
    event(ts, true, 9, false, 400);
    event(ts, false, 9, false, 800);
    nowMs += 499;
    detector.flush();
    assertTrue(digits.isEmpty(), "too early to give up on the end packets");

    nowMs += 1;
    detector.flush();
    assertEquals(List.of(new Digit('9', 100)), digits);

    event(ts, false, 9, true, 1200); // the end turns up after all
    nowMs += 5000;
    detector.flush();
    assertEquals(List.of(new Digit('9', 100)), digits);
  }

  @Test
  void audioPacketsAlsoLetAStalledKeyPressTimeOut() {
    long ts = 16_000;
    event(ts, true, 0, false, 400);
    nowMs += 600;
    assertFalse(feed(RtpBytes.audio(seq++, ts + 4800)));
    assertEquals("0", typed());
  }

  @Test
  void aStragglerFromAnEarlierKeyPressIsNotASecondDigit() {
    long first = 8000;
    long second = first + 2400;
    event(first, true, 3, false, 400);
    event(first, false, 3, true, 800);
    event(second, true, 4, false, 400);
    event(first, false, 3, true, 800); // a retransmitted end, overtaken by the next event
    event(second, false, 4, true, 800);
    assertEquals("34", typed());
  }

  @Test
  void eventsZeroToFifteenAreTheSixteenKeysAndOthersAreIgnored() {
    long ts = 0;
    for (int code = 0; code <= 16; code++) {
      event(ts, true, code, true, 800);
      ts += 1600;
    }
    assertEquals("0123456789*#ABCD", typed());
  }

  @Test
  void aLongKeyPressSplitIntoSegmentsIsOneDigit() {
    long ts = 1000;
    event(ts, true, 11, false, 32_000);
    event(ts, false, 11, false, 65_535);
    // RFC 4733 2.5.1.3: the press goes on in a segment starting where the first one ends.
    event(ts + 65_535, false, 11, false, 4000);
    event(ts + 65_535, false, 11, true, 8000);
    event(ts + 65_535, false, 11, true, 8000);
    assertEquals(List.of(new Digit('#', (65_535 + 8000) / 8)), digits);
  }

  @Test
  void onlyTheNegotiatedPayloadTypeIsRead() {
    assertFalse(feed(RtpBytes.audio(1, 160)));
    byte[] shortEvent = RtpBytes.rtp(false, TELEPHONE_EVENT, 2, 320, RtpBytes.SSRC, new byte[] {1, (byte) 0x80});
    assertTrue(feed(shortEvent));
    assertTrue(digits.isEmpty());
  }

  private void event(long timestamp, boolean marker, int code, boolean end, int duration) {
    nowMs += 50;
    assertTrue(feed(RtpBytes.event(seq++, timestamp, marker, code, end, duration)));
  }

  private void audioUntil(long timestamp) {
    for (long ts = timestamp - 800; ts < timestamp; ts += 160) {
      nowMs += 20;
      assertFalse(feed(RtpBytes.audio(seq++, ts)));
    }
  }

  private boolean feed(byte[] packet) {
    ByteBuf rtp = buf(packet);
    int header = RtpHeader.headerLength(rtp);
    return detector.onPacket(rtp, RtpHeader.payloadType(rtp), RtpHeader.timestamp(rtp),
        header, RtpHeader.payloadLength(rtp));
  }

  private String typed() {
    StringBuilder keys = new StringBuilder();
    digits.forEach(d -> keys.append(d.digit()));
    return keys.toString();
  }

  private static long nanos(long millis) {
    return TimeUnit.MILLISECONDS.toNanos(millis);
  }
}
