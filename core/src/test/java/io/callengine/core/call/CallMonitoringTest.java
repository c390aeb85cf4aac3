package io.callengine.core.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callengine.core.agent.Reservation;
import io.callengine.core.events.CallCenterEvent;
import io.callengine.core.events.CallMonitored;
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

/** A supervisor's monitoring of one call, as the CallEntity keeps it: one at a time, on connected calls, forwarded to the legs. */
class CallMonitoringTest {
  private static final ActorTestKit testKit = ActorTestKit.create(EntityTestConfig.config());
  private TestProbe<CallLegs.Command> legs;
  private TestProbe<CallCenterEvent> published;
  private EventSourcedBehaviorTestKit<CallEntity.Command, CallEntity.Event, CallState> kit;

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  @BeforeEach
  void setUp() {
    legs = testKit.createTestProbe();
    published = testKit.createTestProbe();
    TestProbe<Router.Command> router = testKit.createTestProbe();
    kit = EventSourcedBehaviorTestKit.create(testKit.system(), CallEntity.create("call-1", router.ref(), new ProbePeers(testKit),
        Clock.systemUTC(), published.ref()::tell, queueId -> true, null));
    kit.<StatusReply<CallView>>runCommand(r -> new CallEntity.Start("sip:bob@example.com", "support", "support", 0, List.of(), legs.ref(), r));
  }

  private void connect() {
    Reservation alice = new Reservation("alice", "call-1", "sip:alice@127.0.0.1:5070", "sip:alice@127.0.0.1");
    kit.<StatusReply<Done>>runCommand(r -> new CallEntity.Offer(List.of(alice), 15, 0, r));
    legs.expectMessageClass(CallLegs.RingAgents.class);
    kit.<StatusReply<Done>>runCommand(r -> new CallEntity.AgentAnswered("alice", r));
  }

  private StatusReply<Monitoring> monitor(String supervisor, Monitoring.Mode mode) {
    return kit.<StatusReply<Monitoring>>runCommand(r -> new CallEntity.Monitor(supervisor, "lead-phone", "sip:lead@127.0.0.1:5099",
        "sip:lead@127.0.0.1", mode, r)).reply();
  }

  private CallMonitored nextMonitored() {
    return (CallMonitored) published.fishForMessage(java.time.Duration.ofSeconds(3), e -> e instanceof CallMonitored
        ? org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes.complete()
        : org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes.continueAndIgnore()).get(0);
  }

  @Test
  void aTransferEndsTheMonitoringInTheSameStep() {
    connect();
    Monitoring started = monitor("lead", Monitoring.Mode.BARGE).getValue();
    legs.expectMessageClass(CallLegs.Monitor.class);
    assertEquals("started", nextMonitored().change());
    var result = kit.<StatusReply<CallView>>runCommand(r -> new CallEntity.Transfer("alice",
        TransferTarget.outside("sip:partner@example.com"), 10, r));
    assertTrue(result.reply().isSuccess(), "a monitored call is transferred");
    assertInstanceOf(CallEntity.MonitorEnded.class, result.events().get(0), "the monitoring ends in the transfer's own write");
    assertInstanceOf(CallEntity.CallTransferred.class, result.events().get(1));
    assertEquals(new CallLegs.EndMonitor("call-1", started.id()), legs.receiveMessage(), "the supervisor's phone is hung up first");
    assertEquals(new CallLegs.Transferred("call-1", "alice"), legs.receiveMessage());
    CallMonitored ended = nextMonitored();
    assertEquals("ended", ended.change());
    assertEquals("the call was transferred", ended.reason());
    assertNull(kit.getState().monitoring());
  }

  @Test
  void aCallNotConnectedCannotBeMonitored() {
    StatusReply<Monitoring> refused = monitor("lead", Monitoring.Mode.LISTEN);
    assertTrue(refused.isError());
    assertTrue(refused.getError().getMessage().startsWith("conflict: call call-1 is QUEUED, not connected"), refused.getError().getMessage());
    legs.expectNoMessage(java.time.Duration.ofMillis(100));
  }

  @Test
  void monitoringIsStoredForwardedSwitchedAndEndedOnce() {
    connect();
    Monitoring started = monitor("lead", Monitoring.Mode.LISTEN).getValue();
    assertEquals("lead", started.supervisor());
    CallLegs.Monitor forwarded = legs.expectMessageClass(CallLegs.Monitor.class);
    assertEquals(started.id(), forwarded.monitorId());
    assertEquals("sip:lead@127.0.0.1:5099", forwarded.contact());
    assertEquals("started", nextMonitored().change());

    StatusReply<Monitoring> second = monitor("other", Monitoring.Mode.BARGE);
    assertTrue(second.getError().getMessage().contains("already monitored by lead"), "one monitoring per call");

    Monitoring whisper = kit.<StatusReply<Monitoring>>runCommand(r -> new CallEntity.ChangeMonitor(Monitoring.Mode.WHISPER, r)).reply().getValue();
    assertEquals(Monitoring.Mode.WHISPER, whisper.mode());
    assertEquals(Monitoring.Mode.WHISPER, legs.expectMessageClass(CallLegs.ChangeMonitor.class).mode());
    CallMonitored changed = nextMonitored();
    assertEquals("whisper", changed.mode());
    kit.restart();
    legs.expectMessageClass(CallLegs.Ping.class).replyTo().tell(Done.getInstance()); // the recovered call checks its legs
    assertEquals(Monitoring.Mode.WHISPER, kit.getState().monitoring().mode(), "recovered from the journal");

    // The legs report the supervisor's hang-up; the same report again, or for an older monitoring, changes nothing.
    kit.<StatusReply<Done>>runCommand(r -> new CallEntity.EndMonitor(started.id(), "the supervisor hung up", r));
    assertNull(kit.getState().monitoring());
    assertEquals("the supervisor hung up", nextMonitored().reason());
    legs.expectMessageClass(CallLegs.EndMonitor.class);
    assertTrue(kit.<StatusReply<Done>>runCommand(r -> new CallEntity.EndMonitor(started.id(), "again", r)).reply().isSuccess());
    assertTrue(kit.<StatusReply<Done>>runCommand(r -> new CallEntity.EndMonitor(null, "api", r)).reply().isError(),
        "the API's end of a call nobody monitors is a conflict");
    assertTrue(kit.<StatusReply<Monitoring>>runCommand(r -> new CallEntity.ChangeMonitor(Monitoring.Mode.BARGE, r)).reply().isError());
  }

  @Test
  void theCallsEndEndsItsMonitoring() {
    connect();
    monitor("lead", Monitoring.Mode.BARGE);
    kit.<StatusReply<CallView>>runCommand(r -> new CallEntity.Hangup(Party.CUSTOMER, null, r));
    assertNull(kit.getState().monitoring());
    nextMonitored();
    CallMonitored ended = nextMonitored();
    assertEquals("ended", ended.change());
    assertEquals("the call ended", ended.reason());
    assertEquals(CallStatus.ENDED, kit.getState().status());
  }
}
