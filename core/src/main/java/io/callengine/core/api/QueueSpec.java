package io.callengine.core.api;

import io.callengine.core.queue.QueueConfig;
import java.util.List;

/** A queue as an admin describes it; null optional fields take their defaults. */
public record QueueSpec(
    String id,
    String name,
    String sipAddress,
    Integer priority,
    List<QueueConfig.RequiredSkill> requiredSkills,
    String strategy,
    Integer maxSize,
    Integer maxWaitSeconds,
    String overflowQueueId,
    Integer wrapUpSeconds,
    Integer ringTimeoutSeconds,
    Integer serviceLevelSeconds) {}
