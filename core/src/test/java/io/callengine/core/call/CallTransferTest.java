package io.callengine.core.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callengine.core.Refusal;
import io.callengine.core.agent.AgentEntity;
import io.callengine.core.agent.Reservation;
import io.callengine.core.events.EventPublisher;
import io.callengine.core.queue.Admission;
import io.callengine.core.queue.QueueEntity;
import io.callengine.core.routing.Router;
import io.callengine.core.testing.EntityTestConfig;
import io.callengine.core.testing.ProbePeers;
import java.time.Clock;
import java.time.Duration;
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

/** The CallEntity's blind transfers: to a queue (keeping the caller's place), to an agent with its ring-back, and refusals. */
class CallTransferTest {
  private static final ActorTestKit testKit = ActorTestKit.create(EntityTestConfig.config());
  private TestProbe<CallLegs.Command> legs;
  private ProbePeers peers;
  private EventSourcedBehaviorTestKit<CallEntity.Command, CallEntity.Event, CallState> kit;
  private Instant enqueuedAt;

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  /** A call from the support queue, answered by alice. */
  @BeforeEach
  void setUp() {
    legs = testKit.createTestProbe();
    TestProbe<Router.Command> router = testKit.createTestProbe();
    peers = new ProbePeers(testKit);
    kit = EventSourcedBehaviorTestKit.create(testKit.system(), CallEntity.create("call-1", router.ref(), peers, Clock.systemUTC(),
        EventPublisher.NONE, queueId -> true, null));
    enqueuedAt = kit.<StatusReply<CallView>>runCommand(r -> new CallEntity.Start("sip:bob@example.com", "support", "support", 3,
        List.of(), legs.ref(), r)).reply().getValue().enqueuedAt();
    kit.<StatusReply<Done>>runCommand(r -> new CallEntity.Offer(List.of(reservation("alice")), 15, 30, r));
    legs.expectMessageClass(CallLegs.RingAgents.class);
    kit.<StatusReply<Done>>runCommand(r -> new CallEntity.AgentAnswered("alice", r));
    agent(AgentEntity.AnswerCall.class).replyTo().tell(StatusReply.ack());
    queue(QueueEntity.Remove.class).replyTo().tell(StatusReply.ack());
  }

  private static Reservation reservation(String agentId) {
    return new Reservation(agentId, "call-1", "sip:" + agentId + "@127.0.0.1:5070", "sip:" + agentId + "@127.0.0.1");
  }

  private StatusReply<CallView> transfer(String from, TransferTarget target) {
    return kit.<StatusReply<CallView>>runCommand(r -> new CallEntity.Transfer(from, target, 10, r)).reply();
  }

  /** A transfer to a queue, whose target queue is asked first and answers {@code outcome} ({@code reason} for a refusal). */
  private StatusReply<CallView> toQueue(TransferTarget target, Admission.Outcome outcome, String reason) {
    TestProbe<StatusReply<CallView>> reply = testKit.createTestProbe();
    kit.runCommand(new CallEntity.Transfer("alice", target, 10, reply.ref()));
    QueueEntity.CheckAdmission check = queue(QueueEntity.CheckAdmission.class);
    check.replyTo().tell(StatusReply.success(new Admission(outcome, null, null, reason == null ? 0 : 480, reason)));
    return reply.receiveMessage();
  }

  /** The next command of {@code type} to an agent (repeats of notices already answered are passed over). */
  private <T> T agent(Class<T> type) {
    return type.cast(peers.agents.fishForMessage(Duration.ofSeconds(5), "an agent's " + type.getSimpleName(),
        m -> type.isInstance(m) ? org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes.complete()
            : org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes.continueAndIgnore()).get(0));
  }

  private <T> T queue(Class<T> type) {
    return type.cast(peers.queues.fishForMessage(Duration.ofSeconds(5), "a queue's " + type.getSimpleName(),
        m -> type.isInstance(m) ? org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes.complete()
            : org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes.continueAndIgnore()).get(0));
  }

  private static Refusal refusal(StatusReply<?> reply) {
    assertTrue(reply.isError(), "refused");
    return Refusal.toException(reply.getError()).refusal();
  }

