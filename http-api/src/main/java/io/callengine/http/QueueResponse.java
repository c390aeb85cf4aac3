package io.callengine.http;

import io.callengine.core.queue.QueueConfig;
import io.callengine.core.queue.QueueView;
import java.util.List;

/** A queue as the admin API shows it: its configuration and how many calls wait in it now. */
record QueueResponse(
    String id,
    String name,
    String sipAddress,
    int priority,
    List<QueueConfig.RequiredSkill> requiredSkills,
    String strategy,
    int maxSize,
    int maxWaitSeconds,
    String overflowQueueId,
    int wrapUpSeconds,
    int ringTimeoutSeconds,
    int serviceLevelSeconds,
    int waiting) {

  static QueueResponse from(QueueView view) {
    QueueConfig c = view.config();
    return new QueueResponse(c.id(), c.name(), c.sipAddress(), c.priority(), c.requiredSkills(), c.strategy(), c.maxSize(),
        c.maxWaitSeconds(), c.overflowQueueId(), c.wrapUpSeconds(), c.ringTimeoutSeconds(), c.serviceLevelSeconds(),
        view.waiting().size());
  }
}
