package io.callengine.core.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callengine.core.agent.Reservation;
import io.callengine.core.events.EventPublisher;
import io.callengine.core.routing.Router;
import io.callengine.core.testing.EntityTestConfig;
import io.callengine.core.testing.ProbePeers;
import java.time.Clock;
import java.util.List;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The CallEntity's recording: started by the gateway, paused and resumed by the call's agent only, stopped, recovered. */
class CallRecordingEntityTest {
  private static final ActorTestKit testKit = ActorTestKit.create(EntityTestConfig.config());
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
    kit = EventSourcedBehaviorTestKit.create(testKit.system(), CallEntity.create("call-1", router.ref(), new ProbePeers(testKit),
        Clock.systemUTC(), EventPublisher.NONE, queueId -> true, null));
    kit.<StatusReply<CallView>>runCommand(r -> new CallEntity.Start("sip:bob@example.com", "support", "support", 0, List.of(), legs.ref(), r));
  }

  private void connect() {
    Reservation alice = new Reservation("alice", "call-1", "sip:alice@127.0.0.1:5070", "sip:alice@127.0.0.1");
    kit.<StatusReply<Done>>runCommand(r -> new CallEntity.Offer(List.of(alice), 15, 0, r));
    assertInstanceOf(CallLegs.RingAgents.class, legs.receiveMessage());
    kit.<StatusReply<Done>>runCommand(r -> new CallEntity.AgentAnswered("alice", r));
  }

  private StatusReply<Done> start() {
    return kit.<StatusReply<Done>>runCommand(r -> new CallEntity.StartRecording("pekko://callengine@127.0.0.1:2551",
        "2026-12-06/call-1.wav", r)).reply();
  }

  private StatusReply<CallView> pause(String agentId, boolean paused) {
    return kit.<StatusReply<CallView>>runCommand(r -> new CallEntity.PauseRecording(agentId, paused, r)).reply();
  }

  @Test
  void aWaitingCallIsNotRecordedAndItsPauseIsAConflict() {
    assertTrue(start().isError(), "not answered: nothing to record");
    assertTrue(pause("alice", true).getError().getMessage().startsWith("not-found"), "no agent has the call yet: 404");
  }

  @Test
  void theAgentPausesAndResumesAndTheLegsAreTold() {
    connect();
    assertTrue(start().isSuccess());
    assertTrue(start().isSuccess(), "a repeated start is acknowledged");
    assertTrue(pause("alice", true).getValue().recording().paused());
    assertEquals(new CallLegs.PauseRecording("call-1", true), legs.receiveMessage());
    assertTrue(pause("alice", true).getError().getMessage().startsWith("conflict"), "already paused: 409");
    assertTrue(pause("bob", false).getError().getMessage().startsWith("not-found"), "not bob's call: 404");
    assertFalse(pause("alice", false).getValue().recording().paused());
    assertEquals(new CallLegs.PauseRecording("call-1", false), legs.receiveMessage());
    var again = kit.<StatusReply<CallView>>runCommand(r -> new CallEntity.PauseRecording("alice", true, r));
    assertEquals(1, again.events().size(), "a pause stores one event");
    assertInstanceOf(CallEntity.RecordingPaused.class, again.events().get(0));
  }

  @Test
  void anUnrecordedCallRefusesAPauseAndAStopIsKeptAfterTheEnd() {
    connect();
    assertTrue(pause("alice", true).getError().getMessage().contains("is not being recorded"), "not recorded: 409");
    assertTrue(start().isSuccess());
    kit.<StatusReply<CallView>>runCommand(r -> new CallEntity.Hangup(Party.CUSTOMER, null, r));
    assertTrue(pause("alice", true).getError().getMessage().contains("not connected"), "ended: 409");
    kit.<StatusReply<Done>>runCommand(r -> new CallEntity.StopRecording(12, r));
    kit.restart();
    CallRecording recording = kit.getState().recording();
    assertEquals(12L, recording.seconds());
    assertEquals("2026-12-06/call-1.wav", recording.file());
    assertFalse(recording.open());
  }

  @Test
  void aCallCutShortKeepsItsRecordingOpenInItsView() {
    connect();
    start();
    kit.<StatusReply<CallView>>runCommand(r -> new CallEntity.End(Disposition.FAILED, "engine-restart", r));
    kit.restart();
    CallView view = kit.<StatusReply<CallView>>runCommand(CallEntity.Get::new).reply().getValue();
    assertTrue(view.recording().open(), "the node stopped before the file was closed");
    assertNull(view.recording().seconds());
  }
}
