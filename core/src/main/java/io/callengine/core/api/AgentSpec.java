package io.callengine.core.api;

import io.callengine.core.agent.Skill;
import java.util.List;

/**
 * An agent as an admin describes it. {@code password} is the SIP digest password; on update a
 * null password keeps the current one. Null optional fields take their defaults.
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
    List<String> queues) {}
