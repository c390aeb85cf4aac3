package io.callengine.core.readside;

import io.callengine.core.agent.Presence;
import io.callengine.core.persistence.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Objects;

/**
 * The per-agent history: {@code agent_presence_log} (one row per presence period, the current
 * one open), {@code agent_call_log} (one row per finished call with its wrap-up) and
 * {@code agent_no_answers}. Times are the engine's, taken from the events, in epoch millis.
 */
final class AgentLogs {
  private AgentLogs() {}

  /** Closes the open period and opens one for {@code presence}; the same presence and reason again is no new period. */
  static void presence(Connection c, String agentId, Presence presence, String reason, Instant at) throws SQLException {
    try (PreparedStatement s = Sql.prepare(c,
        "SELECT presence, reason FROM agent_presence_log WHERE agent_id = ? AND ended_at IS NULL", agentId);
        ResultSet open = s.executeQuery()) {
      if (open.next() && open.getString("presence").equals(presence.name()) && Objects.equals(open.getString("reason"), reason)) {
        return;
      }
    }
    endPresence(c, agentId, at);
    Sql.update(c, "INSERT INTO agent_presence_log (agent_id, presence, reason, started_at) VALUES (?, ?, ?, ?)",
        agentId, presence.name(), reason, at);
  }

  /** Entity clocks on different nodes may disagree by a little: a period never ends before it starts. */
  static void endPresence(Connection c, String agentId, Instant at) throws SQLException {
    Sql.update(c, "UPDATE agent_presence_log SET ended_at = GREATEST(started_at, ?) WHERE agent_id = ? AND ended_at IS NULL",
        at, agentId);
  }

  /**
   * A call without wrap-up is complete at once. A call with one takes over any wrap-up still
   * open (the agent is in one wrap-up at a time), so the wrap-up seconds add up to the time
   * spent in wrap-up.
   */
  static void callFinished(Connection c, String agentId, String callId, Instant at, long talkSeconds, boolean wrapUp)
      throws SQLException {
    if (wrapUp) endWrapUp(c, agentId, at);
    Sql.update(c, "DELETE FROM agent_call_log WHERE agent_id = ? AND call_id = ?", agentId, callId);
    Sql.update(c, "INSERT INTO agent_call_log (agent_id, call_id, finished_at, talk_seconds, wrap_up_started_at, "
        + "wrap_up_ended_at, wrap_up_seconds) VALUES (?, ?, ?, ?, ?, ?, ?)",
        agentId, callId, at, talkSeconds, at, wrapUp ? null : at, wrapUp ? null : 0L);
  }

  /** WrapUpEnded names no call: it ends the agent's open wrap-up. */
  static void endWrapUp(Connection c, String agentId, Instant at) throws SQLException {
    Sql.update(c, "UPDATE agent_call_log SET wrap_up_ended_at = GREATEST(wrap_up_started_at, ?), "
        + "wrap_up_seconds = (GREATEST(wrap_up_started_at, ?) - wrap_up_started_at) / 1000 "
        + "WHERE agent_id = ? AND wrap_up_ended_at IS NULL", at, at, agentId);
  }

  static void noAnswer(Connection c, String agentId, String callId, Instant at) throws SQLException {
    Sql.update(c, "INSERT INTO agent_no_answers (agent_id, call_id, at) VALUES (?, ?, ?)", agentId, callId, at);
  }
}
