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
    Integer serviceLevelSeconds) {

  /** A queue with every optional setting at its default. */
  public static QueueSpec of(String id, String name) {
    return new QueueSpec(id, name, null, null, null, null, null, null, null, null, null, null);
  }

  public QueueSpec withRequiredSkills(List<QueueConfig.RequiredSkill> skills) {
    return new QueueSpec(id, name, sipAddress, priority, skills, strategy, maxSize, maxWaitSeconds, overflowQueueId,
        wrapUpSeconds, ringTimeoutSeconds, serviceLevelSeconds);
  }

  public QueueSpec withWrapUpSeconds(int seconds) {
    return new QueueSpec(id, name, sipAddress, priority, requiredSkills, strategy, maxSize, maxWaitSeconds, overflowQueueId,
        seconds, ringTimeoutSeconds, serviceLevelSeconds);
  }

  public QueueSpec withRingTimeoutSeconds(int seconds) {
    return new QueueSpec(id, name, sipAddress, priority, requiredSkills, strategy, maxSize, maxWaitSeconds, overflowQueueId,
        wrapUpSeconds, seconds, serviceLevelSeconds);
  }
}
