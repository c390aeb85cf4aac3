package io.callengine.http;

import io.callengine.core.agent.Skill;
import io.callengine.core.api.AgentSpec;
import java.util.List;

/**
 * The body of POST and PUT {@code /api/v1/admin/agents}. {@code password} is the SIP digest
 * password; on PUT a missing password keeps the current one. It never appears in a response.
 */
record AgentRequest(
    String id,
    String sipUri,
    String displayName,
    String password,
    List<Skill> skills,
    Integer maxConcurrentCalls,
    String department,
    String extension,
    List<String> queues) {

  AgentSpec toSpec() {
    return new AgentSpec(id, sipUri, displayName, password, skills, maxConcurrentCalls, department, extension, queues);
  }
}
