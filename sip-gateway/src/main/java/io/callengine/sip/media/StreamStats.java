package io.callengine.sip.media;

import java.time.Instant;
import java.util.Arrays;

/**
 * Reception statistics of one leg's RTP stream, after RFC 3550 appendix A: sequence
 * accounting (A.1, A.3) and interarrival jitter (A.8). The leg's {@link ReceiveMonitor} feeds
 * it from the channel's event loop, the only writer, with header fields read in place; any
 * thread, {@link RtpEndpoint#quality()} for one, reads it through {@link #snapshot()}. Each
 * packet publishes one small immutable set of counters through a volatile field, so readers
 * see a consistent view and the writer takes no lock.
 *
 * <p>Sequence numbers: a packet up to 3000 ahead of the highest so far is in order (gaps are
 * losses, 65535 wraps to 0); up to 100 behind it is late (reordered), or a duplicate if that
 * number was already received. Anything further away is a jump: ignored until the very next
 * sequence number confirms that the sender restarted, then the accounting restarts there
 * (A.1's resync), keeping what the earlier run expected and received. A new SSRC restarts it
 * at once. Duplicates are counted apart and do not offset losses.
 *
 * <p>Jitter: each packet's transit difference D against the previous one (arrival minus
 * timestamp, in timestamp units) moves the estimate by (|D| − J)/16. Timing restarts,
 * without a sample, at a marker bit (a talk spurt, whose timestamp may not have followed the
 * silence), at a restart of the accounting and when |D| exceeds one second (a timestamp
 * jump: a new timeline, not network jitter); duplicates and unconfirmed jumps are not timed.
 * RFC 4733 events ({@link #onEventPacket}) count for loss but not jitter, since all packets
 * of one event carry its starting timestamp.
 */
public final class StreamStats {

  /** RTP clock of G.711 and of 8 kHz telephone-event. */
  public static final int G711_CLOCK_RATE = 8000;

  private static final int SEQ_MOD = 1 << 16;
  private static final int MAX_DROPOUT = 3000;
  private static final int MAX_MISORDER = 100;
  private static final int WINDOW = 1024; // sequence numbers remembered to spot duplicates
  private static final int NEW = 0;
  private static final int RESTARTED = 1;
  private static final int DUPLICATE = 2;
  private static final int IGNORED = 3;

  /**
   * What a reader sees: totals as of the latest packet, plus what an RTCP report about the
   * stream (or on behalf of its sender) needs: its SSRC, the extended highest sequence number
   * and the RTP timestamp of the latest timed packet with its arrival.
   */
  record Counters(long packets, long expected, long received, long duplicates,
      long reordered, long timestampJumps, long resyncs, double jitter, long firstAt, long lastAt,
      long ssrc, long highestSequence, long lastTimestamp, long lastTimedAt) {}

