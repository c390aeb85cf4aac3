package io.callengine.core.api;

import io.callengine.core.agent.Skill;
import java.util.List;

/**
 * An agent as an admin describes it. {@code password} is the SIP digest password; on update a
 * null password keeps the current one. {@code wrapUpSeconds}, when set, overrides the queues'
 * wrap-up for this agent. Null optional fields take their defaults.
 */
public record AgentSpec(
    String id,
    String sipUri,
    String displayName,
    String password,
    List<Skill> skills,
    Integer maxConcurrentCalls,
    String department,
    String extension,
    List<String> queues,
    Integer wrapUpSeconds) {

  /** An agent with no skills, one call at a time, eligible for every queue whose skills it has. */
  public static AgentSpec of(String id, String sipUri, String displayName, String password) {
    return new AgentSpec(id, sipUri, displayName, password, null, null, null, null, null, null);
  }

  public AgentSpec withSkills(List<Skill> newSkills) {
    return new AgentSpec(id, sipUri, displayName, password, newSkills, maxConcurrentCalls, department, extension, queues,
        wrapUpSeconds);
  }

  public AgentSpec withQueues(List<String> newQueues) {
    return new AgentSpec(id, sipUri, displayName, password, skills, maxConcurrentCalls, department, extension, newQueues,
        wrapUpSeconds);
  }
}
