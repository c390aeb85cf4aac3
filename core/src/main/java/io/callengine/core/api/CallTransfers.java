package io.callengine.core.api;

import io.callengine.core.EngineException;
import io.callengine.core.FieldError;
import io.callengine.core.Refusal;
import io.callengine.core.call.CallEntity;
import io.callengine.core.call.CallView;
import io.callengine.core.call.TransferTarget;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.regex.Pattern;

/**
 * An agent's blind transfer of its connected call, as the HTTP API and a phone's REFER ask for it:
 * checks the target (exactly one; a known queue; an outside address on the admin's
 * {@link TransferAllowlist}) and hands the call to its CallEntity, which decides the rest.
 */
public final class CallTransfers {
  /** An outside address: {@code sip:} or {@code sips:}, one user, a host name or IPv4 address, maybe a port; no parameters. */
  private static final Pattern ADDRESS = Pattern.compile("sips?:[A-Za-z0-9+._~!$&'()*=%-]+@[A-Za-z0-9.-]+(:[0-9]{1,5})?");
  /** Outside addresses are kept where agent ids are (64 characters). */
  private static final int MAX_ADDRESS = 64;

  private final CallCenterEngine engine;
  private final TransferAllowlist allowlist;
  private final int ringTimeoutSeconds;

  public CallTransfers(CallCenterEngine engine) {
    this.engine = engine;
    this.allowlist = TransferAllowlist.of(engine.config());
    this.ringTimeoutSeconds = (int) Math.max(1, engine.config().getDuration("callengine.transfer.ring-timeout").toSeconds());
  }

  /**
   * Hands {@code callId}, connected to {@code agentId}, over to {@code target}. INVALID for no or
   * several targets or a malformed one, FORBIDDEN for an outside address off the allowlist,
   * NOT_FOUND for an unknown queue, agent or call (or one that is not this agent's), CONFLICT for
   * a call that is not connected or a named agent who cannot take it now.
   */
  public CompletionStage<CallView> transfer(String agentId, String callId, TransferTarget target) {
    try {
      check(target);
    } catch (EngineException e) {
      return CompletableFuture.failedFuture(e);
    }
    if (!isCallId(callId)) return CompletableFuture.failedFuture(new EngineException(Refusal.NOT_FOUND, "no call " + callId));
    return engine.asks().<CallEntity.Command, CallView>ask(engine.sharding().entityRefFor(CallEntity.ENTITY_KEY, callId),
        r -> new CallEntity.Transfer(agentId, target, ringTimeoutSeconds, r));
  }

  /** How long a transfer's (or consult's) agent or outside target rings. */
  int ringTimeoutSeconds() {
    return ringTimeoutSeconds;
  }

  /** Whether an outside address may be a transfer's target. */
  public boolean allows(String address) {
    return allowlist.allows(address);
  }

  /** INVALID, FORBIDDEN or NOT_FOUND (an unknown queue) for a target no transfer or consult may have. */
  void check(TransferTarget t) {
    List<FieldError> errors = new ArrayList<>();
    int named = (t.queueId() != null ? 1 : 0) + (t.agentId() != null ? 1 : 0) + (t.address() != null ? 1 : 0);
    if (named != 1) errors.add(new FieldError("target", "name exactly one of queueId, agentId and address"));
    if (t.queueId() != null && !Validation.ID.matcher(t.queueId()).matches()) errors.add(new FieldError("queueId", "not a queue id"));
    if (t.agentId() != null && !Validation.ID.matcher(t.agentId()).matches()) errors.add(new FieldError("agentId", "not an agent id"));
    if (t.address() != null && (t.address().length() > MAX_ADDRESS || !ADDRESS.matcher(t.address()).matches())) {
      errors.add(new FieldError("address", "must be a SIP URI sip:user@host[:port] of at most " + MAX_ADDRESS + " characters, without parameters"));
    }
    if (t.queueId() == null && (t.keepPlace() != null || t.priority() != null)) {
      errors.add(new FieldError(t.keepPlace() != null ? "keepPlace" : "priority", "applies to a queue target only"));
    }
    if (t.priority() != null && (t.priority() < 0 || t.priority() > CallDecision.MAX_PRIORITY)) {
      errors.add(new FieldError("priority", "must be 0 to " + CallDecision.MAX_PRIORITY));
    }
    if (!errors.isEmpty()) throw EngineException.invalid(errors);
    if (t.address() != null && !allowlist.allows(t.address())) {
      throw new EngineException(Refusal.FORBIDDEN, "transfers to " + t.address() + " are not allowed (callengine.transfer.allowed-destinations)");
    }
    if (t.queueId() != null && !engine.lookups().queueExists(t.queueId())) {
      throw new EngineException(Refusal.NOT_FOUND, "queue " + t.queueId() + " does not exist");
    }
  }

  static boolean isCallId(String callId) {
    try {
      UUID.fromString(callId);
      return callId.length() == 36;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
