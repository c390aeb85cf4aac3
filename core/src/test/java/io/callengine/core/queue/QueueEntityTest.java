package io.callengine.core.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callengine.core.routing.Router;
import io.callengine.core.testing.EntityTestConfig;
import io.callengine.core.testing.ProbePeers;
import java.time.Instant;
import java.util.List;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class QueueEntityTest {
  private static final ActorTestKit testKit = ActorTestKit.create(EntityTestConfig.config());
  private EventSourcedBehaviorTestKit<QueueEntity.Command, QueueEntity.Event, QueueState> kit;

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  @BeforeEach
  void setUp() {
    TestProbe<Router.Command> router = testKit.createTestProbe();
    kit = EventSourcedBehaviorTestKit.create(testKit.system(), QueueEntity.create("support", router.ref(), new ProbePeers(testKit)));
  }

  private void create(int maxSize) {
    kit.<StatusReply<QueueView>>runCommand(r -> new QueueEntity.Create(new QueueConfig("support", "Support", "support", 0,
        List.of(), "longest-idle", maxSize, 0, null, 0, 20, 20), r));
  }

  private StatusReply<QueueConfig> enqueue(String callId, int priority, Instant at) {
    return kit.<StatusReply<QueueConfig>>runCommand(r -> new QueueEntity.Enqueue(WaitingCall.of(callId, priority, at), r)).reply();
  }

  @Test
  void callsWaitByPriorityThenByEntryTime() {
    create(0);
    Instant t0 = Instant.parse("2026-01-01T10:00:00Z");
    enqueue("late", 0, t0.plusSeconds(20));
    enqueue("early", 0, t0);
    enqueue("vip", 5, t0.plusSeconds(30));
    assertEquals(List.of("vip", "early", "late"), kit.getState().waiting().stream().map(WaitingCall::callId).toList());
  }

  @Test
  void fullQueueRefusesTheNextCaller() {
    create(1);
    assertTrue(enqueue("c1", 0, Instant.now()).isSuccess());
    StatusReply<QueueConfig> refused = enqueue("c2", 0, Instant.now());
    assertTrue(refused.getError().getMessage().startsWith("conflict:"));
  }

  @Test
  void removedCallLeavesTheLineAndTheLineSurvivesRestart() {
    create(0);
    enqueue("c1", 0, Instant.now());
    enqueue("c2", 0, Instant.now().plusSeconds(1));
    kit.<StatusReply<Done>>runCommand(r -> new QueueEntity.Remove("c1", r));
    kit.restart();
    assertEquals(List.of("c2"), kit.getState().waiting().stream().map(WaitingCall::callId).toList());
  }

  @Test
  void queueWithWaitingCallsCannotBeDeleted() {
    create(0);
    enqueue("c1", 0, Instant.now());
    assertTrue(kit.<StatusReply<Done>>runCommand(QueueEntity.Delete::new).reply().isError());
  }

  @Test
  void enqueueOnUnknownQueueIsNotFound() {
    assertTrue(enqueue("c1", 0, Instant.now()).getError().getMessage().startsWith("not-found:"));
  }
}
