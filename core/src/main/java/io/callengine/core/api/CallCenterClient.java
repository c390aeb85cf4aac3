package io.callengine.core.api;

import io.callengine.core.agent.AgentView;
import io.callengine.core.agent.Presence;
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

  public CompletionStage<List<CallRecord>> calls(CallRecordFilter filter) {
    return engine.supervisor().agentCalls(agentId, filter);
  }

  /** This agent's figures over {@code [from, to)}; see {@link SupervisorApi#getAgentHistory}. */
  public CompletionStage<AgentHistoryReport> getAgentHistory(Instant from, Instant to) {
    return engine.supervisor().getAgentHistory(agentId, from, to);
  }

  public CompletionStage<List<SupervisorApi.QueueSummary>> queueStats() {
    return engine.supervisor().queueStats();
  }
}
