package io.callengine.core.routing;

import io.callengine.core.agent.AgentView;
import io.callengine.core.agent.Skill;
import io.callengine.core.queue.QueueConfig;
import java.util.Random;

/**
 * The queue strategies, each as the order it puts available agents in. {@code RING_ALL} rings
 * the first several agents of the longest-idle order at once.
 */
public enum Strategy {
  LONGEST_IDLE("longest-idle"),
  ROUND_ROBIN("round-robin"),
  FEWEST_CALLS("fewest-calls"),
  LEAST_TALK_TIME("least-talk-time"),
  MOST_SKILLED("most-skilled"),
  RANDOM("random"),
  RING_ALL("ring-all");

  private final String configName;

  Strategy(String configName) {
    this.configName = configName;
  }

  /** The name a queue's {@code strategy} setting uses. */
  public String configName() {
    return configName;
  }

  static Strategy of(String name) {
    for (Strategy s : values()) if (s.configName.equals(name)) return s;
    return LONGEST_IDLE;
  }

  /** The agent's place in this queue's order; {@code lastOfferedAt} feeds round-robin. */
  AgentKey key(AgentView agent, QueueConfig queue, long lastOfferedAt, Random random) {
    long idleSince = agent.lastCallEndedAt() == null ? Long.MIN_VALUE : agent.lastCallEndedAt().toEpochMilli();
    return switch (this) {
      case LONGEST_IDLE, RING_ALL -> new AgentKey(agent.id(), idleSince, 0);
      case ROUND_ROBIN -> new AgentKey(agent.id(), lastOfferedAt, idleSince);
      case FEWEST_CALLS -> new AgentKey(agent.id(), agent.callsHandled(), idleSince);
      case LEAST_TALK_TIME -> new AgentKey(agent.id(), agent.talkSeconds(), idleSince);
      case MOST_SKILLED -> new AgentKey(agent.id(), -skillScore(agent, queue), idleSince);
      case RANDOM -> new AgentKey(agent.id(), random.nextLong(), 0);
    };
  }

  /** The sum of the agent's levels in the queue's required skills (in all its skills when the queue requires none). */
  static long skillScore(AgentView agent, QueueConfig queue) {
    if (queue.requiredSkills().isEmpty()) return agent.skills().stream().mapToLong(Skill::level).sum();
    return queue.requiredSkills().stream().mapToLong(r -> agent.level(r.name())).sum();
  }
}
