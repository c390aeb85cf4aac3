package io.callengine.core.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callengine.core.routing.Router;
import io.callengine.core.agent.AgentEntity;
import io.callengine.core.agent.Reservation;
import java.util.List;
import io.callengine.core.queue.QueueEntity;
import io.callengine.core.events.EventPublisher;
import io.callengine.core.testing.EntityTestConfig;
import io.callengine.core.testing.ProbePeers;
import java.time.Clock;
import java.time.Duration;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LoggingTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CallEntityTest {
  private static final ActorTestKit testKit = ActorTestKit.create(EntityTestConfig.config());
  private TestProbe<CallLegs.Command> legs;
  private TestProbe<Router.Command> router;
  private ProbePeers peers;
  private EventSourcedBehaviorTestKit<CallEntity.Command, CallEntity.Event, CallState> kit;
  private List<String> staffingAsked;

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  @BeforeEach
  void setUp() {
    legs = testKit.createTestProbe();
    router = testKit.createTestProbe();
    peers = new ProbePeers(testKit);
    staffingAsked = new java.util.ArrayList<>();
    kit = EventSourcedBehaviorTestKit.create(testKit.system(), CallEntity.create("call-1", router.ref(), peers, Clock.systemUTC(),
        EventPublisher.NONE, queueId -> staffingAsked.add(queueId), null));
    kit.<StatusReply<CallView>>runCommand(r -> new CallEntity.Start("sip:bob@example.com", "support", "support", 0, List.of(), legs.ref(), r));
  }

  private StatusReply<Done> offer(String... agentIds) {
    List<Reservation> agents = java.util.Arrays.stream(agentIds)
        .map(id -> new Reservation(id, "call-1", "sip:" + id + "@127.0.0.1:5070", "sip:" + id + "@127.0.0.1")).toList();
    return kit.<StatusReply<Done>>runCommand(r -> new CallEntity.Offer(agents, 15, 0, r)).reply();
  }

  @Test
  void startedCallIsQueuedAndOfferRingsTheAgentOnce() {
    assertEquals(CallStatus.QUEUED, kit.getState().status());
    assertTrue(offer("alice").isSuccess());
    CallLegs.RingAgents ring = (CallLegs.RingAgents) legs.receiveMessage();
    assertEquals("alice", ring.agents().get(0).agentId());
    assertEquals(15, ring.ringTimeoutSeconds());
    assertTrue(offer("bob").isError(), "a call offered to one agent is never offered to a second");
  }

  @Test
  void answeredCallCompletesWhenHungUp() {
    offer("alice");
    kit.<StatusReply<Done>>runCommand(r -> new CallEntity.AgentAnswered("alice", r));
    assertEquals(CallStatus.CONNECTED, kit.getState().status());
    CallView ended = kit.<StatusReply<CallView>>runCommand(r -> new CallEntity.Hangup(Party.AGENT, null, r)).reply().getValue();
    assertEquals(Disposition.COMPLETED, ended.disposition());
    assertEquals("alice", ended.agentId());
    assertInstanceOf(AgentEntity.AnswerCall.class, peers.agents.receiveMessage());
    assertInstanceOf(QueueEntity.Remove.class, peers.queues.receiveMessage(), "answered: out of the line");
    assertInstanceOf(AgentEntity.FinishCall.class, peers.agents.receiveMessage(), "the agent is told the call is over");
  }

  @Test
  void anEndedCallLogsOneLineThoughItsEndIsRepeatedAndItRecovers() {
    offer("alice");
    kit.<StatusReply<Done>>runCommand(r -> new CallEntity.AgentAnswered("alice", r));
    LoggingTestKit.info("Call ended: callId=call-1 queueId=support agentId=alice disposition=COMPLETED waitSeconds=")
        .withOccurrences(1)
        .expect(testKit.system(), () -> {
          kit.<StatusReply<CallView>>runCommand(r -> new CallEntity.Hangup(Party.CUSTOMER, null, r));
          kit.<StatusReply<CallView>>runCommand(r -> new CallEntity.Hangup(Party.CUSTOMER, null, r)); // a redelivery
          kit.<StatusReply<CallView>>runCommand(r -> new CallEntity.End(Disposition.FAILED, "legs lost", r));
          kit.restart();
          return kit.<StatusReply<CallView>>runCommand(r -> new CallEntity.Hangup(Party.AGENT, null, r));
        });
  }

  @Test
  void aNoticeNobodyAnswersIsSentAgainUntilItIsAnswered() {
    offer("alice");
    kit.<StatusReply<Done>>runCommand(r -> new CallEntity.AgentAnswered("alice", r));
    assertInstanceOf(AgentEntity.AnswerCall.class, peers.agents.receiveMessage(), "alice's entity does not answer (its node is lost)");
    AgentEntity.AnswerCall again = (AgentEntity.AnswerCall) peers.agents.receiveMessage(Duration.ofSeconds(5));
    again.replyTo().tell(StatusReply.ack());
    peers.agents.expectNoMessage(Duration.ofMillis(2500));
  }

  @Test
  void anEndedCallThatRecoversTellsItsAgentAgain() {
    offer("alice");
    kit.<StatusReply<Done>>runCommand(r -> new CallEntity.AgentAnswered("alice", r));
    kit.<StatusReply<CallView>>runCommand(r -> new CallEntity.Hangup(Party.CUSTOMER, null, r));
    ((AgentEntity.AnswerCall) peers.agents.receiveMessage()).replyTo().tell(StatusReply.ack());
    ((AgentEntity.FinishCall) peers.agents.receiveMessage()).replyTo().tell(StatusReply.success(new AgentEntity.Finished(true, 0)));
    kit.restart();
    AgentEntity.FinishCall again = (AgentEntity.FinishCall) peers.agents.receiveMessage(Duration.ofSeconds(5));
    assertEquals("call-1", again.callId(), "the notice a crash may have cut off is sent again; the agent takes it as a repeat");
  }

  @Test
  void failedOfferPutsTheCallBackInLine() {
    offer("alice");
    kit.<StatusReply<Done>>runCommand(r -> new CallEntity.OfferFailed("alice", "busy", false, r));
    assertEquals(CallStatus.QUEUED, kit.getState().status());
    assertInstanceOf(Router.OfferEnded.class, router.receiveMessage());
    assertInstanceOf(AgentEntity.ReleaseCall.class, peers.agents.receiveMessage(), "the reservation is released");
    assertTrue(offer("bob").isSuccess());
  }

  @Test
  void hangupWhileQueuedIsAbandonedAndFinal() {
    CallView ended = kit.<StatusReply<CallView>>runCommand(r -> new CallEntity.Hangup(Party.CUSTOMER, null, r)).reply().getValue();
    assertEquals(Disposition.ABANDONED, ended.disposition());
    assertTrue(offer("alice").isError(), "an ended call is never offered");
    kit.restart();
    assertEquals(Disposition.ABANDONED, kit.getState().disposition());
  }

  @Test
  void callWhoseLegsAreGoneEndsFailed() {
    legs.stop();
    kit.runCommand(new CallEntity.Verify("test"));
    TestProbe<Object> wait = testKit.createTestProbe();
    wait.awaitAssert(Duration.ofSeconds(10), () -> {
      assertEquals(Disposition.FAILED, kit.getState().disposition());
      return null;
    });
  }

  @Test
  void aRestartSweepChecksOnlyLegsOfTheNodeThatRestarted() {
    String self = org.apache.pekko.cluster.typed.Cluster.get(testKit.system()).selfMember().address().toString();
    kit.<Done>runCommand(r -> new CallEntity.VerifyAfterRestart("pekko://callengine@10.0.0.9:25520", r));
    kit.<Done>runCommand(r -> new CallEntity.VerifyAfterRestart(self, r));
    CallLegs.Ping ping = (CallLegs.Ping) legs.receiveMessage();
    ping.replyTo().tell(Done.getInstance());
    offer("alice");
    // Had the sweep of the other, live node pinged too, a second Ping would come before the ring.
    assertInstanceOf(CallLegs.RingAgents.class, legs.receiveMessage(), "legs on another member are not that sweep's to check");
    assertEquals(CallStatus.OFFERING, kit.getState().status(), "legs that answer keep the call");
  }

  @Test
  void ringAllGoesToTheFirstWhoAnswersAndReleasesTheOthers() {
    assertTrue(offer("alice", "bob", "carla").isSuccess());
    kit.<StatusReply<Done>>runCommand(r -> new CallEntity.OfferFailed("carla", "declined", false, r));
    assertEquals(CallStatus.OFFERING, kit.getState().status(), "still ringing alice and bob");
    assertInstanceOf(AgentEntity.ReleaseCall.class, peers.agents.receiveMessage());
    kit.<StatusReply<Done>>runCommand(r -> new CallEntity.AgentAnswered("bob", r));
    assertEquals("bob", kit.getState().agentId());
    assertInstanceOf(AgentEntity.AnswerCall.class, peers.agents.receiveMessage());
    AgentEntity.ReleaseCall released = (AgentEntity.ReleaseCall) peers.agents.receiveMessage();
    assertEquals("call-1", released.callId(), "alice, who lost the race, is released");
    assertTrue(kit.<StatusReply<Done>>runCommand(r -> new CallEntity.AgentAnswered("alice", r)).reply().isError(),
        "a second answer is refused: the call goes to exactly one agent");
  }

  @Test
  void aHoldTheCallDoesNotExplainIsReleasedAndOneItRingsIsKept() {
    assertTrue(kit.<StatusReply<Done>>runCommand(r -> new CallEntity.CheckHold("alice", r)).reply().isSuccess());
    AgentEntity.ReleaseCall released = (AgentEntity.ReleaseCall) peers.agents.receiveMessage();
    assertEquals("call-1", released.callId(), "a call waiting in line rings nobody: alice's reservation of it is let go");
    offer("bob");
    kit.<StatusReply<Done>>runCommand(r -> new CallEntity.CheckHold("bob", r));
    assertEquals(CallStatus.OFFERING, kit.getState().status(), "bob, whom the call rings, keeps it");
    kit.<StatusReply<Done>>runCommand(r -> new CallEntity.AgentAnswered("bob", r));
    // A release would have been sent while the check was handled, before this: there was none.
    assertInstanceOf(AgentEntity.AnswerCall.class, peers.agents.receiveMessage(), "bob's next word from the call is that he has it");
  }

  @Test
  void aCallWhoseWaitIsOverMovesToTheOverflowQueueKeepingItsAge() {
    java.time.Instant enqueuedAt = kit.getState().enqueuedAt();
    kit.runCommand(new CallEntity.WaitExpired("support", "backup", "waited too long"));
    assertEquals("backup", kit.getState().queueId());
    assertInstanceOf(QueueEntity.Remove.class, peers.queues.receiveMessage(), "it leaves the first queue");
    QueueEntity.Enqueue enqueue = (QueueEntity.Enqueue) peers.queues.receiveMessage();
    assertEquals(List.of("backup"), staffingAsked, "the overflow queue's no-agent rule is looked up, as at a first join");
    assertEquals(enqueuedAt, enqueue.call().enqueuedAt(), "and keeps its place in line by its first entry time");
  }

  @Test
  void aCallWhoseWaitIsOverWithoutOverflowTimesOutAndIsHungUp() {
    kit.runCommand(new CallEntity.WaitExpired("support", null, "waited too long"));
    assertEquals(Disposition.TIMED_OUT, kit.getState().disposition());
    assertInstanceOf(CallLegs.Hangup.class, legs.receiveMessage(), "the customer is hung up");
  }

  @Test
  void aWaitExpiryWhileRingingAnAgentIsIgnored() {
    offer("alice");
    legs.receiveMessage();
    kit.runCommand(new CallEntity.WaitExpired("support", null, "waited too long"));
    assertEquals(CallStatus.OFFERING, kit.getState().status(), "the ring goes on; the queue reminds again later");
  }

  @Test
  void qualitySamplesAndKeysAreSummarisedInTheCall() {
    kit.<StatusReply<Done>>runCommand(r -> new CallEntity.RecordQuality("customer", 4.4, 0.0, 2.0, r));
    kit.<StatusReply<Done>>runCommand(r -> new CallEntity.RecordQuality("agent", 3.6, 2.5, 8.0, r));
    kit.<StatusReply<Done>>runCommand(r -> new CallEntity.RecordDtmf("customer", '1', 120, r));
    kit.<StatusReply<Done>>runCommand(r -> new CallEntity.RecordDtmf("customer", '#', 100, r));
    CallView view = kit.<StatusReply<CallView>>runCommand(r -> new CallEntity.Hangup(Party.CUSTOMER, null, r)).reply().getValue();
    assertEquals(4.0, view.mos(), 1e-9);
    assertEquals(3.6, view.worstMos(), 1e-9);
    assertEquals(2.5, view.worstLossPercent(), 1e-9);
    assertEquals("1#", view.dtmf());
  }
}
