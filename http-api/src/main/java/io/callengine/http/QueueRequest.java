package io.callengine.http;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.callengine.core.api.QueueSpec;
import io.callengine.core.queue.QueueConfig;
import java.util.List;

/**
 * The body of POST and PUT {@code /api/v1/admin/queues}. Null fields take their defaults;
 * {@code waiting} is read-only and ignored, so a queue fetched with GET can be sent back.
 */
@JsonIgnoreProperties("waiting")
record QueueRequest(
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

  QueueSpec toSpec() {
    return new QueueSpec(id, name, sipAddress, priority, requiredSkills, strategy, maxSize, maxWaitSeconds,
        overflowQueueId, wrapUpSeconds, ringTimeoutSeconds, serviceLevelSeconds);
  }
}
