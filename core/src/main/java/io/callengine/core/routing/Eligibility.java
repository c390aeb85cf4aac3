package io.callengine.core.routing;

import io.callengine.core.agent.AgentView;
import io.callengine.core.agent.Skill;
import io.callengine.core.queue.QueueConfig;

/**
 * Whether an agent may take a queue's calls: the agent has every required skill at the
 * minimum level, and either lists the queue or lists no queue at all.
 */
final class Eligibility {
  private Eligibility() {}

  static boolean eligible(AgentView agent, QueueConfig queue) {
    if (!agent.queues().isEmpty() && !agent.queues().contains(queue.id())) return false;
    return queue.requiredSkills().stream().allMatch(required -> agent.skills().stream()
        .anyMatch(skill -> hasAtLeast(skill, required)));
  }

  private static boolean hasAtLeast(Skill skill, QueueConfig.RequiredSkill required) {
    return skill.name().equalsIgnoreCase(required.name()) && skill.level() >= required.minLevel();
  }
}
