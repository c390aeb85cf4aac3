package io.callengine.bench.metrics;

import io.callengine.core.persistence.Database;
import io.callengine.core.statistics.Counter;
import io.callengine.core.statistics.PerformanceMetrics;
import io.callengine.core.statistics.PerformanceQuery;
import io.callengine.core.statistics.Visit;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The supervisor's metrics query ({@link PerformanceQuery}) over 30 days of calls in an H2 file
 * database filled by {@link MetricsDatabase}, and, for reference, the naive way: summing every
 * visit of the range. One query per invocation, on the benchmark's thread.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
@State(Scope.Benchmark)
public class MetricsQueryBenchmark {
  /** Off the 15-minute grid at both ends, so both edges are read from the visits. */
  static final Instant RAGGED_FROM = MetricsDatabase.FROM.plus(Duration.ofMinutes(7).plusSeconds(13));
  static final Instant RAGGED_TO = MetricsDatabase.TO.minus(Duration.ofMinutes(8).plusSeconds(47));
  static final String ONE_QUEUE = CallMix.QUEUES.get(0);
  static final String NAIVE = "SELECT queue_id, COUNT(*), "
      + Arrays.stream(Counter.values()).map(c -> "SUM(" + c.column() + ")").collect(Collectors.joining(", "))
      + ", MAX(wait_ms) FROM queue_visits WHERE entered_at >= ? AND entered_at < ? GROUP BY queue_id";

  Database database;
  PerformanceQuery query;

  @Setup(Level.Trial)
  public void open() throws Exception {
    int calls = MetricsDatabase.calls();
    database = MetricsDatabase.open(MetricsDatabase.directory(), calls);
    // Later than every call, so that open presence periods end where the data does.
    Clock clock = Clock.fixed(MetricsDatabase.TO.plus(Duration.ofDays(1)), ZoneOffset.UTC);
    query = new PerformanceQuery(database.dataSource(), Runnable::run, clock, (int) (MetricsDatabase.SHORT_ABANDON_MS / 1000));
    check(calls);
  }

  @TearDown(Level.Trial)
  public void close() {
    database.close();
  }

  /** The answer counts every call once, overall and per queue, as the naive sum does. */
  private void check(int calls) throws SQLException {
    PerformanceMetrics all = overallWithQueues();
    Map<String, Long> naive = naiveOffered();
    require(all.figures().offered() == calls, "overall offered " + all.figures().offered() + ", expected " + calls);
    require(naive.get(Visit.ALL_QUEUES) == calls, "naive count " + naive.get(Visit.ALL_QUEUES) + ", expected " + calls);
    Map<String, Long> perQueue = new TreeMap<>();
    all.queues().forEach(q -> perQueue.put(q.queueId(), q.figures().offered()));
    naive.remove(Visit.ALL_QUEUES);
    require(perQueue.equals(naive), "per queue " + perQueue + ", naive " + naive);
    long inIntervals = overallPer15Minutes().intervals().stream().mapToLong(i -> i.figures().offered()).sum();
    require(inIntervals == calls, "offered summed over the intervals " + inIntervals + ", expected " + calls);
    System.out.printf("metrics-bench: check passed: offered %,d overall and per queue %s%n", calls, perQueue);
    System.out.println("metrics-bench: overall " + all.figures());
  }

  private Map<String, Long> naiveOffered() throws SQLException {
    Map<String, Long> offered = new TreeMap<>();
    try (Connection c = database.dataSource().getConnection(); PreparedStatement s = naive(c); ResultSet rs = s.executeQuery()) {
      while (rs.next()) offered.put(rs.getString(1), rs.getLong(2));
      c.rollback();
    }
    return offered;
  }

  private static PreparedStatement naive(Connection c) throws SQLException {
    PreparedStatement s = c.prepareStatement(NAIVE);
    s.setLong(1, MetricsDatabase.FROM.toEpochMilli());
    s.setLong(2, MetricsDatabase.TO.toEpochMilli());
    return s;
  }

  private PerformanceMetrics metrics(Instant from, Instant to, String queueId, Duration interval) {
    return query.metrics(from, to, queueId, interval).toCompletableFuture().join();
  }

  /** (a) The 30 days, every call as a whole and each queue. */
  @Benchmark
  public PerformanceMetrics overallWithQueues() {
    return metrics(MetricsDatabase.FROM, MetricsDatabase.TO, null, null);
  }

  /** (b) The 30 days of one queue (the busiest, a quarter of the calls). */
  @Benchmark
  public PerformanceMetrics oneQueue() {
    return metrics(MetricsDatabase.FROM, MetricsDatabase.TO, ONE_QUEUE, null);
  }

  /** (c) The 30 days overall, with each queue and the figures of each of the 2,880 quarter hours. */
  @Benchmark
  public PerformanceMetrics overallPer15Minutes() {
    return metrics(MetricsDatabase.FROM, MetricsDatabase.TO, null, Duration.ofMinutes(15));
  }

  /** (d) As (a) over a range off the grid at both ends: the two partial quarter hours come from the visits. */
  @Benchmark
  public PerformanceMetrics raggedRange() {
    return metrics(RAGGED_FROM, RAGGED_TO, null, null);
  }

  /** (e) Reference: one GROUP BY over every visit of the 30 days, the sums only (no figures, no occupancy). */
  @Benchmark
  public long naiveScan() throws SQLException {
    long rows = 0;
    try (Connection c = database.dataSource().getConnection(); PreparedStatement s = naive(c); ResultSet rs = s.executeQuery()) {
      while (rs.next()) rows += rs.getLong(2) + rs.getLong(3 + Counter.TALK_MS.ordinal());
      c.rollback();
    }
    return rows;
  }

  private static void require(boolean condition, String what) {
    if (!condition) throw new IllegalStateException("metrics-bench check failed: " + what);
  }
}