  @Test
  void toAQueueTheCallWaitsThereInItsFirstPlaceAndTheAgentIsFinished() {
    CallView queued = toQueue(TransferTarget.queue("billing", true, null), Admission.Outcome.QUEUED, null).getValue();
    assertEquals(CallStatus.QUEUED, queued.status());
    assertEquals("billing", queued.queueId());
    assertEquals(List.of("alice"), queued.transferredFrom());
    assertEquals(new CallLegs.Transferred("call-1", "alice"), legs.receiveMessage());
    AgentEntity.FinishCall finish = agent(AgentEntity.FinishCall.class);
    assertEquals(30, finish.queueWrapUpSeconds(), "the wrap-up of a normal end");
    finish.replyTo().tell(StatusReply.success(new AgentEntity.Finished(true, 30)));
    QueueEntity.Enqueue enqueue = queue(QueueEntity.Enqueue.class);
    assertEquals(enqueuedAt, enqueue.call().enqueuedAt(), "keepPlace: his first entry time");
    assertEquals(3, enqueue.call().priority());
    enqueue.replyTo().tell(StatusReply.success(new Admission(Admission.Outcome.QUEUED, null, null, 0, null)));
    kit.restart();
    assertEquals(CallStatus.QUEUED, kit.getState().status());
    assertEquals(List.of("alice"), kit.getState().transferredFrom());
    CallView ended = kit.<StatusReply<CallView>>runCommand(r -> new CallEntity.Hangup(Party.CUSTOMER, null, r)).reply().getValue();
    assertEquals(Disposition.COMPLETED, ended.disposition(), "served once: no abandon");
  }

  @Test
  void withoutKeepPlaceTheCallerQueuesFromNowAtTheGivenPriority() {
    toQueue(TransferTarget.queue("billing", false, 9), Admission.Outcome.QUEUED, null);
    QueueEntity.Enqueue enqueue = queue(QueueEntity.Enqueue.class);
    assertEquals(enqueue.call().joinedAt(), enqueue.call().enqueuedAt(), "in line from the transfer on");
    assertEquals(9, enqueue.call().priority());
  }

  @Test
  void onlyTheConnectedAgentMayTransferAndNotToItself() {
    assertEquals(Refusal.NOT_FOUND, refusal(transfer("bob", TransferTarget.queue("billing", true, null))), "not bob's call");
    assertEquals(Refusal.INVALID, refusal(transfer("alice", TransferTarget.agent("alice"))));
    transfer("alice", TransferTarget.outside("sip:partner@example.com"));
    assertEquals(Refusal.CONFLICT, refusal(transfer("alice", TransferTarget.queue("billing", true, null))),
        "while a transfer rings: not connected");
  }

  @Test
  void aNamedAgentWhoDoesNotAnswerGivesTheCallBackToTheAgent() {
    TestProbe<StatusReply<CallView>> reply = testKit.createTestProbe();
    kit.runCommand(new CallEntity.Transfer("alice", TransferTarget.agent("bob"), 10, reply.ref()));
    AgentEntity.Reserve reserve = agent(AgentEntity.Reserve.class);
    reserve.replyTo().tell(StatusReply.success(reservation("bob")));
    assertEquals(List.of("bob"), reply.receiveMessage().getValue().offeredTo());
    assertEquals(new CallLegs.Transferred("call-1", "alice"), legs.receiveMessage());
    assertEquals(List.of(reservation("bob")), ((CallLegs.RingAgents) legs.receiveMessage()).agents());
    assertEquals(CallStatus.OFFERING, kit.getState().status());
    assertTrue(kit.getState().holds("alice"), "alice holds the call while bob rings");

    kit.<StatusReply<Done>>runCommand(r -> new CallEntity.OfferFailed("bob", "no answer", true, r));
    assertEquals(List.of("alice"), kit.getState().offeredTo());
    AgentEntity.ReleaseCall release = agent(AgentEntity.ReleaseCall.class);
    assertEquals(true, release.noAnswer());
    release.replyTo().tell(StatusReply.ack());
    agent(AgentEntity.Reserve.class).replyTo().tell(StatusReply.success(reservation("alice")));
    assertEquals(List.of(reservation("alice")), ((CallLegs.RingAgents) legs.receiveMessage()).agents(), "alice's phone rings again");
    kit.<StatusReply<Done>>runCommand(r -> new CallEntity.AgentAnswered("alice", r));
    assertEquals(CallStatus.CONNECTED, kit.getState().status());
    assertEquals(List.of(), kit.getState().transferredFrom(), "no transfer took place");
  }

