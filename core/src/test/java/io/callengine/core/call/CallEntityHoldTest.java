package io.callengine.core.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callengine.core.agent.Reservation;
import io.callengine.core.events.EventPublisher;
import io.callengine.core.routing.Router;
import io.callengine.core.testing.EntityTestConfig;
import io.callengine.core.testing.ManualClock;
import io.callengine.core.testing.ProbePeers;
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

/** Hold and resume on the CallEntity: who may, in which state, the legs told only for the API, the hold time kept through a restart and counted to the end. */
class CallEntityHoldTest {
  private static final ActorTestKit testKit = ActorTestKit.create(EntityTestConfig.config());
  private final ManualClock clock = new ManualClock(Instant.parse("2026-03-02T10:00:00Z"));
  private TestProbe<CallLegs.Command> legs;
  private EventSourcedBehaviorTestKit<CallEntity.Command, CallEntity.Event, CallState> kit;

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  @BeforeEach
  void setUp() {
    legs = testKit.createTestProbe();
    TestProbe<Router.Command> router = testKit.createTestProbe();
    kit = EventSourcedBehaviorTestKit.create(testKit.system(), CallEntity.create("call-h", router.ref(), new ProbePeers(testKit), clock,
        EventPublisher.NONE, queueId -> true, null));
    kit.<StatusReply<CallView>>runCommand(r -> new CallEntity.Start("sip:bob@example.com", "support", "support", 0, List.of(), legs.ref(), r));
  }

  private void connect(String agentId) {
    Reservation reservation = new Reservation(agentId, "call-h", "sip:" + agentId + "@127.0.0.1:5070", "sip:" + agentId + "@127.0.0.1");
    kit.<StatusReply<Done>>runCommand(r -> new CallEntity.Offer(List.of(reservation), 15, 0, r));
    assertInstanceOf(CallLegs.RingAgents.class, legs.receiveMessage());
    kit.<StatusReply<Done>>runCommand(r -> new CallEntity.AgentAnswered(agentId, r));
  }

  private StatusReply<HoldView> hold(String agentId, boolean fromPhone) {
    return kit.<StatusReply<HoldView>>runCommand(r -> new CallEntity.Hold(agentId, fromPhone, r)).reply();
  }

  private StatusReply<HoldView> resume(String agentId, boolean fromPhone) {
    return kit.<StatusReply<HoldView>>runCommand(r -> new CallEntity.Resume(agentId, fromPhone, r)).reply();
  }

  @Test
  void theApiHoldTellsTheLegsAndTheHoldTimeAddsUp() {
    connect("alice");
    assertTrue(hold("alice", false).getValue().onHold());
    assertEquals(new CallLegs.HoldLegs(true), legs.receiveMessage());
    clock.advance(Duration.ofSeconds(6));
    HoldView resumed = resume("alice", false).getValue();
    assertEquals(new HoldView("call-h", false, 6, 1), resumed);
    assertEquals(new CallLegs.HoldLegs(false), legs.receiveMessage());
    hold("alice", true);
    legs.expectNoMessage(Duration.ofMillis(200)); // the phone's own hold: its legs hold already
    clock.advance(Duration.ofSeconds(2));
    kit.restart();
    assertEquals(new HoldView("call-h", true, 8, 2), kit.getState().holdView(clock.instant()), "the holds survive a restart");
  }

  @Test
  void onlyTheConnectedAgentMayAndOnlyOnceInEachDirection() {
    assertEquals("not-found: agent alice has no call call-h", error(hold("alice", false)), "a call not yet this agent's");
    connect("alice");
    assertEquals("not-found: agent bob has no call call-h", error(hold("bob", false)), "another agent's call");
    assertEquals("conflict: call call-h is not on hold", error(resume("alice", false)));
    assertTrue(hold("alice", false).isSuccess());
    assertEquals("conflict: call call-h is already on hold", error(hold("alice", false)));
    assertTrue(hold("alice", true).isSuccess(), "the phone saying it again is no conflict");
    assertEquals(1, kit.getState().hold().holds());
  }

  private static String error(StatusReply<HoldView> reply) {
    return reply.getError().getMessage();
  }

  @Test
  void aCallThatEndsOnHoldCountsTheHoldUpToItsEnd() {
    connect("alice");
    hold("alice", false);
    clock.advance(Duration.ofSeconds(4));
    var result = kit.<StatusReply<CallView>>runCommand(r -> new CallEntity.Hangup(Party.CUSTOMER, null, r));
    assertEquals(2, result.events().size(), "the hold ends with the call");
    CallEntity.CallResumed resumed = assertInstanceOf(CallEntity.CallResumed.class, result.events().get(0));
    assertEquals(4000, resumed.totalHeldMillis());
    CallView ended = result.reply().getValue();
    assertFalse(ended.onHold());
    assertEquals(4, ended.holdSeconds());
    assertEquals("conflict: call call-h is ENDED, not connected", error(hold("alice", false)));
  }

  @Test
  void aRecordingAHoldAndAMonitoringLiveSideBySideAndTheRecordingAndHoldOutliveTheCall() {
    connect("alice");
    kit.<StatusReply<Done>>runCommand(r -> new CallEntity.StartRecording("pekko://callengine@127.0.0.1:2551", "2026/03/02/call-h.wav", r));
    kit.<StatusReply<Monitoring>>runCommand(r -> new CallEntity.Monitor("lead", "lead-phone", "sip:lead@127.0.0.1:5099",
        "sip:lead@127.0.0.1", Monitoring.Mode.WHISPER, r));
    hold("alice", false);
    kit.<StatusReply<CallView>>runCommand(r -> new CallEntity.PauseRecording("alice", true, r));
    CallState connected = kit.getState();
    assertTrue(connected.recording().paused() && connected.monitoring() != null && connected.hold().onHold(), "each keeps the others");
    kit.restart();
    assertEquals(connected, kit.getState(), "the journal gives the same state back");

    clock.advance(Duration.ofSeconds(3));
    kit.<StatusReply<CallView>>runCommand(r -> new CallEntity.Hangup(Party.AGENT, null, r));
    kit.<StatusReply<Done>>runCommand(r -> new CallEntity.StopRecording(42, r));
    CallState ended = kit.getState();
    assertEquals(null, ended.monitoring(), "the monitoring ends with the call");
    assertEquals(42L, ended.recording().seconds(), "the recording, closed after the end, is kept with its seconds");
    assertEquals(new HoldView("call-h", false, 3, 1), ended.holdView(clock.instant()), "the hold is counted to the end and kept");
    kit.restart();
    assertEquals(ended, kit.getState(), "the ended call recovers the same");
  }
}
