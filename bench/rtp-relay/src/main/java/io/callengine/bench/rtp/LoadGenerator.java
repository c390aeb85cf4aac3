package io.callengine.bench.rtp;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Plays both phones of every call: one UDP socket per phone, connected to the relay port
 * of its leg. One thread sends every socket's packets on a fixed 20 ms schedule, the
 * sockets evenly spread over the period; another receives with one selector and measures
 * what the other phone's packets went through.
 *
 * <p>Packet: a 12-byte RTP header (version 2, PCMU, the socket's own SSRC, sequence +1 and
 * timestamp +160 per packet) and a 160-byte payload whose first 13 bytes carry the
 * {@link System#nanoTime()} just before the send, the packet's index and whether it falls in
 * the measured window.
 */
final class LoadGenerator implements AutoCloseable {

  static final int HEADER = 12;
  static final int PAYLOAD = 160;
  static final int PACKET = HEADER + PAYLOAD;
  static final long PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
  static final int TIMESTAMP_STEP = 160;
  private static final int SEND_NANOS_AT = HEADER;
  private static final int INDEX_AT = HEADER + 8;
  private static final int MEASURED_AT = HEADER + 12;
  // One socket gives way to the next after this many datagrams in one selector round.
  private static final int READS_PER_KEY = 32;
  // Transit times are bucketed to the microsecond up to this bound.
  private static final int HISTOGRAM_MAX_MICROS = 2_000_000;

  /** What one socket (one phone) measured of the packets the other phone sent it. */
  static final class Leg {
    final int stream;
    final int expectedSsrc;
    long receivedAll;
    long received;
    long foreign;
    long malformed;
    long reordered;
    long readErrors;
    // sequence-gap accounting over the measured packets, on extended sequence numbers
    private boolean seen;
    private long lastExt;
    private int lastSeq;
    long minExt;
    long maxExt;
    // RFC 3550 interarrival jitter (ms): on receive times, on send times, on transit
    private boolean jitterStarted;
    private long prevRecv;
    private long prevSend;
    private int prevTs;
    double jitterRecv;
    double jitterSend;
    double jitterTransit;
    double sumJitterRecv;
    double sumJitterSend;
    double sumJitterTransit;
    long jitterSamples;

    Leg(int stream, int expectedSsrc) {
      this.stream = stream;
      this.expectedSsrc = expectedSsrc;
    }

    long expected() {
      return seen ? maxExt - minExt + 1 : 0;
    }

    void onPacket(ByteBuffer b, int length, long now, Histogram transit) {
      if (length < PACKET || (b.get(0) & 0xC0) != 0x80) {
        malformed++;
        return;
      }
      if (b.getInt(8) != expectedSsrc) {
        foreign++;
        return;
      }
      receivedAll++;
      int seq = b.getShort(2) & 0xFFFF;
      int ts = b.getInt(4);
      long sendNanos = b.getLong(SEND_NANOS_AT);
      boolean measured = b.get(MEASURED_AT) != 0;

      if (jitterStarted) {
        double dTs = (ts - prevTs) / 8.0; // 8 kHz clock, ms
        double dRecv = (now - prevRecv) / 1e6;
        double dSend = (sendNanos - prevSend) / 1e6;
        jitterRecv += (Math.abs(dRecv - dTs) - jitterRecv) / 16.0;
        jitterSend += (Math.abs(dSend - dTs) - jitterSend) / 16.0;
        jitterTransit += (Math.abs(dRecv - dSend) - jitterTransit) / 16.0;
        if (measured) {
          sumJitterRecv += jitterRecv;
          sumJitterSend += jitterSend;
          sumJitterTransit += jitterTransit;
          jitterSamples++;
        }
      }
      jitterStarted = true;
      prevRecv = now;
      prevSend = sendNanos;
      prevTs = ts;

      if (!measured) {
        return;
      }
      received++;
      transit.record((now - sendNanos) / 1000);
      if (!seen) {
        seen = true;
        lastExt = seq;
        minExt = seq;
        maxExt = seq;
      } else {
        long ext = lastExt + (short) (seq - lastSeq);
        if (ext <= maxExt) {
          reordered++;
        }
        lastExt = ext;
        minExt = Math.min(minExt, ext);
        maxExt = Math.max(maxExt, ext);
      }
      lastSeq = seq;
    }
  }

  private final int streams;
  private final DatagramChannel[] channels;
  private final InetSocketAddress[] local;
  private final Leg[] legs;
  private final int[] ssrc;
  private final int[] seq0;
  private final int[] ts0;
  private final Selector selector;
  private final Histogram transit = new Histogram(HISTOGRAM_MAX_MICROS);
  // how late each measured packet left against its schedule; sender thread only
  private final Histogram sendLateness = new Histogram(HISTOGRAM_MAX_MICROS);

  // written by the sender thread, read after it has been joined (sentAll also while it runs)
  private volatile long sentAll;
  private long sentMeasured;
  private long sendBufferFull;
  private long sendErrors;
  private long lateOver1ms;
  private long maxLateNanos;
  private volatile boolean aborted;
  private volatile boolean stopReceiving;

  private Thread sender;
  private Thread receiver;

  /**
   * Binds one socket per target on 127.0.0.1 and connects it there; stream {@code s}
   * talks to stream {@code s ^ 1} (customer 2i, agent 2i+1).
   */
  LoadGenerator(InetSocketAddress[] targets, int rcvbuf, int sndbuf, long seed) throws IOException {
    this.streams = targets.length;
    this.channels = new DatagramChannel[streams];
    this.local = new InetSocketAddress[streams];
    this.legs = new Leg[streams];
    this.ssrc = new int[streams];
    this.seq0 = new int[streams];
    this.ts0 = new int[streams];
    this.selector = Selector.open();
    SplittableRandom random = new SplittableRandom(seed);
    for (int s = 0; s < streams; s++) {
      ssrc[s] = (random.nextInt() & 0xFFFF0000) | s; // distinct by construction
      seq0[s] = random.nextInt(1 << 16);
      ts0[s] = random.nextInt();
    }
    InetAddress loopback = InetAddress.getByName("127.0.0.1");
    try {
      for (int s = 0; s < streams; s++) {
        DatagramChannel ch = DatagramChannel.open();
        channels[s] = ch;
        if (rcvbuf > 0) {
          ch.setOption(StandardSocketOptions.SO_RCVBUF, rcvbuf);
        }
        if (sndbuf > 0) {
          ch.setOption(StandardSocketOptions.SO_SNDBUF, sndbuf);
        }
        ch.bind(new InetSocketAddress(loopback, 0));
        ch.connect(targets[s]);
        ch.configureBlocking(false);
        local[s] = (InetSocketAddress) ch.getLocalAddress();
        legs[s] = new Leg(s, ssrc[s ^ 1]); // what the other phone of the call sends
        ch.register(selector, SelectionKey.OP_READ, legs[s]);
      }
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
  }

  InetSocketAddress localAddress(int stream) {
    return local[stream];
  }

  /** SO_RCVBUF the kernel granted the first socket (Linux reports twice the request). */
  int effectiveRcvbuf() throws IOException {
    return channels[0].getOption(StandardSocketOptions.SO_RCVBUF);
  }

  /**
   * Starts receiving at once and sending at {@code t0}: {@code warmupCycles} then
   * {@code measuredCycles} periods of 20 ms, every socket one packet per period; receiving
   * stops {@code drainNanos} after the last send. Nothing runs past {@code hardDeadline}.
   */
  void start(long t0, int warmupCycles, int measuredCycles, long drainNanos, long hardDeadline) {
    receiver = new Thread(() -> receiveLoop(hardDeadline), CpuMeter.GENERATOR_THREAD_PREFIX + "-recv");
    sender = new Thread(() -> {
      try {
        sendLoop(t0, warmupCycles, measuredCycles, hardDeadline);
      } finally {
        long until = Math.min(System.nanoTime() + drainNanos, hardDeadline);
        long left;
        while ((left = until - System.nanoTime()) > 0) {
          LockSupport.parkNanos(left);
        }
        stopReceiving = true;
        selector.wakeup();
      }
    }, CpuMeter.GENERATOR_THREAD_PREFIX + "-send");
    receiver.setDaemon(true);
    sender.setDaemon(true);
    receiver.start();
    sender.start();
  }

  /** Waits for both threads; false when they did not finish in time (they are then told to stop). */
  boolean await(long timeoutNanos) throws InterruptedException {
    long until = System.nanoTime() + timeoutNanos;
    sender.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(until - System.nanoTime())));
    receiver.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(until - System.nanoTime())));
    if (sender.isAlive() || receiver.isAlive()) {
      aborted = true;
      stopReceiving = true;
      selector.wakeup();
      sender.join(2000);
      receiver.join(2000);
      return false;
    }
    return !aborted;
  }

  private void sendLoop(long t0, int warmupCycles, int measuredCycles, long hardDeadline) {
    ByteBuffer buf = ByteBuffer.allocateDirect(PACKET);
    for (int i = HEADER; i < PACKET; i++) {
      buf.put(i, (byte) 0xFF); // PCMU silence
    }
    buf.put(0, (byte) 0x80); // V=2, no padding, no extension, no CSRC
    buf.put(1, (byte) 0); // M=0, PT=0 (PCMU)
    long[] offset = new long[streams];
    for (int s = 0; s < streams; s++) {
      offset[s] = s * PERIOD_NANOS / streams;
    }
    long cycles = (long) warmupCycles + measuredCycles;
    long total = cycles * streams;
    for (long j = 0; j < total; j++) {
      int s = (int) (j % streams);
      long cycle = j / streams;
      long due = t0 + cycle * PERIOD_NANOS + offset[s];
      long now = System.nanoTime();
      // absolute deadlines: a late wake-up is caught up at once, never accumulated
      while (due - now > 0) {
        LockSupport.parkNanos(due - now);
        now = System.nanoTime();
      }
      if (now - hardDeadline > 0 || aborted) {
        aborted = true;
        return;
      }
      boolean measured = cycle >= warmupCycles;
      buf.putShort(2, (short) (seq0[s] + cycle));
      buf.putInt(4, (int) (ts0[s] + cycle * TIMESTAMP_STEP));
      buf.putInt(8, ssrc[s]);
      buf.putLong(SEND_NANOS_AT, now);
      buf.putInt(INDEX_AT, (int) cycle);
      buf.put(MEASURED_AT, (byte) (measured ? 1 : 0));
      buf.clear();
      int n;
      try {
        n = channels[s].write(buf);
      } catch (IOException e) {
        sendErrors++;
        continue;
      }
      if (n != PACKET) {
        sendBufferFull++;
        continue;
      }
      sentAll = sentAll + 1; // one writer
      if (measured) {
        sentMeasured++;
        long late = now - due;
        if (late > 1_000_000) {
          lateOver1ms++;
        }
        maxLateNanos = Math.max(maxLateNanos, late);
        sendLateness.record(late / 1000);
      }
    }
  }

  private void receiveLoop(long hardDeadline) {
    ByteBuffer buf = ByteBuffer.allocateDirect(2048);
    while (!stopReceiving && System.nanoTime() - hardDeadline < 0) {
      try {
        selector.select(key -> drain(key, buf), 100);
      } catch (IOException e) {
        aborted = true;
        return;
      }
    }
  }

  private void drain(SelectionKey key, ByteBuffer buf) {
    Leg leg = (Leg) key.attachment();
    DatagramChannel ch = (DatagramChannel) key.channel();
    for (int i = 0; i < READS_PER_KEY; i++) {
      buf.clear();
      int n;
      try {
        n = ch.read(buf);
      } catch (IOException e) {
        // e.g. ICMP port unreachable reported on the connected socket
        leg.readErrors++;
        return;
      }
      if (n <= 0) {
        return;
      }
      leg.onPacket(buf, n, System.nanoTime(), transit);
    }
  }

  Leg[] legs() {
    return legs;
  }

  Histogram transit() {
    return transit;
  }

  Histogram sendLateness() {
    return sendLateness;
  }

  long sentAll() {
    return sentAll;
  }

  long sentMeasured() {
    return sentMeasured;
  }

  long sendBufferFull() {
    return sendBufferFull;
  }

  long sendErrors() {
    return sendErrors;
  }

  long lateOver1ms() {
    return lateOver1ms;
  }

  long maxLateNanos() {
    return maxLateNanos;
  }

  boolean aborted() {
    return aborted;
  }

  @Override
  public void close() {
    for (DatagramChannel ch : channels) {
      if (ch != null) {
        try {
          ch.close();
        } catch (IOException e) {
          // closing anyway
        }
      }
    }
    try {
      selector.close();
    } catch (IOException e) {
      // closing anyway
    }
  }
}
