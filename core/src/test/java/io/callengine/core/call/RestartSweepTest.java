package io.callengine.core.call;

import static io.callengine.core.testing.TestEngines.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.callengine.core.agent.AgentEntity;
import io.callengine.core.agent.AgentView;
import io.callengine.core.agent.Presence;
import io.callengine.core.agent.Reservation;
import io.callengine.core.api.AgentSpec;
import io.callengine.core.api.CallCenterEngine;
import io.callengine.core.api.QueueSpec;
import io.callengine.core.queue.Admission;
import io.callengine.core.queue.QueueEntity;
import io.callengine.core.queue.WaitingCall;
import io.callengine.core.records.CallRecord;
import io.callengine.core.records.CallRecordFilter;
import io.callengine.core.persistence.Database;
import io.callengine.core.records.CallRecords;
import io.callengine.core.testing.EntityTestConfig;
import io.callengine.core.testing.TestDatabase;
import io.callengine.core.testing.TestEngines;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.pattern.StatusReply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Calls left open in every state (IVR, queued without and with a place in the queue, ringing an
 * agent, connected to one) by an engine that stops; a new engine on the same database, at the
 * same cluster address or another, ends every one of them within a bound, empties the queue and frees the agents,
 * with nobody reading a call. Two of the calls (IVR, and queued before the queue admitted it) are
 * known to no agent, queue or remembered entity: only the restart sweep over the call records
 * finds them, as after a crash in the middle of a burst. And the sweep on its own: which records
 * it asks about, in pages, each call once.
 */
class RestartSweepTest {
  private static final Duration BOUND = Duration.ofSeconds(30);
  private static final String QUEUE = "sweep";

  @Test
  void everyCallLeftOpenIsEndedAfterARestartAndNothingStaysHeld() throws Exception {
    int port = TestEngines.freePort();
    restartAndCheck(port, port, "engine-restart: the call's SIP legs were lost");
  }

  /** A node that comes back on another address: its old address is no longer a member, and its calls end all the same. */
  @Test
  void callsOfANodeThatCameBackOnAnotherAddressEndToo() throws Exception {
    int first = TestEngines.freePort();
    int second = TestEngines.freePort();
    for (int attempt = 0; second == first && attempt < 10; attempt++) second = TestEngines.freePort();
    restartAndCheck(first, second, CallEntity.NODE_LOST);
  }

  private void restartAndCheck(int firstPort, int secondPort, String reason) throws Exception {
    try (TestDatabase db = TestDatabase.create(TestDatabase.Kind.H2)) {
      CallCenterEngine first = TestEngines.start(config(db, firstPort));
      try {
        leaveCallsOpen(first);
        eventually(BOUND, "the five calls recorded open",
            () -> statuses(first).equals(Map.of("c-connected", "CONNECTED", "c-ivr", "IVR", "c-queued", "QUEUED",
                "c-queued-lost", "QUEUED", "c-ringing", "OFFERING")));
      } finally {
        first.shutdown().toCompletableFuture().get(30, TimeUnit.SECONDS);
      }

      CallCenterEngine second = TestEngines.start(config(db, secondPort));
      try {
        eventually(BOUND, "every call record ended FAILED", () -> statuses(second).equals(Map.of("c-connected", "ENDED FAILED",
            "c-ivr", "ENDED FAILED", "c-queued", "ENDED FAILED", "c-queued-lost", "ENDED FAILED", "c-ringing", "ENDED FAILED")));
        eventually(BOUND, "the queue is empty", () -> await(second.supervisor().waitingCalls(QUEUE)).isEmpty()
            && await(second.supervisor().stats()).queuedCalls() == 0);
        eventually(BOUND, "the agents hold no call", () -> agent(second, "ann").currentCalls().isEmpty()
            && agent(second, "bob").currentCalls().isEmpty());
        assertEquals(reason, await(second.callRecords().list(CallRecordFilter.all())).stream()
            .filter(r -> r.callId().equals("c-ivr")).findFirst().orElseThrow().endReason(), "a call no entity knew");
      } finally {
        second.shutdown().toCompletableFuture().get(30, TimeUnit.SECONDS);
      }
    }
  }

