package io.callengine.core.agent;

import io.callengine.core.CborSerializable;
import java.time.Instant;
import java.util.List;

/**
 * A snapshot of one agent as the API shows it and as the Router caches it. {@code registered}
 * is true while a phone binding is unexpired at the moment the snapshot was taken;
 * {@code pendingPresence} is a break or log-off asked for during a call, applied when the
 * call and its wrap-up are over. {@code reachable} is false while the registered phone does not
 * answer the gateway's OPTIONS probe: such an agent is offered no call (null, as a node from
 * before the probe sends it, counts as reachable).
 */
public record AgentView(
    String id,
    String displayName,
    String sipUri,
    Presence presence,
    String breakReason,
    Presence pendingPresence,
    String pendingBreakReason,
    Activity activity,
    boolean registered,
    Instant registrationExpiresAt,
    String contact,
    List<Skill> skills,
    int maxConcurrentCalls,
    Integer wrapUpSeconds,
    String department,
    String extension,
    List<String> queues,
    List<String> currentCalls,
    Instant wrapUpUntil,
    long callsHandled,
    long talkSeconds,
    int consecutiveNoAnswers,
    Instant lastCallEndedAt,
    Boolean reachable)
    implements CborSerializable {

  /** Whether the Router may try to reserve this agent for one more call. */
  public boolean canTakeCall(Instant now) {
    return presence == Presence.AVAILABLE
        && registrationExpiresAt != null && registrationExpiresAt.isAfter(now)
        && !Boolean.FALSE.equals(reachable)
        && wrapUpUntil == null
        && currentCalls.size() < maxConcurrentCalls;
  }

  /** The level of a skill, 0 when the agent lacks it. */
  public int level(String skill) {
    return skills.stream().filter(s -> s.name().equalsIgnoreCase(skill)).mapToInt(Skill::level).max().orElse(0);
  }
}