  @Test
  void whenTheAgentDoesNotTakeItBackEitherTheCallWaitsInItsQueueAtItsFirstPlace() {
    transfer("alice", TransferTarget.outside("sip:partner@example.com"));
    legs.expectMessageClass(CallLegs.Transferred.class);
    assertEquals("sip:partner@example.com", ((CallLegs.RingAgents) legs.receiveMessage()).agents().get(0).agentId());
    kit.<StatusReply<Done>>runCommand(r -> new CallEntity.OfferFailed("sip:partner@example.com", "declined", false, r));
    agent(AgentEntity.Reserve.class).replyTo().tell(StatusReply.success(reservation("alice")));
    legs.expectMessageClass(CallLegs.RingAgents.class);
    kit.<StatusReply<Done>>runCommand(r -> new CallEntity.OfferFailed("alice", "no answer", true, r));
    assertEquals(CallStatus.QUEUED, kit.getState().status());
    assertEquals("support", kit.getState().queueId());
    agent(AgentEntity.FinishCall.class).replyTo().tell(StatusReply.success(new AgentEntity.Finished(true, 30)));
    QueueEntity.Enqueue enqueue = queue(QueueEntity.Enqueue.class);
    assertEquals(enqueuedAt, enqueue.call().enqueuedAt());
    kit.restart();
    assertEquals(CallStatus.QUEUED, kit.getState().status());
  }

  @Test
  void aQueueThatWouldRefuseTheCallRefusesTheTransferAndTheCallStaysWithTheAgent() {
    StatusReply<CallView> refused = toQueue(TransferTarget.queue("billing", true, null), Admission.Outcome.REFUSED, "queue billing is full");
    assertEquals(Refusal.CONFLICT, refusal(refused), "409");
    assertTrue(refused.getError().getMessage().contains("queue billing is full"), refused.getError().getMessage());
    assertEquals(CallStatus.CONNECTED, kit.getState().status(), "the call stays with alice");
    assertEquals("support", kit.getState().queueId());
    assertEquals(List.of(), kit.getState().transferredFrom());
    legs.expectNoMessage(Duration.ofMillis(200));
    peers.queues.expectNoMessage(Duration.ofMillis(200));
  }

  @Test
  void aQueueThatTurnsTheCallAwayAfterItsYesSendsItBackToTheQueueItCameFrom() {
    toQueue(TransferTarget.queue("billing", true, null), Admission.Outcome.QUEUED, null);
    agent(AgentEntity.FinishCall.class).replyTo().tell(StatusReply.success(new AgentEntity.Finished(true, 30)));
    QueueEntity.Enqueue intoBilling = queue(QueueEntity.Enqueue.class);
    intoBilling.replyTo().tell(StatusReply.success(new Admission(Admission.Outcome.REFUSED, null, null, 486, "queue billing is full")));
    QueueEntity.Enqueue back = queue(QueueEntity.Enqueue.class);
    assertEquals(enqueuedAt, back.call().enqueuedAt(), "back at his first place");
    assertEquals(CallStatus.QUEUED, kit.getState().status(), "not ended");
    assertEquals("support", kit.getState().queueId(), "back in the queue the transfer left");
    back.replyTo().tell(StatusReply.success(new Admission(Admission.Outcome.REFUSED, null, null, 486, "queue support is full")));
    assertEquals(CallLegs.Hangup.class, legs.fishForMessage(Duration.ofSeconds(5), "the call ends when that queue refuses too",
        m -> m instanceof CallLegs.Hangup ? org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes.complete()
            : org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes.continueAndIgnore()).get(0).getClass());
    assertEquals(CallStatus.ENDED, kit.getState().status());
  }

  @Test
  void aNamedAgentWhoCannotTakeACallRefusesTheTransferAtOnce() {
    TestProbe<StatusReply<CallView>> reply = testKit.createTestProbe();
    kit.runCommand(new CallEntity.Transfer("alice", TransferTarget.agent("bob"), 10, reply.ref()));
    agent(AgentEntity.Reserve.class).replyTo().tell(Refusal.CONFLICT.reply("agent bob cannot take a call now"));
    assertEquals(Refusal.CONFLICT, refusal(reply.receiveMessage()), "409: bob cannot take a call now");
    assertEquals(CallStatus.CONNECTED, kit.getState().status(), "the call stays with alice");
    legs.expectNoMessage(Duration.ofMillis(200));
  }
}
