package io.callengine.core.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callengine.core.agent.AgentEntity;
import io.callengine.core.agent.Reservation;
import io.callengine.core.events.EventPublisher;
import io.callengine.core.queue.Admission;
import io.callengine.core.queue.QueueConfig;
import io.callengine.core.queue.QueueEntity;
import io.callengine.core.routing.Router;
import io.callengine.core.testing.EntityTestConfig;
import io.callengine.core.testing.ProbePeers;
import io.callengine.core.testing.TestEngines;
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

/** A waiting call turned into a callback: it keeps its place without legs, dials through the node's dialer, retries, then fails. */
class CallbackEntityTest {
  private static final ActorTestKit testKit = ActorTestKit.create(EntityTestConfig.config());
  private static final TestProbe<CallbackDialer.Dial> dialer = testKit.createTestProbe();
  private TestProbe<CallLegs.Command> legs;
  private ProbePeers peers;
  private EventSourcedBehaviorTestKit<CallEntity.Command, CallEntity.Event, CallState> kit;

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  @BeforeEach
  void setUp() {
    CallbackDialer.get(testKit.system()).register(dialer.ref());
    legs = testKit.createTestProbe();
    peers = new ProbePeers(testKit);
    TestProbe<Router.Command> router = testKit.createTestProbe();
    kit = EventSourcedBehaviorTestKit.create(testKit.system(), CallEntity.create("call-cb", router.ref(), peers, Clock.systemUTC(),
        EventPublisher.NONE, queueId -> true, null));
    kit.<StatusReply<CallView>>runCommand(r -> new CallEntity.Start("sip:bob@127.0.0.1:5999", "support", "support", 0, List.of(), legs.ref(), r));
  }

  private CallView requestCallback(int maxAttempts) {
    return kit.<StatusReply<CallView>>runCommand(r -> new CallEntity.RequestCallback("sip:bob@127.0.0.1:5999", maxAttempts, 1, r))
        .reply().getValue();
  }

  /** Offers the call to alice; the dialer is asked for legs and answers with a fresh probe, which is told to ring alice. */
  private TestProbe<CallLegs.Command> offerAndDial() {
    Reservation alice = new Reservation("alice", "call-cb", "sip:alice@127.0.0.1:5070", "sip:alice@127.0.0.1");
    assertTrue(kit.<StatusReply<Done>>runCommand(r -> new CallEntity.Offer(List.of(alice), 15, 0, r)).reply().isSuccess());
    CallbackDialer.Dial dial = dialer.receiveMessage();
    assertEquals("sip:bob@127.0.0.1:5999", dial.number());
    TestProbe<CallLegs.Command> callbackLegs = testKit.createTestProbe();
    dial.replyTo().tell(callbackLegs.ref());
    CallLegs.RingAgents ring = (CallLegs.RingAgents) callbackLegs.receiveMessage();
    assertEquals("alice", ring.agents().get(0).agentId());
    return callbackLegs;
  }

  @Test
  void aCallbackKeepsItsPlaceWithoutLegsThroughARestart() {
    Instant enteredAt = kit.getState().enqueuedAt();
    CallView view = requestCallback(3);
    assertEquals("sip:bob@127.0.0.1:5999", view.callback().number(), "the supervisor's view shows the callback");
    assertNull(kit.getState().legs(), "the caller hung up: no legs");
    kit.restart();
    kit.runCommand(new CallEntity.Verify("queue:support"));
    assertEquals(CallStatus.QUEUED, kit.getState().status(), "a callback without legs is not ended as lost");
    assertEquals(enteredAt, kit.getState().enqueuedAt());
    assertNotNull(kit.getState().callback());
    assertTrue(kit.<StatusReply<CallView>>runCommand(r -> new CallEntity.RequestCallback("sip:x@h", 3, 1, r)).reply().isError(),
        "a second request is refused (409)");
  }

