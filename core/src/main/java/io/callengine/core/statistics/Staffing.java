package io.callengine.core.statistics;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * When agents were staffed (presence AVAILABLE, busy or not) over a range, from the agents'
 * presence log: the denominator of occupancy. An agent still available counts up to now.
 */
final class Staffing {
  private record Period(long start, long end) {}

  private final List<Period> periods;

  private Staffing(List<Period> periods) {
    this.periods = periods;
  }

  static Staffing read(Connection c, long from, long to, long now) throws SQLException {
    List<Period> periods = new ArrayList<>();
    try (PreparedStatement s = c.prepareStatement("SELECT started_at, ended_at FROM agent_presence_log "
        + "WHERE presence = 'AVAILABLE' AND started_at < ? AND (ended_at IS NULL OR ended_at > ?)")) {
      s.setLong(1, to);
      s.setLong(2, from);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          long start = rs.getLong(1);
          long end = rs.getLong(2);
          periods.add(new Period(start, rs.wasNull() ? now : end));
        }
      }
    }
    return new Staffing(periods);
  }

  /** Staffed agent-milliseconds inside {@code [from, to)}. */
  long staffedMs(long from, long to) {
    long total = 0;
    for (Period p : periods) total += Math.max(0, Math.min(to, p.end()) - Math.max(from, p.start()));
    return total;
  }

  /** Talk and wrap-up of the calls counted, as a percentage of the staffed time; null with nobody staffed. */
  Double occupancy(Counts calls, long from, long to) {
    return Figures.percent(calls.get(Counter.TALK_MS) + calls.get(Counter.WRAP_MS), staffedMs(from, to));
  }
}
