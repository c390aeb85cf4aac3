package io.callengine.core.routing;

import java.util.Comparator;

/**
 * An available agent's place in one queue's order: the strategy decides {@code primary} and
 * {@code secondary} (lower first), the agent id breaks ties so that the order is total.
 */
record AgentKey(String agentId, long primary, long secondary) {
  static final Comparator<AgentKey> ORDER = Comparator.comparingLong(AgentKey::primary)
      .thenComparingLong(AgentKey::secondary)
      .thenComparing(AgentKey::agentId);
}