  @Test
  void aRepeatedRequestIsAnsweredAsTheFirstWithoutASecondWrite() {
    CallView first = requestCallback(3);
    var repeat = kit.<StatusReply<CallView>>runCommand(r -> new CallEntity.RequestCallback("sip:bob@127.0.0.1:5999", 3, 1, r));
    assertTrue(repeat.reply().isSuccess(), "the session's repeat after a lost answer is a success");
    assertEquals(first.callback(), repeat.reply().getValue().callback());
    assertTrue(repeat.events().isEmpty(), "nothing stored twice");
    assertEquals(0, kit.getState().callback().attempts());
  }

  @Test
  void anUnansweredAttemptLeavesTheLineAndRejoinsWithItsFirstEntryTime() {
    Instant enteredAt = kit.getState().enqueuedAt();
    requestCallback(3);
    offerAndDial();
    assertEquals(1, kit.getState().callback().attempts());
    kit.<StatusReply<CallView>>runCommand(r -> new CallEntity.CallbackNotAnswered("busy", r));
    assertEquals(CallStatus.QUEUED, kit.getState().status());
    assertInstanceOf(AgentEntity.ReleaseCall.class, peers.agents.receiveMessage(), "the agent is let go");
    assertInstanceOf(QueueEntity.Remove.class, peers.queues.receiveMessage(), "out of the line until the retry");
    QueueEntity.Enqueue again = (QueueEntity.Enqueue) peers.queues.receiveMessage(Duration.ofSeconds(5));
    assertEquals(enteredAt, again.call().enqueuedAt(), "the retry keeps the first entry time, hence the place");
    QueueConfig support = new QueueConfig("support", "Support", "support", 0, List.of(), "longest-idle", 0, 0, null, 0, 20, 20, 486,
        "wait", 0);
    again.replyTo().tell(StatusReply.success(new Admission(Admission.Outcome.QUEUED, support, null, 0, null)));
    offerAndDial();
    assertEquals(2, kit.getState().callback().attempts());
  }

  @Test
  void aCallbackBackInLineWhoseIdleLegsDiedKeepsItsPlaceAndDialsAfresh() throws Exception {
    requestCallback(1);
    TestProbe<CallLegs.Command> idleLegs = offerAndDial();
    kit.<StatusReply<Done>>runCommand(r -> new CallEntity.OfferFailed("alice", "no answer", true, r));
    assertEquals(CallStatus.QUEUED, kit.getState().status(), "alice did not answer: back in line, with the attempt's legs");
    kit.restart();
    assertInstanceOf(CallLegs.Ping.class, idleLegs.receiveMessage(), "the recovered call checks its legs, which never answer");
    TestEngines.eventually(Duration.ofSeconds(10), "the dead legs are dropped", () -> kit.getState().legs() == null);
    assertEquals(CallStatus.QUEUED, kit.getState().status(), "the customer was never called: the last attempt is not used up");
    offerAndDial();
  }

  @Test
  void theLastUnansweredAttemptEndsTheCallAsCallbackFailed() {
    requestCallback(1);
    offerAndDial();
    CallView ended = kit.<StatusReply<CallView>>runCommand(r -> new CallEntity.CallbackNotAnswered("no answer", r)).reply().getValue();
    assertEquals(Disposition.CALLBACK_FAILED, ended.disposition());
    assertTrue(ended.endReason().startsWith("callback-failed: no answer"), ended.endReason());
  }

  @Test
  void aDialThatNoGatewayStartsCountsAsAnAttempt() throws Exception {
    requestCallback(1);
    Reservation alice = new Reservation("alice", "call-cb", "sip:alice@127.0.0.1:5070", "sip:alice@127.0.0.1");
    assertTrue(kit.<StatusReply<Done>>runCommand(r -> new CallEntity.Offer(List.of(alice), 15, 0, r)).reply().isSuccess());
    dialer.receiveMessage(); // and never answered: the gateway is gone
    TestEngines.eventually(Duration.ofSeconds(10), "the only attempt used up", () -> kit.getState().status() == CallStatus.ENDED);
    assertEquals(Disposition.CALLBACK_FAILED, kit.getState().disposition(), "not retried for ever");
  }
}
