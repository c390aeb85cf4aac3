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
    Integer serviceLevelSeconds,
    Integer fullStatus,
    String noAgentAction,
    Integer noAgentDelaySeconds,
    String exitKey,
    Integer announceEverySeconds,
    Recording recording,
    CallbackSpec callback) {

  /** The callback offer as an admin describes it; null optional fields take their defaults. */
  public record CallbackSpec(String key, Integer offerAfterSeconds, Boolean allowOtherNumber, Integer maxAttempts,
      Integer retryAfterSeconds) {}

  /** Which calls are recorded: {@code mode} NONE, ALL or PERCENT (with {@code percent}, 0-100), and whether the caller hears a notice first. */
  public record Recording(String mode, Integer percent, Boolean announce) {}

  public QueueSpec(String id, String name, String sipAddress, Integer priority, List<QueueConfig.RequiredSkill> requiredSkills,
      String strategy, Integer maxSize, Integer maxWaitSeconds, String overflowQueueId, Integer wrapUpSeconds,
      Integer ringTimeoutSeconds, Integer serviceLevelSeconds, Integer fullStatus, String noAgentAction, Integer noAgentDelaySeconds,
      String exitKey, Integer announceEverySeconds) {
    this(id, name, sipAddress, priority, requiredSkills, strategy, maxSize, maxWaitSeconds, overflowQueueId, wrapUpSeconds,
        ringTimeoutSeconds, serviceLevelSeconds, fullStatus, noAgentAction, noAgentDelaySeconds, exitKey, announceEverySeconds, null, null);
  }

  public QueueSpec(String id, String name, String sipAddress, Integer priority, List<QueueConfig.RequiredSkill> requiredSkills,
      String strategy, Integer maxSize, Integer maxWaitSeconds, String overflowQueueId, Integer wrapUpSeconds,
      Integer ringTimeoutSeconds, Integer serviceLevelSeconds, Integer fullStatus, String noAgentAction, Integer noAgentDelaySeconds) {
    this(id, name, sipAddress, priority, requiredSkills, strategy, maxSize, maxWaitSeconds, overflowQueueId, wrapUpSeconds,
        ringTimeoutSeconds, serviceLevelSeconds, fullStatus, noAgentAction, noAgentDelaySeconds, null, null);
  }

  /** A queue with every optional setting at its default. */
  public static QueueSpec of(String id, String name) {
    return new QueueSpec(id, name, null, null, null, null, null, null, null, null, null, null, null, null, null);
  }

  public QueueSpec withRequiredSkills(List<QueueConfig.RequiredSkill> skills) {
    return new QueueSpec(id, name, sipAddress, priority, skills, strategy, maxSize, maxWaitSeconds, overflowQueueId,
        wrapUpSeconds, ringTimeoutSeconds, serviceLevelSeconds, fullStatus, noAgentAction, noAgentDelaySeconds, exitKey, announceEverySeconds, recording, callback);
  }

  /** Calls beyond {@code maxSize} or waiting over {@code maxWaitSeconds} go to {@code overflowQueueId} (null: refused or timed out). */
  public QueueSpec withLimits(Integer maxSize, Integer maxWaitSeconds, String overflowQueueId) {
    return new QueueSpec(id, name, sipAddress, priority, requiredSkills, strategy, maxSize, maxWaitSeconds, overflowQueueId,
        wrapUpSeconds, ringTimeoutSeconds, serviceLevelSeconds, fullStatus, noAgentAction, noAgentDelaySeconds, exitKey, announceEverySeconds, recording, callback);
  }

  public QueueSpec withStrategy(String newStrategy) {
    return new QueueSpec(id, name, sipAddress, priority, requiredSkills, newStrategy, maxSize, maxWaitSeconds, overflowQueueId,
        wrapUpSeconds, ringTimeoutSeconds, serviceLevelSeconds, fullStatus, noAgentAction, noAgentDelaySeconds, exitKey, announceEverySeconds, recording, callback);
  }

  /** What happens while no eligible agent is logged in: {@code wait}, {@code refuse}, or {@code overflow} after the delay. */
  public QueueSpec withNoAgentRule(String action, Integer delaySeconds) {
    return new QueueSpec(id, name, sipAddress, priority, requiredSkills, strategy, maxSize, maxWaitSeconds, overflowQueueId,
        wrapUpSeconds, ringTimeoutSeconds, serviceLevelSeconds, fullStatus, action, delaySeconds, exitKey, announceEverySeconds, recording, callback);
  }

  /** The key that takes a waiting caller to the overflow queue, and how often he hears his position (0: never). */
  public QueueSpec withCallerOptions(String key, Integer everySeconds) {
    return new QueueSpec(id, name, sipAddress, priority, requiredSkills, strategy, maxSize, maxWaitSeconds, overflowQueueId,
        wrapUpSeconds, ringTimeoutSeconds, serviceLevelSeconds, fullStatus, noAgentAction, noAgentDelaySeconds, key, everySeconds, recording, callback);
  }

  public QueueSpec withRecording(Recording newRecording) {
    return new QueueSpec(id, name, sipAddress, priority, requiredSkills, strategy, maxSize, maxWaitSeconds, overflowQueueId,
        wrapUpSeconds, ringTimeoutSeconds, serviceLevelSeconds, fullStatus, noAgentAction, noAgentDelaySeconds, exitKey,
        announceEverySeconds, newRecording, callback);
  }

  /** The callback offer to waiting callers (null: none). */
  public QueueSpec withCallback(CallbackSpec offer) {
    return new QueueSpec(id, name, sipAddress, priority, requiredSkills, strategy, maxSize, maxWaitSeconds, overflowQueueId,
        wrapUpSeconds, ringTimeoutSeconds, serviceLevelSeconds, fullStatus, noAgentAction, noAgentDelaySeconds, exitKey,
        announceEverySeconds, recording, offer);
  }

  public QueueSpec withWrapUpSeconds(int seconds) {
    return new QueueSpec(id, name, sipAddress, priority, requiredSkills, strategy, maxSize, maxWaitSeconds, overflowQueueId,
        seconds, ringTimeoutSeconds, serviceLevelSeconds, fullStatus, noAgentAction, noAgentDelaySeconds, exitKey, announceEverySeconds, recording, callback);
  }

  public QueueSpec withRingTimeoutSeconds(int seconds) {
    return new QueueSpec(id, name, sipAddress, priority, requiredSkills, strategy, maxSize, maxWaitSeconds, overflowQueueId,
        wrapUpSeconds, seconds, serviceLevelSeconds, fullStatus, noAgentAction, noAgentDelaySeconds, exitKey, announceEverySeconds, recording, callback);
  }

  public QueueSpec withServiceLevelSeconds(int seconds) {
    return new QueueSpec(id, name, sipAddress, priority, requiredSkills, strategy, maxSize, maxWaitSeconds, overflowQueueId,
        wrapUpSeconds, ringTimeoutSeconds, seconds, fullStatus, noAgentAction, noAgentDelaySeconds, exitKey, announceEverySeconds, recording, callback);
  }
}
