package io.callengine.bench.hold;

import io.callengine.sip.media.Codec;
import io.callengine.sip.media.HoldAudio;
import io.callengine.sip.media.MediaRelay;
import io.callengine.sip.media.RtpEndpoint;
import io.callengine.sip.media.RtpPortRange;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * How evenly hold audio leaves the engine: N players of one {@link MediaRelay} each play the
 * built-in hold music to a socket of their own on 127.0.0.1, and one reader thread (a selector)
 * stamps every packet with {@link System#nanoTime()} as it reads it. Per N, over the measured
 * window (after a warm-up): the gaps between consecutive packets of a stream (mean, p50, p99,
 * p99.9, max, share over 40 ms), and the packets whose sequence number or timestamp does not
 * follow the one before (none is expected: the unit tests hold that on any machine; this
 * measures what the tests do not, the 20 ms pacing, and wants a quiet machine).
 *
 * <p>One source file, run by bench/hold-audio-pacing.sh with the Java source launcher on the
 * classpath of the repository's sip-gateway:
 *
 * <pre>
 * java -cp CLASSPATH bench/hold-audio/HoldAudioPacing.java [--streams 1,100,500]
 *     [--warmup 2] [--measure 10] [--ports 30000-31999] [--relay-threads 2]
 * </pre>
 */
public final class HoldAudioPacing {

  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  private static final long FRAME_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

  record Options(int[] streams, int warmupSeconds, int measureSeconds, RtpPortRange ports, int relayThreads) {}

  /** What one stream's reader keeps: the last packet's sequence, timestamp and arrival. */
  private static final class Stream {
    int sequence = -1;
    long timestamp;
    long arrivedAt;
  }

  public static void main(String[] args) throws Exception {
    Options o = parse(args);
    System.out.printf(Locale.ROOT, "hold-audio pacing: %d CPUs, relay threads %d, warm-up %d s, measured %d s, JVM %s%n",
        Runtime.getRuntime().availableProcessors(), o.relayThreads(), o.warmupSeconds(), o.measureSeconds(),
        System.getProperty("java.version"));
    System.out.println("| streams | packets | per stream per s | mean gap ms | p50 ms | p99 ms | p99.9 ms | max ms "
        + "| gaps > 40 ms % | sequence or timestamp breaks |");
    System.out.println("|---|---|---|---|---|---|---|---|---|---|");
    HoldAudio audio = HoldAudio.builtIn();
    for (int n : o.streams()) {
      run(o, n, audio);
    }
  }

  private static void run(Options o, int n, HoldAudio audio) throws Exception {
    if (n > o.ports().size()) {
      throw new IllegalArgumentException(n + " relay ports needed, the range has " + o.ports().size());
    }
    MediaRelay relay = new MediaRelay(LOOPBACK, o.ports(), o.relayThreads());
    List<RtpEndpoint> legs = new ArrayList<>(n);
    List<DatagramChannel> phones = new ArrayList<>(n);
    try (Selector selector = Selector.open()) {
      Stream[] streams = new Stream[n];
      // The relay's ports first: the phones' ephemeral ports could otherwise take some of them.
      for (int i = 0; i < n; i++) {
        legs.add(relay.open().get(30, TimeUnit.SECONDS));
      }
      for (int i = 0; i < n; i++) {
        DatagramChannel phone = DatagramChannel.open();
        phone.setOption(StandardSocketOptions.SO_RCVBUF, 1 << 20);
        phone.bind(new InetSocketAddress(LOOPBACK, 0));
        phone.configureBlocking(false);
        phone.register(selector, SelectionKey.OP_READ, i);
        phones.add(phone);
        streams[i] = new Stream();
        legs.get(i).expectRemote((InetSocketAddress) phone.getLocalAddress());
      }
      for (RtpEndpoint leg : legs) {
        leg.player().play(audio.holdMusic(), Codec.PCMU);
      }
      long measureFrom = System.nanoTime() + TimeUnit.SECONDS.toNanos(o.warmupSeconds());
      long measureUntil = measureFrom + TimeUnit.SECONDS.toNanos(o.measureSeconds());
      long[] gaps = new long[(int) Math.min(Integer.MAX_VALUE - 8, 60L * n * o.measureSeconds())];
      int count = 0;
      long breaks = 0;
      ByteBuffer buffer = ByteBuffer.allocateDirect(2048);
      while (System.nanoTime() < measureUntil) {
        selector.select(100);
        long now = System.nanoTime();
        for (SelectionKey key : selector.selectedKeys()) {
          DatagramChannel phone = (DatagramChannel) key.channel();
          Stream stream = streams[(Integer) key.attachment()];
          while (true) {
            buffer.clear();
            if (phone.receive(buffer) == null) {
              break;
            }
            int packetType = buffer.get(1) & 0xFF;
            if (packetType >= 200 && packetType <= 204) {
              continue; // RTCP for another phone, whose RTP port is the one below this one's (RFC 5761 4)
            }
            int sequence = buffer.getShort(2) & 0xFFFF;
            long timestamp = buffer.getInt(4) & 0xFFFFFFFFL;
            if (stream.sequence >= 0 && now >= measureFrom && now < measureUntil) {
              if (sequence != ((stream.sequence + 1) & 0xFFFF) || timestamp != ((stream.timestamp + 160) & 0xFFFFFFFFL)) {
                breaks++;
              }
              if (count < gaps.length) {
                gaps[count++] = now - stream.arrivedAt;
              }
            }
            stream.sequence = sequence;
            stream.timestamp = timestamp;
            stream.arrivedAt = now;
          }
        }
        selector.selectedKeys().clear();
      }
      print(n, o.measureSeconds(), Arrays.copyOf(gaps, count), breaks);
    } finally {
      List<CompletableFuture<Void>> closing = new ArrayList<>();
      legs.forEach(leg -> closing.add(leg.close()));
      CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
      relay.shutdown().get(30, TimeUnit.SECONDS);
      for (DatagramChannel phone : phones) {
        closeQuietly(phone);
      }
    }
  }

  private static void print(int n, int seconds, long[] gaps, long breaks) {
    Arrays.sort(gaps);
    double mean = Arrays.stream(gaps).average().orElse(Double.NaN) / 1e6;
    long over = Arrays.stream(gaps).filter(g -> g > 2 * FRAME_NANOS).count();
    System.out.printf(Locale.ROOT, "| %d | %,d | %.1f | %.3f | %.2f | %.2f | %.2f | %.2f | %.3f | %d |%n",
        n, gaps.length, gaps.length / (double) n / seconds, mean, percentile(gaps, 50), percentile(gaps, 99),
        percentile(gaps, 99.9), gaps.length == 0 ? Double.NaN : gaps[gaps.length - 1] / 1e6,
        gaps.length == 0 ? Double.NaN : 100.0 * over / gaps.length, breaks);
  }

  private static double percentile(long[] sorted, double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int at = (int) Math.min(sorted.length - 1, Math.ceil(p / 100 * sorted.length) - 1);
    return sorted[Math.max(0, at)] / 1e6;
  }

  private static void closeQuietly(DatagramChannel channel) {
    try {
      channel.close();
    } catch (IOException e) {
      // closing at the end of the run: nothing to do
    }
  }

  private static Options parse(String[] args) {
    Map<String, String> a = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("expected --option value pairs, got " + args[i]);
      }
      a.put(args[i].substring(2), args[++i]);
    }
    Options o = new Options(
        Arrays.stream(a.getOrDefault("streams", "1,100,500").split(",")).mapToInt(Integer::parseInt).toArray(),
        Integer.parseInt(a.getOrDefault("warmup", "2")),
        Integer.parseInt(a.getOrDefault("measure", "10")),
        RtpPortRange.parse(a.getOrDefault("ports", "30000-31999")), // below the kernel's ephemeral ports
        Integer.parseInt(a.getOrDefault("relay-threads", "2")));
    if (o.warmupSeconds() < 0 || o.measureSeconds() < 1 || o.warmupSeconds() + o.measureSeconds() > 600) {
      throw new IllegalArgumentException("--warmup at least 0 s, --measure at least 1 s, 600 s together at most");
    }
    for (int n : o.streams()) {
      if (n < 1 || n > 10_000) {
        throw new IllegalArgumentException("--streams: 1 to 10,000 each, got " + n);
      }
    }
    return o;
  }
}
