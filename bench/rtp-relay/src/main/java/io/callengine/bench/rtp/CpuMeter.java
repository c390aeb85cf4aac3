package io.callengine.bench.rtp;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * CPU time of this JVM, split by thread group (the relay's event loops, the load
 * generator, the rest), the machine's busy share from /proc/stat, GC counts, and the
 * kernel's UDP counters from /proc/net/snmp.
 */
final class CpuMeter {

  static final String RELAY_THREAD_PREFIX = "rtp-relay";
  static final String GENERATOR_THREAD_PREFIX = "rtp-gen";

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  record Snapshot(
      long wallNanos,
      long processCpuNanos,
      long relayCpuNanos,
      long relayUserNanos,
      long generatorCpuNanos,
      long generatorUserNanos,
      long machineBusyTicks,
      long machineTotalTicks,
      long gcCount,
      long gcMillis,
      Map<String, Long> udp) {}

  static Snapshot snapshot() {
    long relay = 0;
    long relayUser = 0;
    long gen = 0;
    long genUser = 0;
    long[] ids = THREADS.getAllThreadIds();
    ThreadInfo[] infos = THREADS.getThreadInfo(ids);
    for (int i = 0; i < ids.length; i++) {
      if (infos[i] == null) {
        continue;
      }
      String name = infos[i].getThreadName();
      long cpu = THREADS.getThreadCpuTime(ids[i]);
      long user = THREADS.getThreadUserTime(ids[i]);
      if (cpu < 0) {
        continue;
      }
      if (name.startsWith(RELAY_THREAD_PREFIX)) {
        relay += cpu;
        relayUser += user;
      } else if (name.startsWith(GENERATOR_THREAD_PREFIX)) {
        gen += cpu;
        genUser += user;
      }
    }
    long gcCount = 0;
    long gcMillis = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      gcCount += Math.max(0, gc.getCollectionCount());
      gcMillis += Math.max(0, gc.getCollectionTime());
    }
    long[] machine = machineTicks();
    return new Snapshot(System.nanoTime(), processCpuNanos(), relay, relayUser, gen, genUser,
        machine[0], machine[1], gcCount, gcMillis, udpCounters());
  }

  static long processCpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return -1;
  }

  /** {busy, total} jiffies of all CPUs, or zeros when /proc/stat cannot be read. */
  private static long[] machineTicks() {
    try {
      String line = Files.readAllLines(Path.of("/proc/stat")).get(0);
      String[] f = line.trim().split("\\s+");
      long total = 0;
      // user nice system idle iowait irq softirq steal (guest time is inside user already)
      for (int i = 1; i <= 8 && i < f.length; i++) {
        total += Long.parseLong(f[i]);
      }
      long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
      return new long[] {total - idle, total};
    } catch (IOException | RuntimeException e) {
      return new long[] {0, 0};
    }
  }

  /** The "Udp:" counters of /proc/net/snmp (InDatagrams, RcvbufErrors, ...), or empty. */
  static Map<String, Long> udpCounters() {
    Map<String, Long> counters = new HashMap<>();
    try {
      List<String> lines = Files.readAllLines(Path.of("/proc/net/snmp"));
      for (int i = 0; i + 1 < lines.size(); i++) {
        if (lines.get(i).startsWith("Udp:") && lines.get(i + 1).startsWith("Udp:")) {
          String[] names = lines.get(i).trim().split("\\s+");
          String[] values = lines.get(i + 1).trim().split("\\s+");
          for (int k = 1; k < names.length && k < values.length; k++) {
            counters.put(names[k], Long.parseLong(values[k]));
          }
          break;
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux, or no procfs: the columns stay empty
    }
    return counters;
  }

  static long udpDelta(Snapshot from, Snapshot to, String name) {
    Long a = from.udp().get(name);
    Long b = to.udp().get(name);
    return a == null || b == null ? -1 : b - a;
  }

  private CpuMeter() {}
}
