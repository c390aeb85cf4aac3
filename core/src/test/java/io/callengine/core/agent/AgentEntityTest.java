package io.callengine.core.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callengine.core.routing.Router;
import io.callengine.core.call.CallEntity;
import io.callengine.core.events.EventPublisher;
import io.callengine.core.testing.EntityTestConfig;
import io.callengine.core.testing.ProbePeers;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AgentEntityTest {
  private static final ActorTestKit testKit = ActorTestKit.create(EntityTestConfig.config());
  private TestProbe<Router.Command> router;
  private ProbePeers peers;
  private EventSourcedBehaviorTestKit<AgentEntity.Command, AgentEntity.Event, AgentState> kit;

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  @BeforeEach
  void setUp() {
    router = testKit.createTestProbe();
    peers = new ProbePeers(testKit);
    kit = EventSourcedBehaviorTestKit.create(testKit.system(), AgentEntity.create("alice", router.ref(), peers, Clock.systemUTC(), 3, EventPublisher.NONE, DigestSecrets.Publisher.NONE));
  }

  private static AgentProfile profile(int maxCalls) {
    return new AgentProfile("alice", "sip:alice@example.com", "alice", "Alice", List.of(new Skill("english", 4)),
        maxCalls, null, null, List.of(), null);
  }

  private AgentView create(int maxCalls) {
    var result = kit.<StatusReply<AgentView>>runCommand(r -> new AgentEntity.Create(profile(maxCalls),
        SipCredentials.derive("alice", "call-engine", "pw"), r));
    return result.reply().getValue();
  }

  private StatusReply<Reservation> reserve(String callId) {
    return kit.<StatusReply<Reservation>>runCommand(r -> new AgentEntity.Reserve(callId, r)).reply();
  }

  private void readyForCalls() {
    kit.<StatusReply<AgentView>>runCommand(r -> new AgentEntity.Register("sip:alice@127.0.0.1:5070", 300, null, r));
    kit.<StatusReply<AgentView>>runCommand(r -> new AgentEntity.SetPresence(Presence.AVAILABLE, null, r));
  }

  @Test
  void createdAgentIsOfflineAndIdleAndReportedToTheRouter() {
    AgentView view = create(1);
    assertEquals(Presence.OFFLINE, view.presence());
    assertEquals(Activity.IDLE, view.activity());
    assertFalse(view.registered());
    assertInstanceOf(Router.AgentChanged.class, router.receiveMessage());
  }

  @Test
  void secondCreateIsAConflict() {
    create(1);
    var reply = kit.<StatusReply<AgentView>>runCommand(r -> new AgentEntity.Create(profile(1), SipCredentials.derive("alice", "r", "p"), r)).reply();
    assertTrue(reply.isError());
    assertTrue(reply.getError().getMessage().startsWith("conflict:"));
  }

  @Test
  void aRegisterThatReplaysTheLastDigestNonceCountIsRefusedEvenAfterARestart() {
    create(1);
    assertTrue(register(new DigestUse("n1", 1)).isSuccess());
    assertTrue(register(new DigestUse("n1", 1)).getError().getMessage().startsWith("conflict:"), "the same count again");
    assertTrue(register(new DigestUse("n1", 2)).isSuccess(), "the phone's next request on the nonce");
    kit.restart();
    assertTrue(register(new DigestUse("n1", 2)).isError(), "the last use survives a restart");
    assertTrue(register(new DigestUse("n2", DigestUse.NO_COUNT)).isSuccess(), "a new nonce");
    assertTrue(register(new DigestUse("n2", DigestUse.NO_COUNT)).isError(), "without a count a nonce is good once");
  }

  private StatusReply<AgentView> register(DigestUse digest) {
    return kit.<StatusReply<AgentView>>runCommand(r -> new AgentEntity.Register("sip:alice@127.0.0.1:5070", 300, digest, r)).reply();
  }

  @Test
  void aPhoneThatStopsAnsweringIsOfferedNoCallUntilItAnswersOrRegistersElsewhere() {
    create(1);
    readyForCalls();
    String contact = "sip:alice@127.0.0.1:5070";
    assertTrue(reachability(contact, false).isSuccess());
    AgentView view = kit.<StatusReply<AgentView>>runCommand(AgentEntity.Get::new).reply().getValue();
    assertFalse(view.reachable());
    assertFalse(view.canTakeCall(java.time.Instant.now()), "the Router skips an unreachable phone");
    assertTrue(reserve("c1").isError(), "and a reservation is refused");
    assertTrue(kit.<StatusReply<Done>>runCommand(r -> new AgentEntity.ReportReachability(contact, false, "again", r)).events().isEmpty(),
        "no change, nothing written");
    assertTrue(kit.<StatusReply<Done>>runCommand(r -> new AgentEntity.ReportReachability("sip:alice@10.0.0.9", true, null, r))
        .events().isEmpty(), "a report about another contact changes nothing");
    kit.restart();
    assertTrue(reserve("c1").isError(), "unreachable survives a restart");
    assertTrue(reachability(contact, true).isSuccess());
    assertTrue(reserve("c1").isSuccess(), "reachable again: calls come");
    reachability(contact, false);
    kit.<StatusReply<AgentView>>runCommand(r -> new AgentEntity.Register("sip:alice@127.0.0.1:5080", 300, null, r));
    assertTrue(kit.<StatusReply<AgentView>>runCommand(AgentEntity.Get::new).reply().getValue().reachable(),
        "a phone registered from a new contact is tried afresh");
  }

  private StatusReply<Done> reachability(String contact, boolean reachable) {
    return kit.<StatusReply<Done>>runCommand(r -> new AgentEntity.ReportReachability(contact, reachable, reachable ? null : "no answer", r)).reply();
  }

  @Test
  void unknownAgentIsNotFound() {
    var reply = kit.<StatusReply<AgentView>>runCommand(AgentEntity.Get::new).reply();
    assertTrue(reply.getError().getMessage().startsWith("not-found:"));
  }

  @Test
  void reservationNeedsPresenceAndRegistration() {
    create(1);
    assertTrue(reserve("c1").isError(), "offline and unregistered: refused");
    kit.<StatusReply<AgentView>>runCommand(r -> new AgentEntity.SetPresence(Presence.AVAILABLE, null, r));
    assertTrue(reserve("c1").isError(), "available but no phone registered: refused");
    kit.<StatusReply<AgentView>>runCommand(r -> new AgentEntity.Register("sip:alice@127.0.0.1:5070", 300, null, r));
    Reservation reservation = reserve("c1").getValue();
    assertEquals("sip:alice@127.0.0.1:5070", reservation.contact());
  }

  @Test
  void capacityIsNeverExceeded() {
    create(1);
    readyForCalls();
    assertTrue(reserve("c1").isSuccess());
    assertTrue(reserve("c2").isError(), "a second call while at capacity is refused");
    assertTrue(reserve("c1").isSuccess(), "the same call again is idempotent");
  }

  @Test
  void answeredCallGoesThroughWrapUpAndBackToIdle() {
    create(1);
    readyForCalls();
    reserve("c1");
    kit.<StatusReply<Done>>runCommand(r -> new AgentEntity.AnswerCall("c1", r));
    assertEquals(Activity.ON_CALL, kit.getState().activity());
    assertTrue(kit.<StatusReply<Done>>runCommand(r -> new AgentEntity.AnswerCall("c1", r)).events().isEmpty(),
        "a repeated notice changes nothing");
    AgentEntity.Finished finished = kit.<StatusReply<AgentEntity.Finished>>runCommand(r -> new AgentEntity.FinishCall("c1", 42, 1, r))
        .reply().getValue();
    assertEquals(new AgentEntity.Finished(true, 1), finished, "the call learns the wrap-up the agent was given");
    assertEquals(new AgentEntity.Finished(false, 0),
        kit.<StatusReply<AgentEntity.Finished>>runCommand(r -> new AgentEntity.FinishCall("c1", 42, 1, r)).reply().getValue(),
        "told twice, the agent finishes once");
    assertEquals(Activity.WRAP_UP, kit.getState().activity());
    assertTrue(reserve("c2").isError(), "no call during wrap-up");
    assertEquals(1, kit.getState().callsHandled());
    assertEquals(42, kit.getState().talkSeconds());
    TestProbe<StatusReply<AgentView>> probe = testKit.createTestProbe();
    probe.awaitAssert(Duration.ofSeconds(5), () -> {
      kit.runCommand(AgentEntity.Get::new);
      assertEquals(Activity.IDLE, kit.getState().activity());
      return null;
    });
  }

  @Test
  void stateSurvivesARestart() {
    create(2);
    readyForCalls();
    reserve("c1");
    kit.restart();
    AgentState state = kit.getState();
    assertInstanceOf(CallEntity.Verify.class, peers.calls.receiveMessage(), "the held call must prove it still lives");
    assertEquals(Presence.AVAILABLE, state.presence());
    assertEquals(Activity.RESERVED, state.activity());
    assertEquals("sip:alice@127.0.0.1:5070", state.contact());
  }

  @Test
  void releasedReservationFreesTheAgent() {
    create(1);
    readyForCalls();
    reserve("c1");
    kit.<StatusReply<Done>>runCommand(r -> new AgentEntity.ReleaseCall("c1", false, r));
    assertEquals(Activity.IDLE, kit.getState().activity());
    assertTrue(reserve("c2").isSuccess());
  }

  @Test
  void aBreakAskedForDuringACallStartsWhenTheCallAndWrapUpAreOver() {
    create(1);
    readyForCalls();
    reserve("c1");
    kit.<StatusReply<Done>>runCommand(r -> new AgentEntity.AnswerCall("c1", r));
    AgentView during = kit.<StatusReply<AgentView>>runCommand(r -> new AgentEntity.SetPresence(Presence.BREAK, "lunch", r))
        .reply().getValue();
    assertEquals(Presence.AVAILABLE, during.presence(), "still available while on the call");
    assertEquals(Presence.BREAK, during.pendingPresence());
    kit.<StatusReply<AgentEntity.Finished>>runCommand(r -> new AgentEntity.FinishCall("c1", 10, 0, r));
    assertEquals(Presence.BREAK, kit.getState().presence(), "the break starts when the call ends");
    assertEquals("lunch", kit.getState().breakReason());
  }

  @Test
  void ringingIsReportedAndTooManyUnansweredOffersMeanANoAnswerBreak() {
    create(1);
    readyForCalls();
    for (int i = 1; i <= 3; i++) {
      String callId = "c" + i;
      reserve(callId);
      kit.<StatusReply<Done>>runCommand(r -> new AgentEntity.Ringing(callId, r));
      assertEquals(Activity.RINGING, kit.getState().activity());
      kit.<StatusReply<Done>>runCommand(r -> new AgentEntity.ReleaseCall(callId, true, r));
    }
    assertEquals(Presence.BREAK, kit.getState().presence());
    assertEquals(AgentEntity.NO_ANSWER_BREAK, kit.getState().breakReason());
  }

  @Test
  void anAnsweredCallResetsTheNoAnswerCount() {
    create(1);
    readyForCalls();
    reserve("c1");
    kit.<StatusReply<Done>>runCommand(r -> new AgentEntity.ReleaseCall("c1", true, r));
    reserve("c2");
    kit.<StatusReply<Done>>runCommand(r -> new AgentEntity.ReleaseCall("c2", true, r));
    reserve("c3");
    kit.<StatusReply<Done>>runCommand(r -> new AgentEntity.AnswerCall("c3", r));
    assertEquals(0, kit.getState().consecutiveNoAnswers());
  }

  @Test
  void theAgentsOwnWrapUpOverridesTheQueues() {
    var profile = new AgentProfile("alice", "sip:alice@example.com", "alice", "Alice", List.of(), 1, null, null, List.of(), 0);
    kit.<StatusReply<AgentView>>runCommand(r -> new AgentEntity.Create(profile, SipCredentials.derive("alice", "r", "pw"), r));
    readyForCalls();
    reserve("c1");
    kit.<StatusReply<Done>>runCommand(r -> new AgentEntity.AnswerCall("c1", r));
    kit.<StatusReply<AgentEntity.Finished>>runCommand(r -> new AgentEntity.FinishCall("c1", 10, 120, r));
    assertEquals(Activity.IDLE, kit.getState().activity(), "no wrap-up for this agent although the queue has 120 s");
  }

  @Test
  void aLapsedRegistrationIsReportedAndTheAgentIsNoLongerReserved() {
    create(1);
    kit.<StatusReply<AgentView>>runCommand(r -> new AgentEntity.SetPresence(Presence.AVAILABLE, null, r));
    kit.<StatusReply<AgentView>>runCommand(r -> new AgentEntity.Register("sip:alice@127.0.0.1:5070", 1, null, r));
    TestProbe<Object> wait = testKit.createTestProbe();
    wait.awaitAssert(Duration.ofSeconds(5), () -> {
      AgentView view = kit.<StatusReply<AgentView>>runCommand(AgentEntity.Get::new).reply().getValue();
      assertFalse(view.registered(), "the binding lapsed");
      return null;
    });
    assertEquals(Presence.AVAILABLE, kit.getState().presence(), "presence stays as the agent set it");
    assertTrue(reserve("c1").isError(), "an agent without a phone is not offered calls");
  }

  @Test
  void aWrapUpDeadlineIsReArmedAfterARestart() {
    create(1);
    readyForCalls();
    reserve("c1");
    kit.<StatusReply<Done>>runCommand(r -> new AgentEntity.AnswerCall("c1", r));
    kit.<StatusReply<AgentEntity.Finished>>runCommand(r -> new AgentEntity.FinishCall("c1", 5, 2, r));
    kit.restart();
    assertEquals(Activity.WRAP_UP, kit.getState().activity());
    TestProbe<Object> wait = testKit.createTestProbe();
    wait.awaitAssert(Duration.ofSeconds(6), () -> {
      kit.runCommand(AgentEntity.Get::new);
      assertEquals(Activity.IDLE, kit.getState().activity(), "the wrap-up ends on time although the entity restarted");
      return null;
    });
  }
}
