package io.callengine.core.policy;

import io.callengine.core.CborSerializable;
import io.callengine.core.queue.QueueConfig;
import io.callengine.core.queue.QueueRecording;
import java.util.List;

/**
 * Where a matching rule sends a call: the queue, the call's priority there, skills beyond the
 * queue's, the deciding policy, and that policy's IVR menu and recording setting (null without one).
 */
public record RouteDecision(String queueId, int priority, List<QueueConfig.RequiredSkill> extraSkills, String policyId,
    IvrMenu ivr, QueueRecording recording) implements CborSerializable {

  /** A decision that leaves the recording to the queue. */
  public RouteDecision(String queueId, int priority, List<QueueConfig.RequiredSkill> extraSkills, String policyId, IvrMenu ivr) {
    this(queueId, priority, extraSkills, policyId, ivr, null);
  }
}
