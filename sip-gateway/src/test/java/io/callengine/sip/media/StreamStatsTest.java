package io.callengine.sip.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class StreamStatsTest {

  private static final Instant START = Instant.parse("2025-03-01T10:00:00Z");
  private static final long SSRC = 0x1234;
  private static final int FRAME = 160; // 20 ms at 8 kHz
  private static final double EXACT = 1e-9;

  private final StreamStats stats = new StreamStats(8000, START, 0);

  @Test
  void nothingReceivedYet() {
    StreamQuality q = stats.snapshot();
    assertEquals(0, q.packets());
    assertEquals(0, q.expected());
    assertEquals(0, q.mos(), EXACT);
    assertNull(q.firstPacketAt());
    assertNull(q.lastPacketAt());
  }

  @Test
  void aPerfectStreamLosesNothingAndHasNoJitter() {
    for (int i = 0; i < 50; i++) {
      audio(1000 + i, 5000 + i * FRAME, i * 20.0);
    }
    StreamQuality q = stats.snapshot();
    assertEquals(50, q.packets());
    assertEquals(50, q.expected());
    assertEquals(0, q.lost());
    assertEquals(0, q.lossPercent(), EXACT);
    assertEquals(0, q.jitterMs(), EXACT);
    assertEquals(Mos.g711(0, 0), q.mos(), EXACT);
    assertEquals(START, q.firstPacketAt());
    assertEquals(START.plusMillis(49 * 20), q.lastPacketAt());
  }

  @Test
  void everyTenthPacketLost() {
    for (int seq = 0; seq <= 100; seq++) {
      if (seq % 10 != 9) {
        audio(seq, seq * FRAME, seq * 20.0);
      }
    }
    StreamQuality q = stats.snapshot();
    assertEquals(91, q.packets());
    assertEquals(101, q.expected());
    assertEquals(10, q.lost());
    assertEquals(100.0 * 10 / 101, q.lossPercent(), EXACT);
    assertEquals(0, q.jitterMs(), EXACT, "the gaps follow the timestamps: no jitter");
    assertEquals(Mos.g711(100.0 * 10 / 101, 0), q.mos(), EXACT);
  }

  @Test
  void aLatePacketIsReorderedNotLost() {
    int[] order = {1, 2, 4, 3, 5, 6};
    for (int i = 0; i < order.length; i++) {
      audio(order[i], order[i] * FRAME, i * 20.0);
    }
    StreamQuality q = stats.snapshot();
    assertEquals(6, q.expected());
    assertEquals(0, q.lost());
    assertEquals(1, q.reordered());
    assertEquals(0, q.duplicates());
  }

  @Test
  void duplicatesAreCountedApartAndHideNoLoss() {
    int[] order = {1, 2, 2, 3, 3, 3, 5, 4, 4, 7};
    for (int i = 0; i < order.length; i++) {
      audio(order[i], order[i] * FRAME, i * 20.0);
    }
    StreamQuality q = stats.snapshot();
    assertEquals(10, q.packets());
    assertEquals(4, q.duplicates());
    assertEquals(7, q.expected());
    assertEquals(1, q.lost(), "6 never came, whatever the duplicates");
    assertEquals(1, q.reordered());
  }

  @Test
  void sequenceNumbersWrapAt65535() {
    int seq = 65530;
    long ts = 0xFFFFFF00L; // the timestamp wraps too
    for (int i = 0; i < 16; i++) {
      if (seq != 65534 && seq != 1) {
        audio(seq, ts, i * 20.0);
      }
      seq = (seq + 1) & 0xFFFF;
      ts = (ts + FRAME) & 0xFFFFFFFFL;
    }
    StreamQuality q = stats.snapshot();
    assertEquals(14, q.packets());
    assertEquals(16, q.expected());
    assertEquals(2, q.lost());
    assertEquals(0, q.resyncs());
    assertEquals(0, q.jitterMs(), EXACT);
  }

  @Test
  void aLoneWildSequenceNumberIsIgnored() {
    for (int seq = 1; seq <= 10; seq++) {
      audio(seq, seq * FRAME, seq * 20.0);
    }
    audio(30000, 11 * FRAME, 210);
    for (int seq = 11; seq <= 20; seq++) {
      audio(seq, seq * FRAME, seq * 20.0 + 5);
    }
    StreamQuality q = stats.snapshot();
    assertEquals(21, q.packets());
    assertEquals(20, q.expected());
    assertEquals(0, q.lost());
    assertEquals(0, q.resyncs());
  }

  @Test
  void aConfirmedJumpRestartsTheCountKeepingWhatCameBefore() {
    for (int seq = 1; seq <= 10; seq++) {
      if (seq != 5) {
        audio(seq, seq * FRAME, seq * 20.0);
      }
    }
    for (int seq = 40000; seq < 40005; seq++) {
      audio(seq, seq * FRAME, seq * 20.0);
    }
    StreamQuality q = stats.snapshot();
    assertEquals(1, q.resyncs());
    assertEquals(14, q.packets());
    // 10 expected before the restart (1 lost); 40001..40004 after it (40000 only announced it).
    assertEquals(10 + 4, q.expected());
    assertEquals(1, q.lost());
  }

  @Test
  void aNewSsrcRestartsAtOnce() {
    for (int seq = 1; seq <= 10; seq++) {
      audio(seq, seq * FRAME, seq * 20.0);
    }
    for (int seq = 9000; seq < 9010; seq++) {
      stats.onPacket(0x9999, seq, seq * FRAME, seq == 9000, nanos(200 + (seq - 9000) * 20.0));
    }
    StreamQuality q = stats.snapshot();
    assertEquals(1, q.resyncs());
    assertEquals(20, q.expected());
    assertEquals(0, q.lost());
    assertEquals(0, q.jitterMs(), EXACT);
  }

  @Test
  void oneLatePacketGivesTheJitterWorkedOutByHand() {
    // Packet 5 arrives 5 ms late (40 units), packet 6 on time again: |D| is 40, then 40.
    for (int seq = 1; seq <= 10; seq++) {
      audio(seq, seq * FRAME, seq * 20.0 + (seq == 5 ? 5 : 0));
    }
    double afterFirst = 40 / 16.0; // 2.5
    double afterSecond = afterFirst + (40 - afterFirst) / 16; // 4.84375
    double afterTheRest = afterSecond * Math.pow(15.0 / 16, 4); // packets 7-10: D = 0
    StreamQuality q = stats.snapshot();
    assertEquals(afterTheRest, q.jitter(), 1e-6);
    assertEquals(afterTheRest / 8, q.jitterMs(), 1e-6);
  }

  @Test
  void aConstantJitterPatternConvergesAsTheRfcFilterSays() {
    // Sent every 20 ms, received 10 ms then 30 ms apart: every |D| is 10 ms = 80 units.
    int packets = 200;
    double arrivalMs = 0;
    for (int i = 0; i < packets; i++) {
      audio(i, i * FRAME, arrivalMs);
      arrivalMs += i % 2 == 0 ? 10 : 30;
    }
    // J(n) = J(n-1) + (80 - J(n-1)) / 16 from J(0) = 0 is 80 * (1 - (15/16)^n) after n samples.
    double expected = 80 * (1 - Math.pow(15.0 / 16, packets - 1));
    StreamQuality q = stats.snapshot();
    assertEquals(expected, q.jitter(), 1e-6);
    assertEquals(expected / 8, q.jitterMs(), 1e-6);
    assertEquals(10, q.jitterMs(), 0.01);
    assertEquals(Mos.g711(0, expected / 8), q.mos(), 1e-9);
  }

  @Test
  void aTalkSpurtAfterSilenceDoesNotInflateJitter() {
    long ts = 0;
    double arrival = 0;
    int seq = 0;
    for (int i = 0; i < 20; i++) {
      audio(seq++, ts, arrival);
      ts += FRAME;
      arrival += 20;
    }
    // 600 ms of silence, and a sender whose clock stood still meanwhile: the next talk spurt
    // starts (marker) one frame on in RTP time but 620 ms later on the wall.
    arrival += 600;
    stats.onPacket(SSRC, seq++, ts, true, nanos(arrival));
    for (int i = 0; i < 20; i++) {
      ts += FRAME;
      arrival += 20;
      audio(seq++, ts, arrival);
    }
    // A well-behaved sender: 2 s of silence that the timestamps follow.
    arrival += 2000 + 20;
    ts += 16000 + FRAME;
    stats.onPacket(SSRC, seq++, ts, true, nanos(arrival));
    StreamQuality q = stats.snapshot();
    assertEquals(0, q.jitterMs(), EXACT);
    assertEquals(0, q.timestampJumps());
    assertEquals(0, q.lost());
  }

  @Test
  void aTimestampJumpRestartsTimingInsteadOfCountingAsJitter() {
    long ts = 0;
    for (int seq = 0; seq < 10; seq++) {
      audio(seq, ts, seq * 20.0);
      ts += FRAME;
    }
    ts += 10 * 8000; // ten seconds ahead, no marker, arriving on time
    for (int seq = 10; seq < 20; seq++) {
      audio(seq, ts, seq * 20.0);
      ts += FRAME;
    }
    StreamQuality q = stats.snapshot();
    assertEquals(1, q.timestampJumps());
    assertEquals(0, q.jitterMs(), EXACT);
  }

  @Test
  void telephoneEventsCountForLossButNotForJitter() {
    for (int seq = 0; seq < 5; seq++) {
      audio(seq, seq * FRAME, seq * 20.0);
    }
    // One event: five packets 50 ms apart, all stamped with the event's start.
    for (int seq = 5; seq < 10; seq++) {
      stats.onEventPacket(SSRC, seq, nanos(100 + (seq - 5) * 50.0));
    }
    StreamQuality q = stats.snapshot();
    assertEquals(10, q.expected());
    assertEquals(0, q.lost());
    assertEquals(0, q.jitterMs(), EXACT);
  }

  @Test
  void readersOnOtherThreadsSeeConsistentTotals() throws Exception {
    int packets = 200_000;
    AtomicReference<String> problem = new AtomicReference<>();
    Thread writer = new Thread(() -> {
      for (int i = 0; i < packets; i++) {
        if (i % 50 != 7) {
          stats.onPacket(SSRC, i & 0xFFFF, (long) i * FRAME, false, nanos(i * 20.0));
        }
      }
    });
    writer.start();
    long seen = 0;
    while (writer.isAlive()) {
      StreamQuality q = stats.snapshot();
      if (q.packets() < seen || q.packets() + q.lost() != q.expected()) {
        problem.compareAndSet(null, q.toString());
      }
      seen = q.packets();
    }
    writer.join(TimeUnit.SECONDS.toMillis(10));
    assertNull(problem.get());
    StreamQuality q = stats.snapshot();
    assertEquals(packets, q.expected());
    assertEquals(packets / 50, q.lost());
    assertTrue(q.mos() > 1 && q.mos() < 4.5);
  }

  private void audio(int seq, long timestamp, double arrivalMs) {
    stats.onPacket(SSRC, seq, timestamp & 0xFFFFFFFFL, false, nanos(arrivalMs));
  }

  private static long nanos(double millis) {
    return Math.round(millis * 1_000_000);
  }
}
