package io.callengine.core.statistics;

import io.callengine.core.EngineException;
import io.callengine.core.FieldError;
import io.callengine.core.Refusal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/**
 * Answers metrics over any range: whole 15-minute intervals inside it come from
 * {@code queue_intervals}, the ragged edges from the visits themselves, so the answer is exact
 * for any {@code from} and {@code to} and its cost grows with the number of intervals, not of
 * calls. Runs on the blocking executor handed in.
 */
public final class PerformanceQuery {
  /** At most this many intervals in one answer. */
  public static final int MAX_INTERVALS = 10_000;

  private static final long STEP = Visit.INTERVAL_MS;
  private static final String SUMS = Arrays.stream(Counter.values()).map(c -> "SUM(" + c.column() + ")")
      .collect(Collectors.joining(", "));

  private final DataSource dataSource;
  private final Executor blocking;
  private final Clock clock;
  private final int shortAbandonSeconds;

  public PerformanceQuery(DataSource dataSource, Executor blocking, Clock clock, int shortAbandonSeconds) {
    this.dataSource = dataSource;
    this.blocking = blocking;
    this.clock = clock;
    this.shortAbandonSeconds = shortAbandonSeconds;
  }

  /**
   * Figures over {@code [from, to)} for {@code queueId} (null: every call, and each queue); with
   * {@code interval} (a multiple of 15 minutes) also per interval, aligned to the 15-minute grid.
   */
  public CompletionStage<PerformanceMetrics> metrics(Instant from, Instant to, String queueId, Duration interval) {
    validate(from, to, interval);
    return CompletableFuture.supplyAsync(() -> {
      try (Connection c = dataSource.getConnection()) {
        PerformanceMetrics answer = read(c, from, to, queueId, interval);
        c.rollback();
        return answer;
      } catch (SQLException e) {
        throw new IllegalStateException("metrics could not be read: " + e.getMessage(), e);
      }
    }, blocking);
  }

  private static void validate(Instant from, Instant to, Duration interval) {
    List<FieldError> errors = new ArrayList<>();
    if (from == null) errors.add(new FieldError("from", "is required"));
    if (to == null) errors.add(new FieldError("to", "is required"));
    if (from != null && to != null && !to.isAfter(from)) errors.add(new FieldError("to", "must be after from"));
    if (interval != null && (interval.toMillis() < STEP || interval.toMillis() % STEP != 0)) {
      errors.add(new FieldError("interval", "must be a multiple of 15 minutes, such as PT15M, PT1H or P1D"));
    } else if (interval != null && from != null && to != null && to.isAfter(from)
        && (to.toEpochMilli() - floor(from.toEpochMilli())) / interval.toMillis() >= MAX_INTERVALS) {
      errors.add(new FieldError("interval", "gives more than " + MAX_INTERVALS + " intervals for this range"));
    }
    if (!errors.isEmpty()) throw new EngineException(Refusal.INVALID, "invalid metrics query", errors);
  }

