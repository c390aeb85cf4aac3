package io.callengine.core.agent;

import io.callengine.core.CborSerializable;
import java.time.Instant;
import java.util.List;

/**
 * A snapshot of one agent as the API shows it and as the Router caches it. {@code registered}
 * is true while a phone binding is unexpired at the moment the snapshot was taken.
 */
public record AgentView(
    String id,
    String displayName,
    String sipUri,
    Presence presence,
    String breakReason,
    Activity activity,
    boolean registered,
    Instant registrationExpiresAt,
    String contact,
    List<Skill> skills,
    int maxConcurrentCalls,
    String department,
    String extension,
    List<String> queues,
    List<String> currentCalls,
    Instant wrapUpUntil,
    long callsHandled,
    long talkSeconds,
    Instant lastCallEndedAt)
    implements CborSerializable {

  /** Whether the Router may try to reserve this agent for one more call. */
  public boolean canTakeCall(Instant now) {
    return presence == Presence.AVAILABLE
        && registrationExpiresAt != null && registrationExpiresAt.isAfter(now)
        && wrapUpUntil == null
        && currentCalls.size() < maxConcurrentCalls;
  }
}
