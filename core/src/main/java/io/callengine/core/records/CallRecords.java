package io.callengine.core.records;

import io.callengine.core.call.Disposition;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import javax.sql.DataSource;

/**
 * Reads call history from {@code call_records}, the table the projection keeps. Queries run on
 * the blocking dispatcher handed in, never on an actor's or a route's thread.
 */
public final class CallRecords {
  private final DataSource dataSource;
  private final Executor blocking;
  private final java.time.Clock clock;

  public CallRecords(DataSource dataSource, Executor blocking, java.time.Clock clock) {
    this.dataSource = dataSource;
    this.blocking = blocking;
    this.clock = clock;
  }

  public CompletionStage<List<CallRecord>> list(CallRecordFilter filter) {
    return CompletableFuture.supplyAsync(() -> query(filter), blocking);
  }

  /** Calls that entered each queue since the start of the current UTC day. */
  public CompletionStage<java.util.Map<String, Long>> countTodayByQueue() {
    return CompletableFuture.supplyAsync(() -> {
      long since = clock.instant().truncatedTo(ChronoUnit.DAYS).toEpochMilli();
      java.util.Map<String, Long> counts = new java.util.HashMap<>();
      try (Connection c = dataSource.getConnection();
          PreparedStatement s = c.prepareStatement(
              "SELECT queue_id, COUNT(*) FROM call_records WHERE enqueued_at >= ? GROUP BY queue_id")) {
        s.setLong(1, since);
        try (ResultSet rs = s.executeQuery()) {
          while (rs.next()) counts.put(rs.getString(1), rs.getLong(2));
        }
        c.rollback();
      } catch (SQLException e) {
        throw new IllegalStateException("call records could not be read: " + e.getMessage(), e);
      }
      return counts;
    }, blocking);
  }

  /**
   * Up to {@code limit} ids of calls that are not ended and entered before {@code before}, after
   * {@code afterCallId} (null: from the first) in id order, for a sweep that pages through them.
   */
  public CompletionStage<List<String>> openBefore(Instant before, String afterCallId, int limit) {
    return CompletableFuture.supplyAsync(() -> {
      try (Connection c = dataSource.getConnection();
          PreparedStatement s = c.prepareStatement("SELECT call_id FROM call_records WHERE status IN ('IVR', 'QUEUED', 'OFFERING', 'CONNECTED') "
              + "AND enqueued_at < ? AND call_id > ? ORDER BY call_id LIMIT ?")) {
        s.setLong(1, before.toEpochMilli());
        s.setString(2, afterCallId == null ? "" : afterCallId);
        s.setInt(3, limit);
        List<String> ids = new ArrayList<>();
        try (ResultSet rs = s.executeQuery()) {
          while (rs.next()) ids.add(rs.getString(1));
        }
        c.rollback();
        return ids;
      } catch (SQLException e) {
        throw new IllegalStateException("call records could not be read: " + e.getMessage(), e);
      }
    }, blocking);
  }

  private List<CallRecord> query(CallRecordFilter f) {
    StringBuilder sql = new StringBuilder("SELECT * FROM call_records WHERE 1 = 1");
    List<Object> args = new ArrayList<>();
    if (f.from() != null) { sql.append(" AND enqueued_at >= ?"); args.add(f.from().toEpochMilli()); }
    if (f.to() != null) { sql.append(" AND enqueued_at < ?"); args.add(f.to().toEpochMilli()); }
    if (f.queueId() != null) { sql.append(" AND queue_id = ?"); args.add(f.queueId()); }
    if (f.agentId() != null) { sql.append(" AND agent_id = ?"); args.add(f.agentId()); }
    if (f.disposition() != null) { sql.append(" AND disposition = ?"); args.add(f.disposition().name()); }
    sql.append(" ORDER BY enqueued_at DESC, call_id LIMIT ").append(Math.max(1, Math.min(f.limit(), 10_000)));
    try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql.toString())) {
      for (int i = 0; i < args.size(); i++) s.setObject(i + 1, args.get(i));
      List<CallRecord> rows = new ArrayList<>();
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) rows.add(row(rs));
      }
      c.rollback();
      return rows;
    } catch (SQLException e) {
      throw new IllegalStateException("call records could not be read: " + e.getMessage(), e);
    }
  }

  private static CallRecord row(ResultSet rs) throws SQLException {
    String disposition = rs.getString("disposition");
    return new CallRecord(rs.getString("call_id"), rs.getString("queue_id"), rs.getString("agent_id"),
        rs.getString("caller"), rs.getString("dialed"), rs.getString("status"),
        disposition == null ? null : Disposition.valueOf(disposition), rs.getString("end_reason"),
        instant(rs, "enqueued_at"), instant(rs, "answered_at"), instant(rs, "ended_at"),
        rs.getObject("wait_seconds", Long.class), rs.getObject("talk_seconds", Long.class),
        rs.getObject("mos", Double.class), rs.getObject("worst_mos", Double.class), rs.getObject("loss_percent", Double.class),
        rs.getString("dtmf"), queues(rs.getString("queues")), instant(rs, "offered_at"), rs.getInt("offers"),
        rs.getObject("ring_seconds", Long.class), rs.getObject("wrap_up_seconds", Long.class),
        rs.getBoolean("recorded"), rs.getString("recording_node"), rs.getString("recording_file"),
        rs.getObject("recording_seconds", Long.class), rs.getInt("recording_pauses"), queues(rs.getString("monitored_by")),
        rs.getInt("holds"), rs.getLong("hold_seconds"), rs.getBoolean("on_hold"),
        rs.getInt("transfers"), queues(rs.getString("transferred_from")),
        rs.getString("callback_number"), rs.getObject("callback_attempts", Integer.class),
        rs.getInt("consults"), rs.getBoolean("conference"));
  }

  private static List<String> queues(String path) {
    return path == null || path.isEmpty() ? List.of() : List.of(path.split(","));
  }

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    long millis = rs.getLong(column);
    return rs.wasNull() ? null : Instant.ofEpochMilli(millis);
  }
}