  /** The engine on the test's database at a fixed cluster port (the address its calls' SIP legs carry). */
  private static Config config(TestDatabase db, int clusterPort) {
    return db.config()
        .withFallback(ConfigFactory.parseString("pekko.remote.artery.canonical.port = " + clusterPort))
        .withFallback(TestEngines.config(""));
  }

  /**
   * The sweep itself, against call records written by hand and a probe per call: only the open
   * calls from before the start are asked, through pages of two, each once; a row the read side
   * writes late is asked in a later round.
   */
  @ParameterizedTest
  @EnumSource(TestDatabase.Kind.class)
  void theSweepPagesThroughOpenCallsFromBeforeTheStartAndAsksEachOnce(TestDatabase.Kind kind) throws Exception {
    ActorTestKit kit = ActorTestKit.create(EntityTestConfig.config());
    try (TestDatabase db = TestDatabase.create(kind); Database database = db.openWithSchema()) {
      Instant start = Instant.parse("2030-03-04T10:00:00Z");
      Map<String, String> rows = Map.of("a-ivr", "IVR", "b-ended", "ENDED", "c-queued", "QUEUED", "d-offering", "OFFERING",
          "e-connected", "CONNECTED", "f-after-start", "QUEUED", "g-queued", "QUEUED");
      for (var row : rows.entrySet()) {
        insert(db, row.getKey(), row.getValue(), row.getKey().equals("f-after-start") ? start : start.minusSeconds(30));
      }
      Map<String, TestProbe<CallEntity.Command>> calls = new java.util.HashMap<>();
      for (String id : List.of("a-ivr", "b-ended", "c-queued", "d-offering", "e-connected", "f-after-start", "g-queued", "h-late")) {
        calls.put(id, kit.createTestProbe());
      }
      CallRecords records = new CallRecords(database.dataSource(), kit.system().executionContext(), Clock.systemUTC());
      kit.spawn(RestartSweep.create(records, id -> calls.get(id).ref(), NODE, start, Clock.fixed(start, ZoneOffset.UTC),
          new RestartSweep.Settings(2, Duration.ofMillis(200), Duration.ofMinutes(1), Duration.ofSeconds(5))));

      for (String id : List.of("a-ivr", "c-queued", "d-offering", "e-connected", "g-queued")) answer(calls.get(id));
      insert(db, "h-late", "QUEUED", start.minusSeconds(60));
      answer(calls.get("h-late"));
      // Each round tells its asks in id order, and h-late sorts last: an ask of b-ended or f-after-start,
      // or a second ask of any call, would be in its probe by now.
      for (var call : calls.entrySet()) call.getValue().expectNoMessage(Duration.ZERO);
    } finally {
      kit.shutdownTestKit();
    }
  }

  private static final String NODE = "pekko://callengine@127.0.0.1:2552";

  private static void answer(TestProbe<CallEntity.Command> call) {
    CallEntity.VerifyAfterRestart ask = call.expectMessageClass(CallEntity.VerifyAfterRestart.class, Duration.ofSeconds(20));
    assertEquals(NODE, ask.node());
    ask.replyTo().tell(Done.getInstance());
  }

  private static void insert(TestDatabase db, String callId, String status, Instant enqueuedAt) throws Exception {
    try (var c = db.connect(); var s = c.prepareStatement(
        "INSERT INTO call_records (call_id, queue_id, caller, dialed, status, enqueued_at) VALUES (?, 'q', 'sip:c@example.com', 'q', ?, ?)")) {
      s.setString(1, callId);
      s.setString(2, status);
      s.setLong(3, enqueuedAt.toEpochMilli());
      s.executeUpdate();
    }
  }

