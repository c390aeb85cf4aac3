package io.callengine.core.agent;

import io.callengine.core.CborSerializable;
import java.util.List;

/** The agent as an admin configures it. {@code sipUser} is the user part of {@code sipUri}. */
public record AgentProfile(
    String id,
    String sipUri,
    String sipUser,
    String displayName,
    List<Skill> skills,
    int maxConcurrentCalls,
    String department,
    String extension,
    List<String> queues)
    implements CborSerializable {

  public AgentProfile withSkills(List<Skill> newSkills) {
    return new AgentProfile(id, sipUri, sipUser, displayName, List.copyOf(newSkills),
        maxConcurrentCalls, department, extension, queues);
  }
}
