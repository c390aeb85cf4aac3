package io.callengine.core.statistics;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * When agents were staffed (presence AVAILABLE, busy or not) over a range and in each of its
 * buckets, from the agents' presence log: the denominator of occupancy. An agent still
 * available counts up to now. Each period is added to the few buckets it spans, so the cost
 * follows the periods, not periods times buckets.
 */
final class Staffing {
  private final long[] staffedMs;
  private long totalMs;

  private Staffing(int buckets) {
    this.staffedMs = new long[buckets];
  }

  /** The range {@code [from, to)} cut into buckets of {@code bucket} ms from {@code origin}. */
  static Staffing read(Connection c, long from, long to, long now, long origin, long bucket) throws SQLException {
    Staffing staffing = new Staffing((int) ((to - origin + bucket - 1) / bucket));
    try (PreparedStatement s = c.prepareStatement("SELECT started_at, ended_at FROM agent_presence_log "
        + "WHERE presence = 'AVAILABLE' AND started_at < ? AND (ended_at IS NULL OR ended_at > ?)")) {
      s.setLong(1, to);
      s.setLong(2, from);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          long start = rs.getLong(1);
          long end = rs.getLong(2);
          staffing.add(Math.max(from, start), Math.min(to, rs.wasNull() ? now : end), origin, bucket);
        }
      }
    }
    return staffing;
  }

  private void add(long start, long end, long origin, long bucket) {
    for (long at = start; at < end; ) {
      int index = (int) ((at - origin) / bucket);
      long bucketEnd = Math.min(end, origin + (index + 1) * bucket);
      staffedMs[index] += bucketEnd - at;
      totalMs += bucketEnd - at;
      at = bucketEnd;
    }
  }

  /** Talk and wrap-up of the calls counted, as a percentage of the whole range's staffed time. */
  Double occupancy(Counts calls) {
    return Figures.percent(handledMs(calls), totalMs);
  }

  /** The same for one bucket; null with nobody staffed. */
  Double occupancy(Counts calls, int bucket) {
    return Figures.percent(handledMs(calls), staffedMs[bucket]);
  }

  private static long handledMs(Counts calls) {
    return calls.get(Counter.TALK_MS) + calls.get(Counter.WRAP_MS);
  }
}
