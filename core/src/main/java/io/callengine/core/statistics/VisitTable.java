package io.callengine.core.statistics;

import io.callengine.core.persistence.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Reads and writes {@code queue_visits}, and adds every change of a visit to its row of
 * {@code queue_intervals}. Each projection slice writes only its own interval rows, so slices
 * running side by side never wait for each other's locks.
 */
final class VisitTable {
  private static final String COUNTERS = Arrays.stream(Counter.values()).map(Counter::column).collect(Collectors.joining(", "));
  private static final String MARKS = Arrays.stream(Counter.values()).map(c -> "?").collect(Collectors.joining(", "));
  // An event changes two or three of the counters: the updates set only those (most of them are for
  // holds, transfers and callbacks, which most calls never use). One statement text per set of counters.
  private static final Map<Long, String> VISIT_UPDATES = new ConcurrentHashMap<>();
  private static final Map<Long, String> INTERVAL_ADDS = new ConcurrentHashMap<>();
  private static final long ALL_COUNTERS = (1L << Counter.values().length) - 1;

  private VisitTable() {}

  /** The call's visits in order: the whole call (0) first, when it has entered a queue. */
  static List<Visit> load(Connection c, String callId) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT * FROM queue_visits WHERE call_id = ? ORDER BY visit")) {
      s.setString(1, callId);
      List<Visit> visits = new ArrayList<>();
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) visits.add(row(rs));
      }
      return visits;
    }
  }

  /** Stores {@code after} and adds what changed since {@code before} (null for a new visit) to its interval. */
  static void save(Connection c, int slice, String callId, Visit before, Visit after) throws SQLException {
    if (after.equals(before)) return;
    Counts delta = after.counts().minus(before == null ? Counts.ZERO : before.counts());
    long changed = changed(delta);
    if (before == null) insert(c, callId, after);
    else update(c, callId, after, changed);
    addToInterval(c, slice, after, delta, changed);
  }

  private static void insert(Connection c, String callId, Visit v) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("INSERT INTO queue_visits (call_id, visit, queue_id, entered_at, "
        + "service_level_seconds, answered_at, left_at, " + COUNTERS + ", wait_ms) VALUES (?, ?, ?, ?, ?, ?, ?, " + MARKS + ", ?)")) {
      s.setString(1, callId);
      s.setInt(2, v.number());
      s.setString(3, v.queueId());
      s.setLong(4, v.enteredAt());
      bindVisit(s, 5, v, ALL_COUNTERS);
      s.executeUpdate();
    }
  }

  /** Sets the visit's times, its wait and the {@code changed} counters (a bit per {@link Counter} ordinal). */
  private static void update(Connection c, String callId, Visit v, long changed) throws SQLException {
    String sql = VISIT_UPDATES.computeIfAbsent(changed, bits -> "UPDATE queue_visits SET service_level_seconds = ?, "
        + "answered_at = ?, left_at = ?, " + columns(bits, column -> column + " = ?") + "wait_ms = ? WHERE call_id = ? AND visit = ?");
    try (PreparedStatement s = c.prepareStatement(sql)) {
      int i = bindVisit(s, 1, v, changed);
      s.setString(i++, callId);
      s.setInt(i, v.number());
      s.executeUpdate();
    }
  }

  /** Binds service level, answered, left, the {@code counters} (a bit per ordinal) and the wait from {@code first}; returns the next index. */
  private static int bindVisit(PreparedStatement s, int first, Visit v, long counters) throws SQLException {
    int i = first;
    setNullable(s, i++, v.serviceLevelSeconds() == null ? null : v.serviceLevelSeconds().longValue(), Types.INTEGER);
    setNullable(s, i++, v.answeredAt(), Types.BIGINT);
    setNullable(s, i++, v.leftAt(), Types.BIGINT);
    for (Counter counter : Counter.values()) {
      if ((counters & bit(counter)) != 0) s.setLong(i++, v.counts().get(counter));
    }
    s.setLong(i++, v.counts().longestWaitMs());
    return i;
  }

  private static void addToInterval(Connection c, int slice, Visit v, Counts delta, long changed) throws SQLException {
    String sql = INTERVAL_ADDS.computeIfAbsent(changed, bits -> "UPDATE queue_intervals SET "
        + columns(bits, column -> column + " = " + column + " + ?") + "longest_wait_ms = GREATEST(longest_wait_ms, ?) "
        + "WHERE queue_id = ? AND interval_start = ? AND slice = ?");
    try (PreparedStatement s = c.prepareStatement(sql)) {
      int i = 1;
      for (Counter counter : Counter.values()) {
        if ((changed & bit(counter)) != 0) s.setLong(i++, delta.get(counter));
      }
      s.setLong(i++, delta.longestWaitMs());
      s.setString(i++, v.queueId());
      s.setLong(i++, v.intervalStart());
      s.setInt(i, slice);
      if (s.executeUpdate() > 0) return;
    }
    try (PreparedStatement s = c.prepareStatement("INSERT INTO queue_intervals (queue_id, interval_start, slice, " + COUNTERS
        + ", longest_wait_ms) VALUES (?, ?, ?, " + MARKS + ", ?)")) {
      int i = 1;
      s.setString(i++, v.queueId());
      s.setLong(i++, v.intervalStart());
      s.setInt(i++, slice);
      for (Counter counter : Counter.values()) s.setLong(i++, delta.get(counter));
      s.setLong(i, delta.longestWaitMs());
      s.executeUpdate();
    }
  }

  /** The counters {@code delta} changes, a bit per {@link Counter} ordinal. */
  private static long changed(Counts delta) {
    long bits = 0;
    for (Counter counter : Counter.values()) {
      if (delta.get(counter) != 0) bits |= bit(counter);
    }
    return bits;
  }

  private static long bit(Counter counter) {
    return 1L << counter.ordinal();
  }

  /** "a = ?, b = ?, " for the counters in {@code bits}, each written by {@code assignment}. */
  private static String columns(long bits, java.util.function.UnaryOperator<String> assignment) {
    StringBuilder sql = new StringBuilder();
    for (Counter counter : Counter.values()) {
      if ((bits & bit(counter)) != 0) sql.append(assignment.apply(counter.column())).append(", ");
    }
    return sql.toString();
  }

  private static Visit row(ResultSet rs) throws SQLException {
    Counts counts = Counts.ZERO.withLongestWait(rs.getLong("wait_ms"));
    for (Counter counter : Counter.values()) counts = counts.with(counter, rs.getLong(counter.column()));
    return new Visit(rs.getInt("visit"), rs.getString("queue_id"), rs.getLong("entered_at"),
        (Integer) rs.getObject("service_level_seconds", Integer.class), Sql.nullableLong(rs, "answered_at"),
        Sql.nullableLong(rs, "left_at"), counts);
  }

  private static void setNullable(PreparedStatement s, int index, Long value, int type) throws SQLException {
    if (value == null) s.setNull(index, type);
    else s.setLong(index, value);
  }
}