  /**
   * c-queued is a sharded call admitted to the queue; the others run outside sharding, so no
   * remembered entity brings them back: c-ivr and c-queued-lost are held by nobody, c-ringing rings
   * ann, c-connected talks to bob. Their SIP legs are actors of this engine that ignore everything.
   */
  private static void leaveCallsOpen(CallCenterEngine engine) throws Exception {
    await(engine.admin().createQueue(QueueSpec.of(QUEUE, "Sweep")));
    for (String agent : List.of("ann", "bob")) {
      await(engine.admin().createAgent(AgentSpec.of(agent, "sip:" + agent + "@127.0.0.1", agent, "pw-" + agent)));
      await(engine.asks().<AgentEntity.Command, AgentView>ask(engine.sharding().entityRefFor(AgentEntity.ENTITY_KEY, agent),
          r -> new AgentEntity.Register("sip:" + agent + "@127.0.0.1:5070", 600, null, r)));
      await(engine.admin().setPresence(agent, Presence.AVAILABLE, null));
    }
    // Both agents are booked before any call waits, so the Router offers nothing of its own.
    Reservation ann = reserve(engine, "ann", "c-ringing");
    Reservation bob = reserve(engine, "bob", "c-connected");

    ActorRef<CallEntity.Command> ivr = unsharded(engine, "c-ivr");
    start(engine, ivr, "c-ivr", null);
    start(engine, unsharded(engine, "c-queued-lost"), "c-queued-lost", QUEUE);
    ActorRef<CallEntity.Command> ringing = unsharded(engine, "c-ringing");
    start(engine, ringing, "c-ringing", QUEUE);
    await(engine.asks().<CallEntity.Command, Done>ask(ringing, r -> new CallEntity.Offer(List.of(ann), 30, 0, r)));
    ActorRef<CallEntity.Command> connected = unsharded(engine, "c-connected");
    start(engine, connected, "c-connected", QUEUE);
    await(engine.asks().<CallEntity.Command, Done>ask(connected, r -> new CallEntity.Offer(List.of(bob), 30, 0, r)));
    await(engine.asks().<CallEntity.Command, Done>ask(connected, r -> new CallEntity.AgentAnswered("bob", r)));

    var queued = engine.sharding().entityRefFor(CallEntity.ENTITY_KEY, "c-queued");
    CallView view = await(engine.asks().<CallEntity.Command, CallView>ask(queued,
        r -> new CallEntity.Start("sip:c-queued@example.com", QUEUE, QUEUE, 0, List.of(), legs(engine, "c-queued"), r)));
    Admission admission = await(engine.asks().<QueueEntity.Command, Admission>ask(engine.sharding().entityRefFor(QueueEntity.ENTITY_KEY, QUEUE),
        r -> new QueueEntity.Enqueue(WaitingCall.of("c-queued", 0, view.enqueuedAt()), true, r)));
    assertEquals(Admission.Outcome.QUEUED, admission.outcome());
    eventually(BOUND, "ann ringing, bob on his call", () -> agent(engine, "ann").currentCalls().equals(List.of("c-ringing"))
        && agent(engine, "bob").currentCalls().equals(List.of("c-connected")));
  }

  private static Reservation reserve(CallCenterEngine engine, String agent, String callId) throws Exception {
    return await(engine.asks().<AgentEntity.Command, Reservation>ask(engine.sharding().entityRefFor(AgentEntity.ENTITY_KEY, agent),
        r -> new AgentEntity.Reserve(callId, r)));
  }

  private static ActorRef<CallEntity.Command> unsharded(CallCenterEngine engine, String callId) {
    Behavior<CallEntity.Command> call = CallEntity.create(callId, engine.router(), io.callengine.core.Peers.sharded(engine.system()),
        engine.clock(), engine::publish, queueId -> true, null);
    return engine.system().systemActorOf(call, "test-call-" + callId, Props.empty());
  }

  private static ActorRef<CallLegs.Command> legs(CallCenterEngine engine, String callId) {
    return engine.system().systemActorOf(Behaviors.ignore(), "test-legs-" + callId, Props.empty());
  }

  private static void start(CallCenterEngine engine, ActorRef<CallEntity.Command> call, String callId, String queueId) throws Exception {
    ActorRef<CallLegs.Command> legs = legs(engine, callId);
    await(engine.asks().<CallEntity.Command, CallView>ask(call,
        r -> new CallEntity.Start("sip:" + callId + "@example.com", QUEUE, queueId, 0, List.of(), legs, r)));
  }

  private static AgentView agent(CallCenterEngine engine, String id) throws Exception {
    return await(engine.admin().getAgent(id));
  }

  /** Each call record's status, and its disposition once ended. */
  private static Map<String, String> statuses(CallCenterEngine engine) throws Exception {
    Map<String, String> statuses = new TreeMap<>();
    for (CallRecord r : await(engine.callRecords().list(CallRecordFilter.all()))) {
      statuses.put(r.callId(), r.status() + (r.disposition() == null ? "" : " " + r.disposition()));
    }
    return statuses;
  }

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(20, TimeUnit.SECONDS);
  }
}
