package io.callengine.core.agent;

import io.callengine.core.CborSerializable;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The AgentEntity's state: an immutable record whose {@code with*} methods are the event
 * handlers' building blocks. {@code calls} maps each call the agent holds to its step
 * (RESERVED, RINGING or ON_CALL); wrap-up lasts while {@code wrapUpUntil} is set; a presence
 * asked for while busy waits in {@code pendingPresence} until the agent is settled.
 */
public record AgentState(
    AgentProfile profile,
    SipCredentials credentials,
    boolean deleted,
    Presence presence,
    String breakReason,
    Presence pendingPresence,
    String pendingReason,
    String contact,
    Instant registrationExpiresAt,
    Map<String, Activity> calls,
    Instant wrapUpUntil,
    long callsHandled,
    long talkSeconds,
    int consecutiveNoAnswers,
    Instant lastCallEndedAt,
    DigestUse lastDigest,
    String unreachableContact)
    implements CborSerializable {

  public static AgentState empty() {
    return new AgentState(null, null, false, Presence.OFFLINE, null, null, null, null, null, Map.of(), null, 0, 0, 0, null, null, null);
  }

  public boolean exists() {
    return profile != null && !deleted;
  }

  /** Neither holding a call nor in wrap-up: a pending presence may take effect. */
  public boolean settled() {
    return calls.isEmpty() && wrapUpUntil == null;
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

  /**
   * Whether the bound phone answers the gateway's OPTIONS probe. Only the contact that stopped
   * answering is unreachable: a phone registering from a new contact is tried afresh.
   */
  public boolean reachable() {
    return unreachableContact == null || !unreachableContact.equals(contact);
  }

  AgentState withReachability(String probedContact, boolean nowReachable) {
    return new AgentState(profile, credentials, deleted, presence, breakReason, pendingPresence, pendingReason, contact,
        registrationExpiresAt, calls, wrapUpUntil, callsHandled, talkSeconds, consecutiveNoAnswers, lastCallEndedAt, lastDigest,
        nowReachable ? null : probedContact);
  }

  public AgentView view(Instant now) {
    return new AgentView(profile.id(), profile.displayName(), profile.sipUri(), presence, breakReason,
        pendingPresence, pendingReason, activity(), registeredAt(now), registrationExpiresAt, contact, profile.skills(),
        profile.maxConcurrentCalls(), profile.wrapUpSeconds(), profile.department(), profile.extension(), profile.queues(),
        List.copyOf(calls.keySet()), wrapUpUntil, callsHandled, talkSeconds, consecutiveNoAnswers, lastCallEndedAt, reachable());
  }

  AgentState withProfile(AgentProfile newProfile, SipCredentials newCredentials) {
    return new AgentState(newProfile, newCredentials, false, presence, breakReason, pendingPresence, pendingReason, contact,
        registrationExpiresAt, calls, wrapUpUntil, callsHandled, talkSeconds, consecutiveNoAnswers, lastCallEndedAt, lastDigest, unreachableContact);
  }

  AgentState withDeleted() {
    return new AgentState(profile, credentials, true, Presence.OFFLINE, null, null, null, null, null, Map.of(),
        null, callsHandled, talkSeconds, 0, lastCallEndedAt, lastDigest, unreachableContact);
  }

  AgentState withPresence(Presence newPresence, String reason) {
    return new AgentState(profile, credentials, deleted, newPresence, reason, null, null, contact,
        registrationExpiresAt, calls, wrapUpUntil, callsHandled, talkSeconds,
        newPresence == Presence.AVAILABLE ? 0 : consecutiveNoAnswers, lastCallEndedAt, lastDigest, unreachableContact);
  }

  AgentState withPendingPresence(Presence newPresence, String reason) {
    return new AgentState(profile, credentials, deleted, presence, breakReason, newPresence, reason, contact,
        registrationExpiresAt, calls, wrapUpUntil, callsHandled, talkSeconds, consecutiveNoAnswers, lastCallEndedAt, lastDigest, unreachableContact);
  }

  /** {@code digest}: what authenticated this change, or null (a lapse) to keep the last one. */
  AgentState withRegistration(String newContact, Instant expiresAt, DigestUse digest) {
    return new AgentState(profile, credentials, deleted, presence, breakReason, pendingPresence, pendingReason, newContact,
        expiresAt, calls, wrapUpUntil, callsHandled, talkSeconds, consecutiveNoAnswers, lastCallEndedAt,
        digest != null ? digest : lastDigest, unreachableContact);
  }

  AgentState withCall(String callId, Activity step) {
    Map<String, Activity> next = new LinkedHashMap<>(calls);
    next.put(callId, step);
    int noAnswers = step == Activity.ON_CALL ? 0 : consecutiveNoAnswers;
    return new AgentState(profile, credentials, deleted, presence, breakReason, pendingPresence, pendingReason, contact,
        registrationExpiresAt, next, wrapUpUntil, callsHandled, talkSeconds, noAnswers, lastCallEndedAt, lastDigest, unreachableContact);
  }

  AgentState withCallReleased(String callId, boolean noAnswer) {
    Map<String, Activity> next = new LinkedHashMap<>(calls);
    next.remove(callId);
    return new AgentState(profile, credentials, deleted, presence, breakReason, pendingPresence, pendingReason, contact,
        registrationExpiresAt, next, wrapUpUntil, callsHandled, talkSeconds,
        noAnswer ? consecutiveNoAnswers + 1 : consecutiveNoAnswers, lastCallEndedAt, lastDigest, unreachableContact);
  }

  AgentState withCallFinished(String callId, Instant endedAt, long talk, Instant wrapUpEnds) {
    Map<String, Activity> next = new LinkedHashMap<>(calls);
    next.remove(callId);
    Instant wrapUp = wrapUpUntil == null || (wrapUpEnds != null && wrapUpEnds.isAfter(wrapUpUntil)) ? wrapUpEnds : wrapUpUntil;
    return new AgentState(profile, credentials, deleted, presence, breakReason, pendingPresence, pendingReason, contact,
        registrationExpiresAt, next, wrapUp, callsHandled + 1, talkSeconds + talk, consecutiveNoAnswers, endedAt, lastDigest, unreachableContact);
  }

  AgentState withWrapUpEnded() {
    return new AgentState(profile, credentials, deleted, presence, breakReason, pendingPresence, pendingReason, contact,
        registrationExpiresAt, calls, null, callsHandled, talkSeconds, consecutiveNoAnswers, lastCallEndedAt, lastDigest, unreachableContact);
  }
}