  private PerformanceMetrics read(Connection c, Instant from, Instant to, String queueId, Duration interval) throws SQLException {
    long start = from.toEpochMilli();
    long end = to.toEpochMilli();
    long origin = floor(start);
    long bucket = interval == null ? end - origin : interval.toMillis();
    Map<String, TreeMap<Long, Counts>> byQueue = new HashMap<>();
    long alignedFrom = ceil(start);
    long alignedTo = floor(end);
    if (alignedFrom < alignedTo) {
      sum(c, "queue_intervals", "interval_start", "longest_wait_ms", alignedFrom, alignedTo, queueId, origin, bucket, byQueue);
      sum(c, "queue_visits", "entered_at", "wait_ms", start, alignedFrom, queueId, origin, bucket, byQueue);
      sum(c, "queue_visits", "entered_at", "wait_ms", alignedTo, end, queueId, origin, bucket, byQueue);
    } else {
      sum(c, "queue_visits", "entered_at", "wait_ms", start, end, queueId, origin, bucket, byQueue);
    }
    Map<String, Integer> thresholds = serviceLevels(c);
    Staffing staffing = queueId == null ? Staffing.read(c, start, end, clock.instant().toEpochMilli(), origin, bucket) : null;
    String scope = queueId == null ? Visit.ALL_QUEUES : queueId;
    TreeMap<Long, Counts> buckets = byQueue.getOrDefault(scope, new TreeMap<>());
    Counts total = buckets.values().stream().reduce(Counts.ZERO, Counts::plus);
    Integer threshold = queueId == null ? null : thresholds.get(queueId);
    Figures figures = Figures.of(total, threshold, staffing == null ? null : staffing.occupancy(total));
    List<PerformanceMetrics.QueueFigures> queues = queueId != null ? null : byQueue.entrySet().stream()
        .filter(e -> !e.getKey().equals(Visit.ALL_QUEUES))
        .sorted(Map.Entry.comparingByKey())
        .map(e -> new PerformanceMetrics.QueueFigures(e.getKey(), Figures.of(
            e.getValue().values().stream().reduce(Counts.ZERO, Counts::plus), thresholds.get(e.getKey()), null)))
        .toList();
    List<PerformanceMetrics.IntervalFigures> intervals = null;
    if (interval != null) {
      intervals = new ArrayList<>();
      for (long b = 0; origin + b * bucket < end; b++) {
        long bucketStart = Math.max(start, origin + b * bucket);
        long bucketEnd = Math.min(end, origin + (b + 1) * bucket);
        Counts counts = buckets.getOrDefault(b, Counts.ZERO);
        intervals.add(new PerformanceMetrics.IntervalFigures(Instant.ofEpochMilli(bucketStart), Instant.ofEpochMilli(bucketEnd),
            Figures.of(counts, threshold, staffing == null ? null : staffing.occupancy(counts, (int) b))));
      }
    }
    return new PerformanceMetrics(from, to, queueId, shortAbandonSeconds, figures, queues, intervals);
  }

  /** Adds the rows of {@code table} whose {@code time} lies in {@code [from, to)} to their queue and bucket. */
  private static void sum(Connection c, String table, String time, String longest, long from, long to, String queueId,
      long origin, long bucket, Map<String, TreeMap<Long, Counts>> into) throws SQLException {
    if (from >= to) return;
    // The bucket numbers are computed here, not given by the caller: safe to write into the SQL.
    String bucketOf = "(" + time + " - " + origin + ") / " + bucket;
    String sql = "SELECT queue_id, " + bucketOf + ", " + SUMS + ", MAX(" + longest + ") FROM " + table
        + " WHERE " + time + " >= ? AND " + time + " < ?" + (queueId == null ? "" : " AND queue_id = ?")
        + " GROUP BY queue_id, " + bucketOf;
    try (PreparedStatement s = c.prepareStatement(sql)) {
      s.setLong(1, from);
      s.setLong(2, to);
      if (queueId != null) s.setString(3, queueId);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          Counts counts = Counts.ZERO.withLongestWait(rs.getLong(3 + Counter.values().length));
          for (Counter counter : Counter.values()) counts = counts.with(counter, rs.getLong(3 + counter.ordinal()));
          into.computeIfAbsent(rs.getString(1), q -> new TreeMap<>()).merge(rs.getLong(2), counts, Counts::plus);
        }
      }
    }
  }

  /** Each queue's service-level threshold as configured now, from the read side's copy of the queues. */
  private static Map<String, Integer> serviceLevels(Connection c) throws SQLException {
    Map<String, Integer> thresholds = new HashMap<>();
    try (PreparedStatement s = c.prepareStatement("SELECT id, service_level_seconds FROM call_queues");
        ResultSet rs = s.executeQuery()) {
      while (rs.next()) thresholds.put(rs.getString(1), rs.getInt(2));
    }
    return thresholds;
  }

  static long floor(long millis) {
    return millis - Math.floorMod(millis, STEP);
  }

  static long ceil(long millis) {
    long down = floor(millis);
    return down == millis ? millis : down + STEP;
  }
}
