package io.callengine.core.api;

import io.callengine.core.agent.AgentView;
import io.callengine.core.agent.Presence;
import io.callengine.core.call.CallEntity;
import io.callengine.core.call.HoldView;
import io.callengine.core.readside.AgentHistoryReport;
import io.callengine.core.records.CallRecord;
import io.callengine.core.records.CallRecordFilter;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletionStage;

/** What one agent does from a desktop or a service acting for it: its own status, calls and the queues' figures. */
public final class CallCenterClient {
  private final CallCenterEngine engine;
  private final String agentId;

  CallCenterClient(CallCenterEngine engine, String agentId) {
    this.engine = engine;
    this.agentId = agentId;
  }

  public String agentId() {
    return agentId;
  }

  public CompletionStage<AgentView> me() {
    return engine.admin().getAgent(agentId);
  }

  /** Hands this agent's connected call over to {@code target} (a blind transfer); see {@link CallTransfers#transfer}. */
  public CompletionStage<io.callengine.core.call.CallView> transfer(String callId, io.callengine.core.call.TransferTarget target) {
    return new CallTransfers(engine).transfer(agentId, callId, target);
  }

  public CompletionStage<AgentView> updateStatus(Presence presence, String reason) {
    return engine.admin().setPresence(agentId, presence, reason);
  }

  /** This agent's call records, without who monitored them. */
  public CompletionStage<List<CallRecord>> calls(CallRecordFilter filter) {
    return engine.supervisor().agentCalls(agentId, filter)
        .thenApply(records -> records.stream().map(CallRecord::withoutMonitoring).toList());
  }

  /** This agent's figures over {@code [from, to)}; see {@link SupervisorApi#getAgentHistory}. */
  public CompletionStage<AgentHistoryReport> getAgentHistory(Instant from, Instant to) {
    return engine.supervisor().getAgentHistory(agentId, from, to);
  }

  /**
   * Pauses ({@code paused}) or resumes the recording of this agent's connected call {@code callId};
   * fails NOT_FOUND when the call is not this agent's, CONFLICT when it is not connected, not
   * recorded or already so.
   */
  public CompletionStage<io.callengine.core.call.CallView> pauseRecording(String callId, boolean paused) {
    return engine.asks().ask(engine.sharding().entityRefFor(io.callengine.core.call.CallEntity.ENTITY_KEY, callId),
        r -> new io.callengine.core.call.CallEntity.PauseRecording(agentId, paused, r));
  }

  /**
   * Puts this agent's connected call on hold: the customer hears the hold music and the agent's
   * phone is told. NOT_FOUND for a call that is not this agent's, CONFLICT when it is not
   * connected or already on hold.
   */
  public CompletionStage<HoldView> hold(String callId) {
    return engine.asks().ask(engine.sharding().entityRefFor(CallEntity.ENTITY_KEY, callId), r -> new CallEntity.Hold(agentId, false, r));
  }

  /** Takes this agent's call off hold; as {@link #hold}, CONFLICT when it is not on hold. */
  public CompletionStage<HoldView> resume(String callId) {
    return engine.asks().ask(engine.sharding().entityRefFor(CallEntity.ENTITY_KEY, callId), r -> new CallEntity.Resume(agentId, false, r));
  }

  /** Consults {@code target} on this agent's connected call, the customer on hold; see {@link CallConsults#consult}. */
  public CompletionStage<io.callengine.core.call.ConsultView> consult(String callId, io.callengine.core.call.TransferTarget target) {
    return new CallConsults(engine).consult(agentId, callId, target);
  }

  /** Completes (attended transfer), conferences or cancels this agent's consult; see {@link CallConsults#change}. */
  public CompletionStage<io.callengine.core.call.ConsultView> changeConsult(String callId, io.callengine.core.call.ConsultView.State to) {
    return new CallConsults(engine).change(agentId, callId, to);
  }

  public CompletionStage<List<SupervisorApi.QueueSummary>> queueStats() {
    return engine.supervisor().queueStats();
  }
}
