package io.callengine.core.readside;

import io.callengine.core.EngineException;
import io.callengine.core.FieldError;
import io.callengine.core.agent.Presence;
import io.callengine.core.persistence.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import javax.sql.DataSource;

/**
 * Reads an agent's figures from the history tables the {@link AgentProjection} keeps. Queries
 * run on the blocking dispatcher handed in, never on an actor's or a route's thread.
 *
 * <ul>
 *   <li>{@code callsHandled}, {@code talkSeconds}, {@code wrapUpSeconds}: the calls whose
 *       {@code finished_at} is in the range, with their whole talk and wrap-up (a wrap-up still
 *       going counts up to now);
 *   <li>{@code holdSeconds}: the hold time of those calls, from their call records;
 *   <li>{@code noAnswers}: unanswered offers whose time is in the range;
 *   <li>{@code loggedInSeconds} (presence not OFFLINE), {@code availableSeconds} (AVAILABLE) and
 *       {@code breaks} (BREAK, by reason): presence periods clipped to the range, the open one
 *       ending at the earlier of {@code to} and now.
 * </ul>
 */
public final class AgentHistory {
  private final DataSource dataSource;
  private final Executor blocking;
  private final Clock clock;

  public AgentHistory(DataSource dataSource, Executor blocking, Clock clock) {
    this.dataSource = dataSource;
    this.blocking = blocking;
    this.clock = clock;
  }

  /** A range with its defaults filled in. */
  public record Range(Instant from, Instant to) {}

  /** From the start of the current UTC day and to now unless given; INVALID unless from is before to. */
  public CompletionStage<Range> range(Instant from, Instant to) {
    Instant now = clock.instant();
    Range range = new Range(from != null ? from : now.truncatedTo(ChronoUnit.DAYS), to != null ? to : now);
    if (range.from().isBefore(range.to())) return CompletableFuture.completedFuture(range);
    String field = to != null ? "to" : "from";
    return CompletableFuture.failedFuture(EngineException.invalid(List.of(new FieldError(field,
        to != null ? "must be after from" : "must be before to, which is now when not given"))));
  }

  public CompletionStage<AgentHistoryReport> read(String agentId, Range range) {
    return CompletableFuture.supplyAsync(() -> query(agentId, range, clock.instant().toEpochMilli()), blocking);
  }

  private AgentHistoryReport query(String agentId, Range range, long now) {
    long from = range.from().toEpochMilli();
    long to = range.to().toEpochMilli();
    try (Connection c = dataSource.getConnection()) {
      long[] calls = calls(c, agentId, from, to, now);
      long noAnswers = count(c, "SELECT COUNT(*) FROM agent_no_answers WHERE agent_id = ? AND at >= ? AND at < ?", agentId, from, to);
      Presences presences = presences(c, agentId, from, Math.min(to, now), to);
      c.rollback();
      return new AgentHistoryReport(agentId, range.from(), range.to(), calls[0], calls[1], calls[2], noAnswers,
          presences.loggedInMs / 1000, presences.availableMs / 1000, presences.breaks(), holdSeconds(c, agentId, from, to));
    } catch (SQLException e) {
      throw new IllegalStateException("agent history could not be read: " + e.getMessage(), e);
    }
  }

  /** Count, talk seconds and wrap-up seconds of the calls finished in the range. */
  private static long[] calls(Connection c, String agentId, long from, long to, long now) throws SQLException {
    try (PreparedStatement s = Sql.prepare(c, "SELECT COUNT(*), COALESCE(SUM(talk_seconds), 0), COALESCE(SUM(CASE "
            + "WHEN wrap_up_ended_at IS NOT NULL THEN wrap_up_seconds "
            + "ELSE (GREATEST(wrap_up_started_at, ?) - wrap_up_started_at) / 1000 END), 0) "
            + "FROM agent_call_log WHERE agent_id = ? AND finished_at >= ? AND finished_at < ?", now, agentId, from, to);
        ResultSet rs = s.executeQuery()) {
      rs.next();
      return new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3)};
    }
  }

  /** The hold seconds of the calls finished in the range, as their records have them. */
  private static long holdSeconds(Connection c, String agentId, long from, long to) throws SQLException {
    return count(c, "SELECT COALESCE(SUM(r.hold_seconds), 0) FROM agent_call_log l JOIN call_records r ON r.call_id = l.call_id "
        + "WHERE l.agent_id = ? AND l.finished_at >= ? AND l.finished_at < ?", agentId, from, to);
  }

  private static long count(Connection c, String sql, Object... values) throws SQLException {
    try (PreparedStatement s = Sql.prepare(c, sql, values); ResultSet rs = s.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** Sums the periods overlapping [from, to), each clipped to it; an open one ends at {@code openEnd}. */
  private static Presences presences(Connection c, String agentId, long from, long openEnd, long to) throws SQLException {
    Presences sums = new Presences();
    try (PreparedStatement s = Sql.prepare(c, "SELECT presence, reason, started_at, ended_at FROM agent_presence_log "
            + "WHERE agent_id = ? AND started_at < ? AND (ended_at IS NULL OR ended_at > ?)", agentId, to, from);
        ResultSet rs = s.executeQuery()) {
      while (rs.next()) {
        Long ended = Sql.nullableLong(rs, "ended_at");
        long ms = Math.max(0, Math.min(ended != null ? ended : openEnd, to) - Math.max(rs.getLong("started_at"), from));
        sums.add(Presence.valueOf(rs.getString("presence")), rs.getString("reason"), ms);
      }
    }
    return sums;
  }

  private static final class Presences {
    long loggedInMs;
    long availableMs;
    final Map<String, long[]> breaks = new TreeMap<>();

    void add(Presence presence, String reason, long ms) {
      if (presence != Presence.OFFLINE) loggedInMs += ms;
      if (presence == Presence.AVAILABLE) availableMs += ms;
      if (presence == Presence.BREAK) {
        long[] sum = breaks.computeIfAbsent(reason == null ? "" : reason, r -> new long[2]);
        sum[0]++;
        sum[1] += ms;
      }
    }

    List<AgentHistoryReport.BreakTime> breaks() {
      List<AgentHistoryReport.BreakTime> list = new ArrayList<>();
      breaks.forEach((reason, sum) -> list.add(new AgentHistoryReport.BreakTime(reason, sum[0], sum[1] / 1000)));
      return list;
    }
  }
}
