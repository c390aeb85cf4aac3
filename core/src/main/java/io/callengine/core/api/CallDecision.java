package io.callengine.core.api;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.callengine.core.CborSerializable;
import io.callengine.core.queue.QueueConfig;
import java.util.List;

/**
 * What a {@link CallHandler} decides for an incoming call: a queue, the IVR menu of a routing
 * policy, or a rejection. Each record checks its fields when built, so a handler that builds an
 * invalid decision fails, and the routing policies decide that call.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "decision")
@JsonSubTypes({
    @JsonSubTypes.Type(value = CallDecision.ToQueue.class, name = "queue"),
    @JsonSubTypes.Type(value = CallDecision.ToIvr.class, name = "ivr"),
    @JsonSubTypes.Type(value = CallDecision.Reject.class, name = "reject")})
public sealed interface CallDecision extends CborSerializable {

  /** The highest call priority, as routing rules allow. */
  int MAX_PRIORITY = 100;

  /**
   * The call waits in queue {@code queueId} with {@code priority} (0 to 100, higher first) and
   * may only go to agents who also have {@code extraSkills} (beyond the queue's own). A queue
   * id the engine does not know makes the routing policies decide instead.
   */
  record ToQueue(String queueId, int priority, List<QueueConfig.RequiredSkill> extraSkills) implements CallDecision {
    public ToQueue {
      if (queueId == null || queueId.isBlank()) throw new IllegalArgumentException("a queue decision needs a queue id");
      if (priority < 0 || priority > MAX_PRIORITY) throw new IllegalArgumentException("priority must be 0 to " + MAX_PRIORITY + ": " + priority);
      extraSkills = extraSkills == null ? List.of() : List.copyOf(extraSkills);
      for (QueueConfig.RequiredSkill skill : extraSkills) {
        if (skill.name() == null || skill.name().isBlank() || skill.minLevel() < 1 || skill.minLevel() > 5) {
          throw new IllegalArgumentException("an extra skill needs a name and a level of 1 to 5: " + skill);
        }
      }
    }
  }

  /**
   * The caller hears the IVR menu of routing policy {@code policyId}; the keys he presses are
   * then matched against the policies' rules with digits, exactly as after the policy's own
   * menu. Without a valid choice the call goes where the policies send it without keys (and is
   * refused 404 when they send it nowhere). A policy that does not exist or has no menu makes
   * the routing policies decide instead.
   */
  record ToIvr(String policyId) implements CallDecision {
    public ToIvr {
      if (policyId == null || policyId.isBlank()) throw new IllegalArgumentException("an IVR decision needs a routing policy id");
    }
  }

  /**
   * The caller's INVITE is answered {@code sipStatus} (400 to 699) with {@code reason} as its
   * reason phrase (the status's usual phrase when null). The call is not recorded, as a call
   * to an unknown address is not.
   */
  record Reject(int sipStatus, String reason) implements CallDecision {
    public Reject {
      if (sipStatus < 400 || sipStatus > 699) throw new IllegalArgumentException("a rejection needs a SIP status of 400 to 699: " + sipStatus);
      if (reason != null && (reason.isBlank() || reason.length() > 200 || reason.chars().anyMatch(Character::isISOControl))) {
        throw new IllegalArgumentException("a reason phrase is 1 to 200 characters on one line");
      }
    }
  }

  static CallDecision queue(String queueId) {
    return new ToQueue(queueId, 0, List.of());
  }

  static CallDecision queue(String queueId, int priority, List<QueueConfig.RequiredSkill> extraSkills) {
    return new ToQueue(queueId, priority, extraSkills);
  }

  static CallDecision ivr(String policyId) {
    return new ToIvr(policyId);
  }

  static CallDecision reject(int sipStatus, String reason) {
    return new Reject(sipStatus, reason);
  }
}
