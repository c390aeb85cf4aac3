package io.callengine.core.api;

import io.callengine.core.Asks;
import io.callengine.core.EngineException;
import io.callengine.core.FieldError;
import io.callengine.core.agent.AgentView;
import io.callengine.core.call.CallEntity;
import io.callengine.core.call.CallView;
import io.callengine.core.queue.QueueView;
import io.callengine.core.queue.WaitingCall;
import io.callengine.core.readside.AgentHistory;
import io.callengine.core.readside.AgentHistoryReport;
import io.callengine.core.records.CallRecord;
import io.callengine.core.records.CallRecordFilter;
import io.callengine.core.routing.QueueStats;
import io.callengine.core.routing.Router;
import io.callengine.core.routing.SystemStats;
import io.callengine.core.statistics.PerformanceMetrics;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** What a supervisor reads: live statistics, agents, waiting calls, one call, and call history. */
public final class SupervisorApi {
  private final CallCenterEngine engine;
  private final Asks asks;

  SupervisorApi(CallCenterEngine engine) {
    this.engine = engine;
    this.asks = engine.asks();
  }

  public CompletionStage<SystemStats> stats() {
    return asks.plain(engine.router(), Router.GetStats::new);
  }

  /** Live counts per queue, with {@code totalCalls} (calls since midnight UTC) from the call records. */
  public CompletionStage<List<QueueSummary>> queueStats() {
    CompletionStage<List<QueueStats>> live = asks.<Router.Command, Router.QueueStatsList>plain(engine.router(), Router.GetQueueStats::new)
        .thenApply(Router.QueueStatsList::queues);
    return live.thenCombine(engine.callRecords().countTodayByQueue(), (stats, totals) -> stats.stream()
        .map(s -> new QueueSummary(s.queueId(), s.waiting(), s.longestWaitSeconds(), s.availableAgents(), s.activeCalls(),
            totals.getOrDefault(s.queueId(), 0L)))
        .toList());
  }

  public CompletionStage<List<AgentView>> agents() {
    return engine.admin().listAgents();
  }

  public CompletionStage<List<CallRecord>> agentCalls(String agentId, CallRecordFilter filter) {
    return engine.admin().getAgent(agentId).thenCompose(a -> engine.callRecords().list(filter.forAgent(agentId)));
  }

  /**
   * An agent's calls, wrap-up, unanswered offers and presence times over {@code [from, to)}; by
   * default from the start of the current UTC day to now. INVALID unless from is before to,
   * NOT_FOUND for an unknown agent.
   */
  public CompletionStage<AgentHistoryReport> getAgentHistory(String agentId, Instant from, Instant to) {
    AgentHistory history = engine.agentHistory();
    return history.range(from, to)
        .thenCompose(range -> engine.admin().getAgent(agentId).thenCompose(agent -> history.read(agentId, range)));
  }

  /** The calls waiting in a queue, in the order they will be offered. */
  public CompletionStage<List<WaitingCall>> waitingCalls(String queueId) {
    return engine.admin().getQueue(queueId).thenApply(QueueView::waiting);
  }

  public CompletionStage<CallView> call(String callId) {
    return asks.ask(engine.sharding().entityRefFor(CallEntity.ENTITY_KEY, callId), CallEntity.Get::new);
  }

  /**
   * Offers a waiting call to the agent of the supervisor's choice, ahead of the queue's strategy
   * but never past the agent's own word: CONFLICT when the call is not waiting or the agent
   * cannot take it, NOT_FOUND for an unknown call or agent, INVALID for a missing or malformed agent
   * id (an empty one would never reach an agent entity, and the ask would time out).
   */
  public CompletionStage<org.apache.pekko.Done> assign(String callId, String agentId) {
    if (agentId == null || !Validation.ID.matcher(agentId).matches()) {
      return CompletableFuture.failedFuture(EngineException.invalid(List.of(
          new FieldError("agentId", agentId == null || agentId.isBlank() ? "is required" : "must be an agent id"))));
    }
    return call(callId)
        .thenCompose(call -> engine.admin().getAgent(agentId))
        .thenCompose(agent -> asks.<Router.Command, org.apache.pekko.Done>ask(engine.router(), r -> new Router.ForceAssign(callId, agentId, r)));
  }

  public CompletionStage<List<CallRecord>> calls(CallRecordFilter filter) {
    return engine.callRecords().list(filter);
  }

  /** Offered, answered, abandoned, service level, ASA, AHT, occupancy... over {@code [from, to)}, overall and per queue. */
  public CompletionStage<PerformanceMetrics> getPerformanceMetrics(Instant from, Instant to) {
    return getPerformanceMetrics(from, to, null, null);
  }

  /**
   * The same for one queue ({@code queueId}, or null for every call), and per {@code interval}
   * (a multiple of 15 minutes, or null for none). Without {@code from} and {@code to} the range
   * is the current UTC day. A queue never seen has zero figures.
   */
  public CompletionStage<PerformanceMetrics> getPerformanceMetrics(Instant from, Instant to, String queueId, Duration interval) {
    try {
      if (from == null && to == null) {
        from = engine.clock().instant().truncatedTo(ChronoUnit.DAYS);
        to = from.plus(Duration.ofDays(1));
      }
      return engine.performance().metrics(from, to, queueId, interval);
    } catch (EngineException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** One queue's live figures as the API shows them. */
  public record QueueSummary(String queueId, int waiting, long longestWaitSeconds, int availableAgents, int activeCalls, long totalCalls) {}
}
