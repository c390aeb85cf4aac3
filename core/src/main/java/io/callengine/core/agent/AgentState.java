package io.callengine.core.agent;

import io.callengine.core.CborSerializable;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The AgentEntity's state: an immutable record whose {@code with*} methods are the event
 * handlers' building blocks. {@code calls} maps each call the agent holds to its step
 * (RESERVED, RINGING or ON_CALL); wrap-up lasts while {@code wrapUpUntil} is set.
 */
public record AgentState(
    AgentProfile profile,
    SipCredentials credentials,
    boolean deleted,
    Presence presence,
    String breakReason,
    String contact,
    Instant registrationExpiresAt,
    Map<String, Activity> calls,
    Instant wrapUpUntil,
    long callsHandled,
    long talkSeconds,
    Instant lastCallEndedAt)
    implements CborSerializable {

  public static AgentState empty() {
    return new AgentState(null, null, false, Presence.OFFLINE, null, null, null, Map.of(), null, 0, 0, null);
  }

  public boolean exists() {
    return profile != null && !deleted;
  }

  public Activity activity() {
    if (calls.containsValue(Activity.ON_CALL)) return Activity.ON_CALL;
    if (calls.containsValue(Activity.RINGING)) return Activity.RINGING;
    if (!calls.isEmpty()) return Activity.RESERVED;
    return wrapUpUntil != null ? Activity.WRAP_UP : Activity.IDLE;
  }

  public boolean registeredAt(Instant now) {
    return registrationExpiresAt != null && registrationExpiresAt.isAfter(now);
  }

  public AgentView view(Instant now) {
    return new AgentView(profile.id(), profile.displayName(), profile.sipUri(), presence, breakReason,
        activity(), registeredAt(now), registrationExpiresAt, contact, profile.skills(),
        profile.maxConcurrentCalls(), profile.department(), profile.extension(), profile.queues(),
        List.copyOf(calls.keySet()), wrapUpUntil, callsHandled, talkSeconds, lastCallEndedAt);
  }

  AgentState withProfile(AgentProfile newProfile, SipCredentials newCredentials) {
    return new AgentState(newProfile, newCredentials, false, presence, breakReason, contact,
        registrationExpiresAt, calls, wrapUpUntil, callsHandled, talkSeconds, lastCallEndedAt);
  }

  AgentState withDeleted() {
    return new AgentState(profile, credentials, true, Presence.OFFLINE, null, null, null, Map.of(),
        null, callsHandled, talkSeconds, lastCallEndedAt);
  }

  AgentState withPresence(Presence newPresence, String reason) {
    return new AgentState(profile, credentials, deleted, newPresence, reason, contact,
        registrationExpiresAt, calls, wrapUpUntil, callsHandled, talkSeconds, lastCallEndedAt);
  }

  AgentState withRegistration(String newContact, Instant expiresAt) {
    return new AgentState(profile, credentials, deleted, presence, breakReason, newContact, expiresAt,
        calls, wrapUpUntil, callsHandled, talkSeconds, lastCallEndedAt);
  }

  AgentState withCall(String callId, Activity step) {
    Map<String, Activity> next = new LinkedHashMap<>(calls);
    next.put(callId, step);
    return withCalls(next, wrapUpUntil);
  }

  AgentState withoutCall(String callId) {
    Map<String, Activity> next = new LinkedHashMap<>(calls);
    next.remove(callId);
    return withCalls(next, wrapUpUntil);
  }

  AgentState withCallFinished(String callId, Instant endedAt, long talk, Instant wrapUpEnds) {
    Map<String, Activity> next = new LinkedHashMap<>(calls);
    next.remove(callId);
    return new AgentState(profile, credentials, deleted, presence, breakReason, contact,
        registrationExpiresAt, Map.copyOf(next), wrapUpEnds, callsHandled + 1, talkSeconds + talk, endedAt);
  }

  AgentState withWrapUpEnded() {
    return withCalls(calls, null);
  }

  private AgentState withCalls(Map<String, Activity> next, Instant wrapUp) {
    return new AgentState(profile, credentials, deleted, presence, breakReason, contact,
        registrationExpiresAt, new LinkedHashMap<>(next), wrapUp, callsHandled, talkSeconds, lastCallEndedAt);
  }
}
