package io.callengine.core.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.typesafe.config.ConfigFactory;
import io.callengine.core.EngineException;
import io.callengine.core.Refusal;
import io.callengine.core.agent.AgentView;
import io.callengine.core.agent.Presence;
import io.callengine.core.agent.Skill;
import io.callengine.core.queue.QueueConfig;
import io.callengine.core.readside.AgentHistoryReport;
import io.callengine.core.records.CallRecordFilter;
import io.callengine.core.routing.SystemStats;
import io.callengine.core.statistics.PerformanceMetrics;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The README's embedding example, kept compiling and running here. */
class EmbeddingExampleTest {

  @Test
  void aJvmServiceRunsTheEngineThroughItsFacades() throws Exception {
    CallCenterEngine engine = CallCenterEngine.builder()
        .config(ConfigFactory.parseString("pekko.remote.artery.canonical.port = 0\npekko.actor.serialize-messages = on")
            .withFallback(ConfigFactory.defaultApplication()))
        .database("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1;DATABASE_TO_UPPER=false", "sa", "")
        .build();
    try {
      engine.whenUp().toCompletableFuture().get(30, TimeUnit.SECONDS);

      // --- README: embedding ---
      AdminApi admin = engine.admin();
      admin.createQueue(QueueSpec.of("support", "Support")
              .withRequiredSkills(List.of(new QueueConfig.RequiredSkill("english", 2)))
              .withWrapUpSeconds(30))
          .toCompletableFuture().join();
      admin.createAgent(AgentSpec.of("alice", "sip:alice@example.com", "Alice", "s3cret")
              .withSkills(List.of(new Skill("english", 4))))
          .toCompletableFuture().join();
      admin.updateSkills("alice", List.of(new Skill("english", 5), new Skill("billing", 3))).toCompletableFuture().join();

      CallCenterClient alice = engine.agent("alice");
      AgentView me = alice.updateStatus(Presence.AVAILABLE, null).toCompletableFuture().join();
      List<SupervisorApi.QueueSummary> queues = alice.queueStats().toCompletableFuture().join();

      SupervisorApi supervisor = engine.supervisor();
      SystemStats now = supervisor.stats().toCompletableFuture().join();
      supervisor.calls(CallRecordFilter.all()).toCompletableFuture().join();
      supervisor.agentCalls("alice", CallRecordFilter.all()).toCompletableFuture().join();
      Instant midnight = Instant.now().truncatedTo(ChronoUnit.DAYS);
      PerformanceMetrics today = supervisor.getPerformanceMetrics(midnight, midnight.plus(Duration.ofDays(1)))
          .toCompletableFuture().join();
      AgentHistoryReport aliceToday = supervisor.getAgentHistory("alice", midnight, Instant.now()).toCompletableFuture().join();
      Done oldestAssigned = supervisor.calls(CallRecordFilter.all())
          .thenCompose(records -> records.stream().filter(r -> "QUEUED".equals(r.status())).reduce((a, b) -> b)
              .map(waiting -> supervisor.assign(waiting.callId(), "alice"))
              .orElse(CompletableFuture.completedFuture(Done.done())))
          .toCompletableFuture().join();
      HealthReport health = admin.health();
      // --- end ---

      assertEquals(Presence.AVAILABLE, me.presence());
      assertEquals(2, me.skills().size() == 2 ? 2 : -1);
      assertEquals("support", queues.get(0).queueId());
      assertEquals(0, now.queuedCalls());
      assertEquals("UP", health.status());
      assertEquals(0, today.figures().offered());
      assertEquals(0, aliceToday.callsHandled());
      assertEquals(Done.done(), oldestAssigned, "no call waits, so none is assigned");
      CompletionStage<Done> assigned = supervisor.assign("call-42", "alice");
      CompletionException noSuchCall = assertThrows(CompletionException.class, () -> assigned.toCompletableFuture().join());
      assertEquals(Refusal.NOT_FOUND, ((EngineException) noSuchCall.getCause()).refusal());
      CompletionException unknown = assertThrows(CompletionException.class,
          () -> engine.agent("nobody").me().toCompletableFuture().join());
      assertEquals(Refusal.NOT_FOUND, ((EngineException) unknown.getCause()).refusal());
      CompletionException invalid = assertThrows(CompletionException.class,
          () -> admin.createQueue(QueueSpec.of("Not An Id", "x")).toCompletableFuture().join());
      assertEquals("id", ((EngineException) invalid.getCause()).errors().get(0).field());
    } finally {
      engine.shutdown().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }
  }
}
