package io.callengine.bench.rtp;

import io.callengine.sip.media.MediaRelay;
import io.callengine.sip.media.RtpEndpoint;
import io.callengine.sip.media.RtpPortRange;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * N concurrent calls through the engine's RTP relay, in one JVM: the relay ({@link
 * MediaRelay}, 2N bound ports, each call's two legs bridged as the SIP layer does) and a
 * load generator playing customer and agent of every call (2N sockets, 50 packets/s each
 * way). One line per N: packets sent and received, loss, jitter, transit time, CPU.
 *
 * <pre>
 * java -jar rtp-relay-bench.jar [--calls 100,250,500,1000] [--more 1500] [--warmup 5]
 *     [--measure 20] [--drain 1] [--ports 40000-49999] [--relay-threads 2]
 *     [--rcvbuf 1048576] [--sndbuf 0] [--loss-target 0.1] [--pairing random|adjacent|same-loop]
 *     [--max-seconds 330] [--seed 1]
 * </pre>
 *
 * {@code --more}: further steps run only while every step so far stayed under the loss
 * target. {@code --max-seconds}: a step that would end after this budget is skipped.
 */
public final class RtpRelayBench {

  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  private static final long SETUP_TIMEOUT_SECONDS = 30;

  record Options(
      int[] calls,
      int[] more,
      int warmupSeconds,
      int measureSeconds,
      double drainSeconds,
      RtpPortRange ports,
      int relayThreads,
      int rcvbuf,
      int sndbuf,
      double lossTargetPercent,
      String pairing,
      int maxSeconds,
      long seed) {}

  record Result(
      int calls,
      long sent,
      long received,
      double lossPercent,
      double gapLossPercent,
      double jitterMs,
      double sendJitterMs,
      double transitJitterMs,
      double maxLegJitterMs,
      double transitP50Ms,
      double transitP99Ms,
      double transitP999Ms,
      double transitMaxMs,
      double transitOver50Percent,
      double sendLateP99Ms,
      double relayMicrosPerPacket,
      double offeredShare,
      long lateSends,
      double maxLateMs,
      double relayCores,
      double relaySysShare,
      double generatorCores,
      double processCores,
      double machinePercent,
      double otherCores,
      long gcCount,
      long gcMillis,
      long kernelRcvbufErrors,
      long kernelSndbufErrors,
      long genSentAll,
      long relayIn,
      long relayOut,
      long relayDropped,
      long genReceivedAll,
      long foreign,
      long reordered,
      long errors,
      int rcvbufGranted,
      boolean complete) {

    boolean passes(double targetPercent) {
      return complete && lossPercent < targetPercent && gapLossPercent < targetPercent;
    }

    /**
     * CPU-bound: the cores were all busy, or the load generator could not keep its schedule
     * (it sent under 98 % of 50 packets/s per phone in the window, or p99 lateness over 20 ms).
     */
    boolean saturated() {
      return machinePercent >= 95 || offeredShare < 0.98 || sendLateP99Ms > 20;
    }

    String verdict(double targetPercent) {
      if (!complete) {
        return "incomplete";
      }
      if (!passes(targetPercent)) {
        return "over target";
      }
      return saturated() ? "under target, saturated" : "under target";
    }
  }

  public static void main(String[] args) throws Exception {
    Options o = parse(args);
    long start = System.nanoTime();
    long budget = TimeUnit.SECONDS.toNanos(o.maxSeconds());
    printHeader(o);

    List<Result> results = new ArrayList<>();
    List<Integer> steps = new ArrayList<>();
    Arrays.stream(o.calls()).forEach(steps::add);
    int mandatory = steps.size();
    Arrays.stream(o.more()).forEach(steps::add);
    boolean allPassed = true;
    for (int i = 0; i < steps.size(); i++) {
      int n = steps.get(i);
      if (i >= mandatory && !allPassed) {
        System.out.printf(Locale.ROOT, "N=%d skipped: an earlier step missed the loss target%n", n);
        continue;
      }
      long estimate = TimeUnit.MILLISECONDS.toNanos((long) (1000 * (o.warmupSeconds()
          + o.measureSeconds() + o.drainSeconds() + 3) + 4L * n));
      if (System.nanoTime() - start + estimate > budget) {
        System.out.printf(Locale.ROOT, "N=%d skipped: it would overrun --max-seconds %d%n",
            n, o.maxSeconds());
        continue;
      }
      Result r = runStep(o, n, start + budget + TimeUnit.SECONDS.toNanos(20));
      results.add(r);
      allPassed &= r.passes(o.lossTargetPercent());
      printLine(r, o);
      System.gc();
      Thread.sleep(1000);
    }
    printTable(results, o);
    System.out.printf(Locale.ROOT, "total %.0f s%n", (System.nanoTime() - start) / 1e9);
  }

