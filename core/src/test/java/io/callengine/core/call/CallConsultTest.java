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

/**
 * The CallEntity's consults: the hold around them, the reserved target, the attended transfer that
 * links both agents, a restart in the middle, and a call that ends while its agent consults.
 */
class CallConsultTest {
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

  private StatusReply<ConsultView> change(String agentId, ConsultView.State to) {
    return kit.<StatusReply<ConsultView>>runCommand(r -> new CallEntity.ChangeConsult(agentId, to, r)).reply();
  }

  /** alice consults bob, who is reserved and answers. */
  private String consultBob() {
    TestProbe<StatusReply<ConsultView>> started = testKit.createTestProbe();
    kit.runCommand(new CallEntity.StartConsult("alice", TransferTarget.agent("bob"), 10, started.ref()));
    agent(AgentEntity.Reserve.class).replyTo().tell(StatusReply.success(reservation("bob")));
    assertEquals(ConsultView.State.RINGING, started.receiveMessage().getValue().state());
    CallLegs.Consult consult = legs.expectMessageClass(CallLegs.Consult.class);
    assertEquals("bob", consult.target().agentId());
    assertTrue(kit.getState().hold().onHold(), "the customer waits on hold");
    kit.<StatusReply<Done>>runCommand(r -> new CallEntity.ReportConsultAnswer(consult.consultId(), r));
    agent(AgentEntity.AnswerCall.class).replyTo().tell(StatusReply.ack());
    return consult.consultId();
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
  void anAttendedTransferHandsTheCallToTheTargetAndLinksBothAgents() {
    assertEquals(Refusal.CONFLICT, refusal(change("alice", ConsultView.State.COMPLETED)), "no consult yet");
    assertEquals(Refusal.CONFLICT, refusal(kit.<StatusReply<ConsultView>>runCommand(
        r -> new CallEntity.StartConsult("bob", TransferTarget.agent("carol"), 10, r)).reply()), "not bob's call");
    assertEquals(Refusal.INVALID, refusal(kit.<StatusReply<ConsultView>>runCommand(
        r -> new CallEntity.StartConsult("alice", TransferTarget.agent("alice"), 10, r)).reply()), "not to herself");
    String consultId = consultBob();
    assertTrue(kit.getState().holds("bob"), "the call holds the target's reservation");
    kit.restart();
    assertEquals(consultId, kit.getState().consult().id(), "the consult is stored with the call");
    assertTrue(kit.getState().consult().answered());
    assertEquals(Refusal.CONFLICT, refusal(kit.<StatusReply<HoldView>>runCommand(r -> new CallEntity.Resume("alice", false, r)).reply()),
        "no resume while the consult runs");

    TestProbe<StatusReply<ConsultView>> completed = testKit.createTestProbe();
    kit.runCommand(new CallEntity.ChangeConsult("alice", ConsultView.State.COMPLETED, completed.ref()));
    CallLegs.CompleteConsult handOver = completeAsked();
    assertEquals(consultId, handOver.consultId());
    assertEquals("alice", kit.getState().agentId(), "nothing is stored before the legs handed the caller over");
    assertEquals(Refusal.CONFLICT, refusal(change("alice", ConsultView.State.ENDED)), "no cancel while the legs hand the caller over");
    handOver.replyTo().tell(StatusReply.ack());
    assertEquals(ConsultView.State.COMPLETED, completed.receiveMessage().getValue().state());
    CallState after = kit.getState();
    assertEquals("bob", after.agentId());
    assertEquals(List.of("alice"), after.transferredFrom());
    assertEquals(null, after.consult());
    assertTrue(!after.hold().onHold() && after.hold().holds() == 1, "the consult's hold is over and counted");
    agent(AgentEntity.FinishCall.class); // alice into wrap-up
    kit.restart();
    assertEquals("bob", kit.getState().agentId());
  }

  @Test
  void aTargetGoneAtTheMomentOfTheTransferLeavesTheCallWithItsAgent() {
    String consultId = consultBob();
    TestProbe<StatusReply<ConsultView>> completed = testKit.createTestProbe();
    kit.runCommand(new CallEntity.ChangeConsult("alice", ConsultView.State.COMPLETED, completed.ref()));
    completeAsked().replyTo().tell(StatusReply.error("the consult's target is no longer on the line"));
    assertEquals(Refusal.CONFLICT, refusal(completed.receiveMessage()), "409: the call was not handed over");
    // What the legs report for the target's hang-up, before or after: the consult ends, bob is let go.
    kit.<StatusReply<Done>>runCommand(r -> new CallEntity.ReportConsultEnd(consultId, "the target hung up", r));
    CallState after = kit.getState();
    assertEquals("alice", after.agentId(), "the call stays with alice");
    assertEquals(List.of(), after.transferredFrom());
    assertEquals(null, after.consult());
    assertEquals("call-1", agent(AgentEntity.ReleaseCall.class).callId());
  }

  /** The legs are asked to hand the caller over (past the pings of a restart). */
  private CallLegs.CompleteConsult completeAsked() {
    return (CallLegs.CompleteConsult) legs.fishForMessage(Duration.ofSeconds(5), "the legs are asked to hand over",
        m -> m instanceof CallLegs.CompleteConsult ? org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes.complete()
            : org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes.continueAndIgnore()).get(0);
  }

  @Test
  void aCallThatEndsDuringAConsultLetsTheTargetGo() {
    consultBob();
    kit.<StatusReply<CallView>>runCommand(r -> new CallEntity.Hangup(Party.CUSTOMER, null, r));
    AgentEntity.ReleaseCall release = agent(AgentEntity.ReleaseCall.class);
    assertEquals("call-1", release.callId());
  }

  @Test
  void aTargetThatDoesNotAnswerEndsTheConsultAndTheCallerStaysOnHold() {
    kit.<StatusReply<ConsultView>>runCommand(r -> new CallEntity.StartConsult("alice", TransferTarget.outside("sip:partner@example.com"), 10, r));
    CallLegs.Consult consult = legs.expectMessageClass(CallLegs.Consult.class);
    kit.<StatusReply<Done>>runCommand(r -> new CallEntity.ReportConsultEnd(consult.consultId(), "the target did not answer", r));
    assertEquals(null, kit.getState().consult());
    assertTrue(kit.getState().hold().onHold(), "on hold until the agent resumes");
    assertEquals(Refusal.CONFLICT, refusal(change("alice", ConsultView.State.CONFERENCE)), "no consult to conference");
    kit.<StatusReply<HoldView>>runCommand(r -> new CallEntity.Resume("alice", false, r));
    assertEquals(new CallLegs.HoldLegs(false), legs.receiveMessage());
  }
}
