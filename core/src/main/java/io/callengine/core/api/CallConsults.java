package io.callengine.core.api;

import io.callengine.core.EngineException;
import io.callengine.core.FieldError;
import io.callengine.core.Refusal;
import io.callengine.core.call.CallEntity;
import io.callengine.core.call.ConsultView;
import io.callengine.core.call.TransferTarget;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * An agent's consult on its connected call, as the HTTP API asks for it: checks the target as a
 * transfer's ({@link CallTransfers}: an agent, or an outside address on the admin's allowlist) and
 * hands it to the call's {@link CallEntity}, which puts the customer on hold and has the legs ring
 * the target; then the agent completes it (attended transfer), makes it a conference, or cancels it.
 */
public final class CallConsults {
  private final CallCenterEngine engine;
  private final CallTransfers transfers;

  public CallConsults(CallCenterEngine engine) {
    this.engine = engine;
    this.transfers = new CallTransfers(engine);
  }

  /**
   * {@code agentId} consults {@code target} on {@code callId}. INVALID for a malformed target or a
   * queue, FORBIDDEN for an address off the allowlist, NOT_FOUND for an unknown call, agent or
   * target agent, CONFLICT for a call that is not connected to this agent, a consult running, or a
   * target agent who cannot take a call now.
   */
  public CompletionStage<ConsultView> consult(String agentId, String callId, TransferTarget target) {
    try {
      if (target.queueId() != null && target.agentId() == null && target.address() == null) {
        throw EngineException.invalid(List.of(new FieldError("queueId", "a consult calls an agent (agentId) or an outside address (address)")));
      }
      transfers.check(target);
      known(agentId, callId);
      if (target.agentId() != null && !engine.lookups().listing().agentIds().contains(target.agentId())) {
        throw new EngineException(Refusal.NOT_FOUND, "agent " + target.agentId() + " does not exist");
      }
    } catch (EngineException e) {
      return CompletableFuture.failedFuture(e);
    }
    return engine.asks().ask(engine.sharding().entityRefFor(CallEntity.ENTITY_KEY, callId),
        r -> new CallEntity.StartConsult(agentId, target, transfers.ringTimeoutSeconds(), r));
  }

  /** Moves the consult on to {@code to}: CONFERENCE, COMPLETED or ENDED (cancel); CONFLICT when there is none, or its target has not answered. */
  public CompletionStage<ConsultView> change(String agentId, String callId, ConsultView.State to) {
    try {
      known(agentId, callId);
    } catch (EngineException e) {
      return CompletableFuture.failedFuture(e);
    }
    return engine.asks().ask(engine.sharding().entityRefFor(CallEntity.ENTITY_KEY, callId), r -> new CallEntity.ChangeConsult(agentId, to, r));
  }

  private void known(String agentId, String callId) {
    if (!CallTransfers.isCallId(callId)) throw new EngineException(Refusal.NOT_FOUND, "no call " + callId);
    if (!engine.lookups().listing().agentIds().contains(agentId)) throw new EngineException(Refusal.NOT_FOUND, "agent " + agentId + " does not exist");
  }
}
