package io.callengine.core.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callengine.core.routing.Router;
import io.callengine.core.call.CallEntity;
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
  private ProbePeers peers;

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  @BeforeEach
  void setUp() {
    TestProbe<Router.Command> router = testKit.createTestProbe();
    peers = new ProbePeers(testKit);
    kit = EventSourcedBehaviorTestKit.create(testKit.system(), QueueEntity.create("support", router.ref(), peers, java.time.Clock.systemUTC()));
  }

  private void create(int maxSize) {
    create(config(maxSize, 0, null, QueueConfig.WAIT));
  }

  private void create(QueueConfig config) {
    kit.<StatusReply<QueueView>>runCommand(r -> new QueueEntity.Create(config, r));
  }

  private static QueueConfig config(int maxSize, int maxWait, String overflow, String noAgentAction) {
    return new QueueConfig("support", "Support", "support", 0, List.of(), "longest-idle", maxSize, maxWait, overflow,
        0, 20, 20, 480, noAgentAction, 0);
  }

  private StatusReply<Admission> enqueue(String callId, int priority, Instant at) {
    return enqueue(callId, priority, at, true);
  }

  private StatusReply<Admission> enqueue(String callId, int priority, Instant at, boolean staffed) {
    return kit.<StatusReply<Admission>>runCommand(r -> new QueueEntity.Enqueue(WaitingCall.of(callId, priority, at), staffed, r)).reply();
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
  void fullQueueRefusesTheNextCallerWithItsStatus() {
    create(1);
    assertEquals(Admission.Outcome.QUEUED, enqueue("c1", 0, Instant.now()).getValue().outcome());
    Admission refused = enqueue("c2", 0, Instant.now()).getValue();
    assertEquals(Admission.Outcome.REFUSED, refused.outcome());
    assertEquals(480, refused.sipStatus());
  }

  @Test
  void fullQueueWithAnOverflowTargetSendsTheCallerOn() {
    create(config(1, 0, "backup", QueueConfig.WAIT));
    enqueue("c1", 0, Instant.now());
    Admission sentOn = enqueue("c2", 0, Instant.now()).getValue();
    assertEquals(Admission.Outcome.OVERFLOW, sentOn.outcome());
    assertEquals("backup", sentOn.overflowQueueId());
  }

  @Test
  void aQueueThatRefusesWithoutAgentsRefusesOnlyWhenNobodyIsLoggedIn() {
    create(config(0, 0, null, QueueConfig.REFUSE));
    assertEquals(Admission.Outcome.REFUSED, enqueue("c1", 0, Instant.now(), false).getValue().outcome());
    assertEquals(Admission.Outcome.QUEUED, enqueue("c2", 0, Instant.now(), true).getValue().outcome());
  }

  @Test
  void aCallPastTheMaxWaitIsToldToMoveOn() {
    create(config(0, 1, "backup", QueueConfig.WAIT));
    enqueue("c1", 0, Instant.now());
    CallEntity.WaitExpired expired = (CallEntity.WaitExpired) peers.calls.receiveMessage(java.time.Duration.ofSeconds(5));
    assertEquals("backup", expired.overflowQueueId());
    assertEquals("support", expired.queueId());
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

  @Test
  void aConfigChangeKeepsTheWaitingCalls() {
    create(0);
    enqueue("c1", 0, Instant.now());
    enqueue("c2", 0, Instant.now().plusSeconds(1));
    kit.<StatusReply<QueueView>>runCommand(r -> new QueueEntity.Update(config(5, 600, null, QueueConfig.WAIT), r));
    assertEquals(List.of("c1", "c2"), kit.getState().waiting().stream().map(WaitingCall::callId).toList());
    assertEquals(600, kit.getState().config().maxWaitSeconds());
  }
}
