package io.callengine.core.routing;

import io.callengine.core.agent.AgentView;
import io.callengine.core.queue.QueueConfig;
import java.util.List;

/**
 * Whether an agent may take a queue's calls: the agent has every required skill at the
 * minimum level, and either lists the queue or lists no queue at all.
 */
final class Eligibility {
  private Eligibility() {}

  static boolean eligible(AgentView agent, QueueConfig queue) {
    if (!agent.queues().isEmpty() && !agent.queues().contains(queue.id())) return false;
    return hasSkills(agent, queue.requiredSkills());
  }

  static boolean hasSkills(AgentView agent, List<QueueConfig.RequiredSkill> required) {
    return required.stream().allMatch(r -> agent.level(r.name()) >= r.minLevel());
  }
}