  private static Result runStep(Options o, int calls, long hardDeadline) throws Exception {
    int streams = 2 * calls;
    if (streams > o.ports().size()) {
      throw new IllegalArgumentException(streams + " relay ports needed, the range has "
          + o.ports().size());
    }
    MediaRelay relay = new MediaRelay(LOOPBACK, o.ports(), o.relayThreads());
    List<RtpEndpoint> opened = new ArrayList<>(streams);
    try {
      List<CompletableFuture<RtpEndpoint>> opening = new ArrayList<>(streams);
      for (int s = 0; s < streams; s++) {
        opening.add(relay.open());
      }
      CompletableFuture.allOf(opening.toArray(CompletableFuture[]::new))
          .get(SETUP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      for (CompletableFuture<RtpEndpoint> f : opening) {
        opened.add(f.join());
      }
      RtpEndpoint[] leg = pair(opened, o, calls);
      InetSocketAddress[] targets = new InetSocketAddress[streams];
      for (int s = 0; s < streams; s++) {
        targets[s] = new InetSocketAddress(LOOPBACK, leg[s].port());
      }

      try (LoadGenerator gen = new LoadGenerator(targets, o.rcvbuf(), o.sndbuf(), o.seed() * 31 + calls)) {
        for (int c = 0; c < calls; c++) {
          RtpEndpoint customer = leg[2 * c];
          RtpEndpoint agent = leg[2 * c + 1];
          customer.expectRemote(gen.localAddress(2 * c));
          agent.expectRemote(gen.localAddress(2 * c + 1));
          RtpEndpoint.bridge(customer, agent);
        }
        int warmupCycles = (int) (o.warmupSeconds() * 1000L / 20);
        int measuredCycles = (int) (o.measureSeconds() * 1000L / 20);
        long drainNanos = (long) (o.drainSeconds() * 1e9);
        long t0 = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
        long stepDeadline = Math.min(hardDeadline,
            t0 + TimeUnit.SECONDS.toNanos(o.warmupSeconds() + o.measureSeconds() + 10));

        CpuMeter.Snapshot before = CpuMeter.snapshot();
        gen.start(t0, warmupCycles, measuredCycles, drainNanos, stepDeadline);
        sleepUntil(t0 + TimeUnit.SECONDS.toNanos(o.warmupSeconds()));
        CpuMeter.Snapshot from = CpuMeter.snapshot();
        long relayedFrom = relayedSoFar(leg);
        long sentFrom = gen.sentAll();
        sleepUntil(t0 + TimeUnit.SECONDS.toNanos(o.warmupSeconds() + o.measureSeconds()));
        CpuMeter.Snapshot to = CpuMeter.snapshot();
        long relayedInWindow = relayedSoFar(leg) - relayedFrom;
        long sentInWindow = gen.sentAll() - sentFrom;
        boolean complete = gen.await(stepDeadline - System.nanoTime() + TimeUnit.SECONDS.toNanos(2));
        CpuMeter.Snapshot after = CpuMeter.snapshot();

        long relayIn = 0;
        long relayOut = 0;
        long relayDropped = 0;
        for (RtpEndpoint e : leg) {
          relayIn += e.packetsReceived();
          relayOut += e.packetsSent();
          relayDropped += e.packetsDropped();
        }
        return summarize(calls, gen, from, to, before, after, relayIn, relayOut, relayDropped,
            relayedInWindow, sentInWindow, gen.effectiveRcvbuf(), complete);
      }
    } finally {
      List<CompletableFuture<Void>> closing = new ArrayList<>();
      for (RtpEndpoint e : opened) {
        closing.add(e.close());
      }
      try {
        CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
      } finally {
        relay.shutdown().get(10, TimeUnit.SECONDS);
      }
    }
  }

  private static long relayedSoFar(RtpEndpoint[] legs) {
    long n = 0;
    for (RtpEndpoint e : legs) {
      n += e.packetsSent();
    }
    return n;
  }

  /**
   * Which relay ports form a call: legs 2c and 2c+1 of the answer. The ports were opened
   * one after the other, so Netty gave them event loops in turn (port i on loop i % T).
   * random: pairs cross loops as often as the engine's calls do, whose legs open at
   * unrelated moments ((T-1)/T of them); adjacent: ports i and i+1, so with T > 1 every
   * call crosses loops; same-loop: both legs on one loop (the odd one out excepted).
   */
  private static RtpEndpoint[] pair(List<RtpEndpoint> opened, Options o, int calls) {
    RtpEndpoint[] leg = opened.toArray(RtpEndpoint[]::new);
    switch (o.pairing()) {
      case "adjacent" -> { }
      case "same-loop" -> {
        int loops = o.relayThreads();
        List<RtpEndpoint> ordered = new ArrayList<>(leg.length);
        for (int loop = 0; loop < loops; loop++) {
          for (int i = loop; i < leg.length; i += loops) {
            ordered.add(leg[i]);
          }
        }
        leg = ordered.toArray(RtpEndpoint[]::new);
      }
      default -> {
        SplittableRandom random = new SplittableRandom(o.seed() + calls);
        for (int i = leg.length - 1; i > 0; i--) {
          int j = random.nextInt(i + 1);
          RtpEndpoint t = leg[i];
          leg[i] = leg[j];
          leg[j] = t;
        }
      }
    }
    return leg;
  }

  private static Result summarize(int calls, LoadGenerator gen, CpuMeter.Snapshot from,
      CpuMeter.Snapshot to, CpuMeter.Snapshot before, CpuMeter.Snapshot after, long relayIn,
      long relayOut, long relayDropped, long relayedInWindow, long sentInWindow,
      int rcvbufGranted, boolean complete) {
    long received = 0;
    long receivedAll = 0;
    long expected = 0;
    long foreign = 0;
    long reordered = 0;
    long errors = gen.sendErrors() + gen.sendBufferFull();
    double sumRecv = 0;
    double sumSend = 0;
    double sumTransit = 0;
    long samples = 0;
    double maxLeg = 0;
    for (LoadGenerator.Leg leg : gen.legs()) {
      received += leg.received;
      receivedAll += leg.receivedAll;
      expected += leg.expected();
      foreign += leg.foreign + leg.malformed;
      reordered += leg.reordered;
      errors += leg.readErrors;
      sumRecv += leg.sumJitterRecv;
      sumSend += leg.sumJitterSend;
      sumTransit += leg.sumJitterTransit;
      samples += leg.jitterSamples;
      if (leg.jitterSamples > 0) {
        maxLeg = Math.max(maxLeg, leg.sumJitterRecv / leg.jitterSamples);
      }
    }
    long sent = gen.sentMeasured();
    double wall = to.wallNanos() - from.wallNanos();
    double relayCpu = to.relayCpuNanos() - from.relayCpuNanos();
    double relayUser = to.relayUserNanos() - from.relayUserNanos();
    long machineTotal = to.machineTotalTicks() - from.machineTotalTicks();
    Histogram h = gen.transit();
    double processCores = (to.processCpuNanos() - from.processCpuNanos()) / wall;
    double machinePercent = machineTotal == 0 ? -1
        : 100.0 * (to.machineBusyTicks() - from.machineBusyTicks()) / machineTotal;
    return new Result(
        calls,
        sent,
        received,
        sent == 0 ? 100 : 100.0 * (sent - received) / sent,
        expected == 0 ? 100 : 100.0 * (expected - received) / expected,
        samples == 0 ? 0 : sumRecv / samples,
        samples == 0 ? 0 : sumSend / samples,
        samples == 0 ? 0 : sumTransit / samples,
        maxLeg,
        h.percentile(50) / 1000.0,
        h.percentile(99) / 1000.0,
        h.percentile(99.9) / 1000.0,
        h.max() / 1000.0,
        h.percentAbove(50_000),
        gen.sendLateness().percentile(99) / 1000.0,
        relayedInWindow == 0 ? 0 : relayCpu / 1000.0 / relayedInWindow,
        sentInWindow * 1e9 / wall / (2.0 * calls * 50),
        gen.lateOver1ms(),
        gen.maxLateNanos() / 1e6,
        relayCpu / wall,
        relayCpu == 0 ? 0 : (relayCpu - relayUser) / relayCpu,
        (to.generatorCpuNanos() - from.generatorCpuNanos()) / wall,
        processCores,
        machinePercent,
        machinePercent < 0 ? -1 : Math.max(0, machinePercent / 100.0
            * Runtime.getRuntime().availableProcessors() - processCores),
        to.gcCount() - from.gcCount(),
        to.gcMillis() - from.gcMillis(),
        CpuMeter.udpDelta(before, after, "RcvbufErrors"),
        CpuMeter.udpDelta(before, after, "SndbufErrors"),
        gen.sentAll(),
        relayIn,
        relayOut,
        relayDropped,
        receivedAll,
        foreign,
        reordered,
        errors,
        rcvbufGranted,
        complete && !gen.aborted());
  }

  private static void printHeader(Options o) throws IOException {
    Runtime rt = Runtime.getRuntime();
    System.out.printf(Locale.ROOT, "rtp-relay bench: %d calls steps %s%s, warm-up %d s, measured %d s, drain %.1f s%n",
        o.calls().length, Arrays.toString(o.calls()),
        o.more().length == 0 ? "" : " then " + Arrays.toString(o.more()) + " while under target",
        o.warmupSeconds(), o.measureSeconds(), o.drainSeconds());
    System.out.printf(Locale.ROOT, "relay: MediaRelay on 127.0.0.1, ports %d-%d, %d event loop thread(s) (NIO), %s pairing%n",
        o.ports().first(), o.ports().last(), o.relayThreads(), o.pairing());
    System.out.printf(Locale.ROOT, "generator: 2 threads (sender, receiver), java.nio DatagramChannels, "
        + "SO_RCVBUF requested %s, SO_SNDBUF %s; relay sockets keep the kernel default%n",
        o.rcvbuf() > 0 ? o.rcvbuf() : "default", o.sndbuf() > 0 ? o.sndbuf() : "default");
    System.out.printf(Locale.ROOT, "kernel: net.core.rmem_default %s, rmem_max %s, wmem_default %s, wmem_max %s, udp_mem %s%n",
        sysctl("net/core/rmem_default"), sysctl("net/core/rmem_max"),
        sysctl("net/core/wmem_default"), sysctl("net/core/wmem_max"), sysctl("net/ipv4/udp_mem"));
    System.out.printf(Locale.ROOT, "machine: %d CPUs, %.1f GiB RAM, %s %s, JVM args %s%n",
        rt.availableProcessors(), memTotalGiB(), System.getProperty("java.vm.name"),
        System.getProperty("java.runtime.version"),
        ManagementFactory.getRuntimeMXBean().getInputArguments());
    System.out.printf(Locale.ROOT, "%6s %9s %9s %8s %8s %7s %7s %7s %7s %7s %7s %7s %6s %6s %6s %6s %6s %6s  %s%n",
        "calls", "sent", "recv", "loss%", "gap%", "jit", "sendjit", "added", "trjit", "p50", "p99", "p99.9",
        ">50ms%", "relay", "gen", "jvm", "others", "mach%", "verdict");
  }

  private static void printLine(Result r, Options o) {
    System.out.printf(Locale.ROOT,
        "%6d %9d %9d %8.4f %8.4f %7.3f %7.3f %7.3f %7.3f %7.2f %7.2f %7.2f %6.2f %6.2f %6.2f %6.2f %6.2f %6.0f  %s%n",
        r.calls(), r.sent(), r.received(), r.lossPercent(), r.gapLossPercent(), r.jitterMs(),
        r.sendJitterMs(), r.jitterMs() - r.sendJitterMs(), r.transitJitterMs(), r.transitP50Ms(),
        r.transitP99Ms(), r.transitP999Ms(), r.transitOver50Percent(), r.relayCores(),
        r.generatorCores(), r.processCores(), r.otherCores(), r.machinePercent(),
        r.verdict(o.lossTargetPercent()));
    System.out.printf(Locale.ROOT,
        "       whole step: generator sent %d, relay in %d, relay out %d, relay dropped %d, generator received %d;"
            + " kernel UDP RcvbufErrors %d SndbufErrors %d; relay CPU %.2f us per relayed packet, %.0f%% of it in the kernel;"
            + " worst leg jitter %.3f ms; transit max %.1f ms; generator sent %.1f%% of the nominal rate in the window,"
            + " lateness p99 %.2f ms, max %.1f ms (%d sends >1 ms late);"
            + " GC %d (%d ms); foreign %d, reordered %d, errors %d; generator SO_RCVBUF granted %d%n",
        r.genSentAll(), r.relayIn(), r.relayOut(), r.relayDropped(), r.genReceivedAll(),
        r.kernelRcvbufErrors(), r.kernelSndbufErrors(), r.relayMicrosPerPacket(), 100 * r.relaySysShare(),
        r.maxLegJitterMs(), r.transitMaxMs(), 100 * r.offeredShare(), r.sendLateP99Ms(), r.maxLateMs(), r.lateSends(),
        r.gcCount(), r.gcMillis(), r.foreign(), r.reordered(), r.errors(), r.rcvbufGranted());
  }

  private static void printTable(List<Result> results, Options o) {
    System.out.println();
    System.out.println("| calls | packets sent | received | loss % | jitter ms | send jitter ms | added jitter ms "
        + "| transit p50 / p99 / p99.9 ms | transit > 50 ms % | relay cores | relay us/packet | generator cores "
        + "| JVM cores | other processes, cores | machine % | verdict |");
    System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    for (Result r : results) {
      System.out.printf(Locale.ROOT,
          "| %,d | %,d | %,d | %.4f | %.3f | %.3f | %.3f | %.2f / %.2f / %.2f | %.3f | %.2f | %.1f | %.2f | %.2f | %.2f | %.0f | %s |%n",
          r.calls(), r.sent(), r.received(), Math.max(r.lossPercent(), r.gapLossPercent()),
          r.jitterMs(), r.sendJitterMs(), r.jitterMs() - r.sendJitterMs(), r.transitP50Ms(),
          r.transitP99Ms(), r.transitP999Ms(), r.transitOver50Percent(), r.relayCores(),
          r.relayMicrosPerPacket(), r.generatorCores(), r.processCores(), r.otherCores(),
          r.machinePercent(), r.verdict(o.lossTargetPercent()));
    }
  }

  private static void sleepUntil(long deadline) {
    long left;
    while ((left = deadline - System.nanoTime()) > 0) {
      LockSupport.parkNanos(left);
    }
  }

  private static String sysctl(String path) {
    try {
      // readAllLines: Files.readString may stop short on procfs files
      return String.join(" ", Files.readAllLines(Path.of("/proc/sys", path))).trim()
          .replaceAll("\\s+", " ");
    } catch (IOException | RuntimeException e) {
      return "?";
    }
  }

  private static double memTotalGiB() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemTotal:")) {
          return Long.parseLong(line.replaceAll("\\D+", "")) / 1048576.0;
        }
      }
    } catch (IOException | RuntimeException e) {
      // unknown
    }
    return Runtime.getRuntime().maxMemory() / 1073741824.0;
  }

  private static Options parse(String[] args) {
    Map<String, String> a = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      String key = args[i];
      if (!key.startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("expected --option value pairs, got " + key);
      }
      a.put(key.substring(2), args[++i]);
    }
    Options o = new Options(
        ints(a.getOrDefault("calls", "100,250,500,1000")),
        ints(a.getOrDefault("more", "")),
        Integer.parseInt(a.getOrDefault("warmup", "5")),
        Integer.parseInt(a.getOrDefault("measure", "20")),
        Double.parseDouble(a.getOrDefault("drain", "1")),
        RtpPortRange.parse(a.getOrDefault("ports", "40000-49999")),
        Integer.parseInt(a.getOrDefault("relay-threads", "2")),
        Integer.parseInt(a.getOrDefault("rcvbuf", "1048576")),
        Integer.parseInt(a.getOrDefault("sndbuf", "0")),
        Double.parseDouble(a.getOrDefault("loss-target", "0.1")),
        a.getOrDefault("pairing", "random"),
        Integer.parseInt(a.getOrDefault("max-seconds", "330")),
        Long.parseLong(a.getOrDefault("seed", "1")));
    if (o.warmupSeconds() < 1 || o.measureSeconds() < 1 || o.warmupSeconds() + o.measureSeconds() > 600) {
      throw new IllegalArgumentException("warm-up and measured time: at least 1 s each, 600 s together");
    }
    if (!List.of("random", "adjacent", "same-loop").contains(o.pairing())) {
      throw new IllegalArgumentException("--pairing: random, adjacent or same-loop");
    }
    for (int n : o.calls()) {
      if (n < 1 || n > 10_000) {
        throw new IllegalArgumentException("calls per step: 1 to 10000, got " + n);
      }
    }
    return o;
  }

  private static int[] ints(String csv) {
    if (csv.isBlank()) {
      return new int[0];
    }
    return Arrays.stream(csv.split(",")).map(String::strip).mapToInt(Integer::parseInt).toArray();
  }

  private RtpRelayBench() {}
}
