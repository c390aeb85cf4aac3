package io.callengine.core.agent;

import io.callengine.core.CborSerializable;
import java.util.List;

/**
 * The agent as an admin configures it. {@code sipUser} is the user part of {@code sipUri};
 * {@code wrapUpSeconds}, when set, overrides every queue's wrap-up for this agent.
 */
public record AgentProfile(
    String id,
    String sipUri,
    String sipUser,
    String displayName,
    List<Skill> skills,
    int maxConcurrentCalls,
    String department,
    String extension,
    List<String> queues,
    Integer wrapUpSeconds)
    implements CborSerializable {

  public AgentProfile withSkills(List<Skill> newSkills) {
    return new AgentProfile(id, sipUri, sipUser, displayName, List.copyOf(newSkills),
        maxConcurrentCalls, department, extension, queues, wrapUpSeconds);
  }

  /** The wrap-up after a call of a queue: the agent's own setting wins over the queue's. */
  public int wrapUpAfter(int queueWrapUpSeconds) {
    return wrapUpSeconds != null ? wrapUpSeconds : queueWrapUpSeconds;
  }
}
