package io.callengine.core.readside;

import io.callengine.core.agent.AgentProfile;
import io.callengine.core.agent.Presence;
import io.callengine.core.agent.Skill;
import io.callengine.core.persistence.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The {@code agents} and {@code agent_skills} rows of one agent, with a presence asked for while busy. */
final class AgentRows {
  private AgentRows() {}

  /** A new agent starts OFFLINE and unregistered, as the entity does, even when the id was used before. */
  static void create(Connection c, String agentId, AgentProfile profile, long at) throws SQLException {
    delete(c, agentId);
    Sql.update(c, "INSERT INTO agents (id, display_name, sip_user, max_calls, wrap_up_seconds, presence, registered, "
        + "updated_at) VALUES (?, ?, ?, ?, ?, 'OFFLINE', FALSE, ?)",
        agentId, profile.displayName(), profile.sipUser(), profile.maxConcurrentCalls(), profile.wrapUpSeconds(), at);
    skills(c, agentId, profile);
  }

  static void update(Connection c, String agentId, AgentProfile profile, long at) throws SQLException {
    Sql.update(c, "UPDATE agents SET display_name = ?, sip_user = ?, max_calls = ?, wrap_up_seconds = ?, updated_at = ? WHERE id = ?",
        profile.displayName(), profile.sipUser(), profile.maxConcurrentCalls(), profile.wrapUpSeconds(), at, agentId);
    Sql.update(c, "DELETE FROM agent_skills WHERE agent_id = ?", agentId);
    skills(c, agentId, profile);
  }

  static void delete(Connection c, String agentId) throws SQLException {
    Sql.update(c, "DELETE FROM agent_skills WHERE agent_id = ?", agentId);
    Sql.update(c, "DELETE FROM agents WHERE id = ?", agentId);
  }

  static void presence(Connection c, String agentId, Presence presence, String reason, long at) throws SQLException {
    Sql.update(c, "UPDATE agents SET presence = ?, break_reason = ?, pending_presence = NULL, pending_reason = NULL, "
        + "updated_at = ? WHERE id = ?", presence.name(), reason, at, agentId);
  }

  static void pending(Connection c, String agentId, Presence presence, String reason, long at) throws SQLException {
    Sql.update(c, "UPDATE agents SET pending_presence = ?, pending_reason = ?, updated_at = ? WHERE id = ?",
        presence.name(), reason, at, agentId);
  }

  static void registered(Connection c, String agentId, boolean registered, long at) throws SQLException {
    Sql.update(c, "UPDATE agents SET registered = ?, updated_at = ? WHERE id = ?", registered, at, agentId);
  }

  /** A profile may name a skill twice; the agent counts the higher level, and so does the table. */
  private static void skills(Connection c, String agentId, AgentProfile profile) throws SQLException {
    Map<String, Integer> levels = new LinkedHashMap<>();
    for (Skill skill : profile.skills() == null ? List.<Skill>of() : profile.skills()) {
      levels.merge(skill.name(), skill.level(), Math::max);
    }
    for (Map.Entry<String, Integer> skill : levels.entrySet()) {
      Sql.update(c, "INSERT INTO agent_skills (agent_id, skill, level) VALUES (?, ?, ?)", agentId, skill.getKey(), skill.getValue());
    }
  }
}
