package io.callengine.sip;

import io.callengine.core.api.CallCenterEngine;
import io.callengine.core.policy.IvrMenu;
import io.callengine.core.policy.RouteDecision;
import io.callengine.core.policy.RouteRequest;
import io.callengine.core.queue.QueueConfig;
import io.callengine.core.queue.QueueRecording;
import java.util.List;

/**
 * Where routing sends one call to {@code dialed}: a queue with priority and extra skills, and an
 * IVR menu to play first (or null), and the deciding policy's recording setting (null: the queue's). Made by {@link CallSession} from a call handler's decision or
 * this node's copy of the routing policies, and by {@link CallIvr} from the keys pressed.
 */
record CallRoute(String queueId, String dialed, int priority, List<QueueConfig.RequiredSkill> extraSkills, IvrMenu ivr,
    QueueRecording recording) {

  /** A route that leaves the recording to the queue. */
  CallRoute(String queueId, String dialed, int priority, List<QueueConfig.RequiredSkill> extraSkills, IvrMenu ivr) {
    this(queueId, dialed, priority, extraSkills, ivr, null);
  }

  /** The priority of a call that no routing policy matched. */
  private static final int DEFAULT_PRIORITY = 0;

  /** The routing policies decide; without a matching rule the queue whose address was dialed takes the call (queue null: none). */
  static CallRoute byPolicies(CallCenterEngine engine, String dialedUser, String caller) {
    return engine.route(new RouteRequest(dialedUser, caller, null, null))
        .map(decision -> of(decision, dialedUser))
        .orElseGet(() -> new CallRoute(engine.lookups().queueForAddress(dialedUser).orElse(null), dialedUser, DEFAULT_PRIORITY, List.of(), null));
  }

  static CallRoute of(RouteDecision decision, String dialedUser) {
    return new CallRoute(decision.queueId(), dialedUser, decision.priority(), decision.extraSkills(), decision.ivr(), decision.recording());
  }

  /** The same queue, priority and skills, whatever the menu. */
  boolean sameQueueAs(CallRoute other) {
    return queueId.equals(other.queueId) && priority == other.priority && extraSkills.equals(other.extraSkills);
  }
}