  private static final Counters NONE = new Counters(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

  private final int clockRate;
  private final double unitsPerNano;
  private final double maxTransitStep;
  private final Instant wallAnchor;
  private final long nanoAnchor;
  private volatile Counters published = NONE;

  // Written on the event loop only.
  private boolean started;
  private long ssrc;
  private int maxSeq;
  private long cycles;
  private long baseSeq;
  private int badSeq = -1;
  private long runReceived;
  private long priorExpected;
  private long priorReceived;
  private final long[] seen = new long[WINDOW / Long.SIZE];
  private long packets;
  private long duplicates;
  private long reordered;
  private long timestampJumps;
  private long resyncs;
  private boolean timed;
  private long lastTimestamp;
  private long lastArrival;
  private double jitter;
  private long firstAt;
  private long lastAt;

  /** Statistics for a stream with this RTP clock rate, timed by {@link System#nanoTime()}. */
  public StreamStats(int clockRate) {
    this(clockRate, Instant.now(), System.nanoTime());
  }

  /** As above, with arrival times reckoned from {@code nanoAnchor}, which was {@code wallAnchor}. */
  StreamStats(int clockRate, Instant wallAnchor, long nanoAnchor) {
    if (clockRate <= 0) {
      throw new IllegalArgumentException("RTP clock rate must be positive, got " + clockRate);
    }
    this.clockRate = clockRate;
    this.unitsPerNano = clockRate / 1e9;
    this.maxTransitStep = clockRate;
    this.wallAnchor = wallAnchor;
    this.nanoAnchor = nanoAnchor;
  }

  /** An audio packet: {@code arrivalNanos} from {@link System#nanoTime()} when it was read. */
  public void onPacket(long packetSsrc, int sequence, long timestamp, boolean marker, long arrivalNanos) {
    int outcome = count(packetSsrc, sequence, arrivalNanos);
    if (outcome == NEW || outcome == RESTARTED) {
      time(timestamp, marker && outcome == NEW, outcome == RESTARTED, arrivalNanos);
    }
    publish();
  }

  /** A telephone-event packet: counted for loss and reordering, not timed. */
  public void onEventPacket(long packetSsrc, int sequence, long arrivalNanos) {
    count(packetSsrc, sequence, arrivalNanos);
    publish();
  }

  /** The totals as of the latest packet; safe from any thread. */
  public StreamQuality snapshot() {
    return snapshot(Double.NaN);
  }

  /** As {@link #snapshot()}, scored with the leg's round-trip time ({@code NaN} when unknown). */
  public StreamQuality snapshot(double rttMs) {
    Counters c = published;
    long lost = Math.max(0, c.expected() - c.received());
    double lossPercent = c.expected() > 0 ? 100.0 * lost / c.expected() : 0;
    double jitterMs = c.jitter() * 1000 / clockRate;
    boolean any = c.packets() > 0;
    return new StreamQuality(
        c.packets(), lost, lossPercent, jitterMs,
        any ? Mos.g711(lossPercent, jitterMs, rttMs) : 0,
        any ? instant(c.lastAt()) : null,
        any ? instant(c.firstAt()) : null,
        c.expected(), c.duplicates(), c.reordered(), c.timestampJumps(), c.resyncs(), c.jitter(),
        rttMs);
  }

  /** The raw totals as of the latest packet; safe from any thread. */
  Counters counters() {
    return published;
  }

  private int count(long packetSsrc, int sequence, long arrival) {
    if (packets++ == 0) {
      firstAt = arrival;
    }
    lastAt = arrival;
    int outcome = sequence(packetSsrc, sequence);
    if (outcome == DUPLICATE) {
      duplicates++;
    } else if (outcome != IGNORED) {
      runReceived++;
    }
    return outcome;
  }

  /** RFC 3550 A.1 update_seq, plus a window of received numbers to tell duplicates apart. */
  private int sequence(long packetSsrc, int seq) {
    if (!started || packetSsrc != ssrc) {
      restart(packetSsrc, seq);
      return RESTARTED;
    }
    int udelta = (seq - maxSeq) & (SEQ_MOD - 1);
    if (udelta == 0) {
      return DUPLICATE;
    }
    if (udelta < MAX_DROPOUT) {
      long highest = highest();
      if (seq < maxSeq) {
        cycles += SEQ_MOD;
      }
      maxSeq = seq;
      advanceWindow(highest, highest());
      return NEW;
    }
    if (udelta <= SEQ_MOD - MAX_MISORDER) {
      if (seq == badSeq) {
        resyncs++;
        restart(ssrc, seq);
        return RESTARTED;
      }
      badSeq = (seq + 1) & (SEQ_MOD - 1);
      return IGNORED;
    }
    long late = highest() - (SEQ_MOD - udelta);
    if (isSeen(late)) {
      return DUPLICATE;
    }
    markSeen(late);
    reordered++;
    return NEW;
  }

  /** A new run starting at {@code seq}; what the previous run expected and got is kept. */
  private void restart(long packetSsrc, int seq) {
    if (started) {
      if (packetSsrc != ssrc) {
        resyncs++;
      }
      priorExpected += runExpected();
      priorReceived += runReceived;
    }
    started = true;
    ssrc = packetSsrc;
    maxSeq = seq;
    cycles = 0;
    baseSeq = seq;
    badSeq = -1;
    runReceived = 0;
    Arrays.fill(seen, 0);
    markSeen(seq);
  }

  private void time(long timestamp, boolean marker, boolean restarted, long arrival) {
    if (timed && !restarted) {
      double transitChange = (arrival - lastArrival) * unitsPerNano - (int) (timestamp - lastTimestamp);
      double d = Math.abs(transitChange);
      if (d > maxTransitStep) {
        timestampJumps++;
      } else if (!marker) {
        jitter += (d - jitter) / 16;
      }
    }
    timed = true;
    lastTimestamp = timestamp;
    lastArrival = arrival;
  }

  private long highest() {
    return cycles + maxSeq;
  }

  private long runExpected() {
    return highest() - baseSeq + 1;
  }

  private void advanceWindow(long from, long to) {
    if (to - from >= WINDOW) {
      Arrays.fill(seen, 0);
    } else {
      for (long ext = from + 1; ext < to; ext++) {
        clearSeen(ext);
      }
    }
    markSeen(to);
  }

  private boolean isSeen(long ext) {
    return (seen[slot(ext)] & bit(ext)) != 0;
  }

  private void markSeen(long ext) {
    seen[slot(ext)] |= bit(ext);
  }

  private void clearSeen(long ext) {
    seen[slot(ext)] &= ~bit(ext);
  }

  private static int slot(long ext) {
    return (int) ((ext & (WINDOW - 1)) >>> 6);
  }

  private static long bit(long ext) {
    return 1L << (ext & 63);
  }

  private void publish() {
    published = new Counters(packets, priorExpected + runExpected(), priorReceived + runReceived,
        duplicates, reordered, timestampJumps, resyncs, jitter, firstAt, lastAt,
        ssrc, highest(), lastTimestamp, lastArrival);
  }

  private Instant instant(long nanos) {
    return wallAnchor.plusNanos(nanos - nanoAnchor);
  }
}
