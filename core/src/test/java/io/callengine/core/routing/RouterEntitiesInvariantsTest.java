package io.callengine.core.routing;

import io.callengine.core.agent.Activity;
import io.callengine.core.agent.AgentEntity;
import io.callengine.core.agent.AgentView;
import io.callengine.core.agent.Presence;
import io.callengine.core.agent.Reservation;
import io.callengine.core.agent.Skill;
import io.callengine.core.api.AgentSpec;
import io.callengine.core.api.CallCenterEngine;
import io.callengine.core.api.QueueSpec;
import io.callengine.core.call.CallEntity;
import io.callengine.core.call.CallLegs;
import io.callengine.core.call.CallStatus;
import io.callengine.core.call.CallView;
import io.callengine.core.call.Disposition;
import io.callengine.core.call.Party;
import io.callengine.core.queue.Admission;
import io.callengine.core.queue.QueueConfig;
import io.callengine.core.queue.QueueEntity;
import io.callengine.core.queue.WaitingCall;
import io.callengine.core.records.CallRecord;
import io.callengine.core.records.CallRecordFilter;
import io.callengine.core.testing.TestEngines;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The routing invariants against the real thing: one engine (single node, in-memory H2) with its
 * Router and its Agent, Queue and Call entities, and in place of the SIP gateway a fake of the
 * call legs that, after a short delay, has one of the rung agents answer an offer (and sometimes
 * hangs up after a short talk) or has each of them fail it. Per seed, a few queues (ring-all among
 * their strategies) and agents are created through the admin API and registered, then random
 * steps start and enqueue calls, hang them up, and change the agents' presence and registration.
 *
 * <p>After every step: no agent holds more calls than its capacity; a connected call is held by
 * the agent it is connected to, who may take it, and no other agent is on the line with it; no call
 * waits while an agent of its queue is available, registered, eligible, has the call's skills and
 * room for it (the Router gets a few seconds to decide, and an agent who failed an offer in the
 * last few seconds is resting). At the end every call is hung up: each ended in exactly one
 * disposition, in its journal and in the call records, and every agent is idle with no call.
 *
 * <p>The steps are deterministic per seed ({@code -Drouting.seed=N} runs one); how the actors
 * interleave is not.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RouterEntitiesInvariantsTest {
  private static final int STEPS = 100;
  private static final Duration DECISION_GRACE = Duration.ofSeconds(3);
  /** The Router rests an agent 5 s after a failed offer; the margin covers the way from the fake legs to the Router. */
  private static final Duration FAILED_OFFER_REST = Duration.ofMillis(5_500);
  private static final List<String> VIP_STRATEGIES = List.of("fewest-calls", "least-talk-time", "most-skilled", "random");

  private CallCenterEngine engine;

  @BeforeAll
  void start() throws Exception {
    engine = TestEngines.start(TestEngines.config(""));
  }

  @AfterAll
  void stop() throws Exception {
    engine.shutdown().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  static LongStream seeds() {
    Long replay = Long.getLong("routing.seed");
    return replay != null ? LongStream.of(replay) : LongStream.of(101, 202, 303);
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void randomStepsThroughTheRouterAndTheEntitiesKeepTheRoutingInvariants(long seed) throws Exception {
    Run run = new Run(seed);
    try {
      run.setUp();
      for (int step = 0; step < STEPS; step++) {
        run.randomStep();
        run.check();
      }
      run.hangUpEverythingAndCheckTheRecords();
    } catch (Throwable e) {
      throw new AssertionError("seed " + seed + " (rerun with -Drouting.seed=" + seed + "): " + e.getMessage()
          + "\nlast steps:\n" + String.join("\n", run.trace), e);
    } finally {
      run.leave();
    }
  }

  /** One seed's queues, agents and calls. */
  private final class Run {
    final long seed;
    final Random random;
    final String prefix;
    final Map<String, QueueConfig> queues = new LinkedHashMap<>();
    final List<String> agentIds = new ArrayList<>();
    final List<String> startedCalls = new ArrayList<>();
    final Map<String, List<QueueConfig.RequiredSkill>> extraSkillsOf = new HashMap<>();
    /** The calls the steps have not hung up (the fake legs may have). */
    final List<String> activeCalls = new ArrayList<>();
    final Map<String, Disposition> endedCalls = new LinkedHashMap<>();
    /** When the fake legs last failed an offer at each agent. */
    final Map<String, Instant> failedOfferAt = new ConcurrentHashMap<>();
    final ArrayDeque<String> trace = new ArrayDeque<>();
    ActorRef<CallLegs.Command> legs;
    int callCount;

    Run(long seed) {
      this.seed = seed;
      this.random = new Random(seed);
      this.prefix = "s" + seed + "-";
    }

    // --- set-up ---

    void setUp() throws Exception {
      legs = engine.system().systemActorOf(fakeLegs(), prefix + "legs", Props.empty());
      createQueue(QueueSpec.of(prefix + "general", "General"));
      createQueue(QueueSpec.of(prefix + "sales", "Sales").withStrategy("round-robin")
          .withRequiredSkills(List.of(new QueueConfig.RequiredSkill("sales", 2))));
      createQueue(QueueSpec.of(prefix + "support", "Support").withStrategy("ring-all")
          .withRequiredSkills(List.of(new QueueConfig.RequiredSkill("support", 1))));
      createQueue(QueueSpec.of(prefix + "vip", "VIP").withStrategy(VIP_STRATEGIES.get(random.nextInt(VIP_STRATEGIES.size())))
          .withRequiredSkills(List.of(new QueueConfig.RequiredSkill("sales", 1))));
      for (int i = 0; i < 6; i++) {
        String id = prefix + "a" + i;
        List<Skill> skills = new ArrayList<>();
        if (random.nextInt(3) > 0) skills.add(new Skill("sales", 1 + random.nextInt(5)));
        if (random.nextInt(3) > 0 || skills.isEmpty()) skills.add(new Skill("support", 1 + random.nextInt(5)));
        List<String> listed = null;
        if (random.nextBoolean()) {
          listed = queues.keySet().stream().filter(q -> random.nextBoolean()).toList();
          if (listed.isEmpty()) listed = List.of(prefix + "general");
        }
        AgentSpec spec = new AgentSpec(id, "sip:" + id + "@example.test", "Agent " + i, "secret-" + i, skills,
            1 + random.nextInt(2), null, null, listed, null);
        await(engine.admin().createAgent(spec));
        agentIds.add(id);
        await(register(id, 3_600));
        await(engine.admin().setPresence(id, Presence.AVAILABLE, null));
        log("agent " + id + " skills " + skills + " max " + spec.maxConcurrentCalls() + " queues " + listed);
      }
    }

    void createQueue(QueueSpec spec) throws Exception {
      QueueConfig config = await(engine.admin().createQueue(spec.withWrapUpSeconds(0))).config();
      queues.put(config.id(), config);
      log("queue " + config.id() + " " + config.strategy() + " " + config.requiredSkills());
    }

    // --- the steps ---

    void randomStep() throws Exception {
      int roll = random.nextInt(100);
      if (roll < 30) startCall();
      else if (roll < 48) hangUpOne();
      else if (roll < 63) setPresence();
      else if (roll < 67) reRegister();
      else pause(40 + random.nextInt(120));
    }

    void startCall() throws Exception {
      String callId = prefix + "c" + callCount++;
      String queueId = new ArrayList<>(queues.keySet()).get(random.nextInt(queues.size()));
      int priority = random.nextInt(3);
      List<QueueConfig.RequiredSkill> extra = random.nextInt(100) < 15
          ? List.of(random.nextBoolean() ? new QueueConfig.RequiredSkill("sales", 3) : new QueueConfig.RequiredSkill("support", 2))
          : List.of();
      log("start " + callId + " in " + queueId + " priority " + priority + " extra " + extra);
      CallView call = await(engine.asks().<CallEntity.Command, CallView>ask(callRef(callId),
          r -> new CallEntity.Start("sip:customer-" + callId + "@example.test", queueId, queueId, priority, extra, legs, r)));
      WaitingCall waiting = new WaitingCall(callId, priority, call.enqueuedAt(), call.enqueuedAt(), extra);
      Admission admission = await(engine.asks().<QueueEntity.Command, Admission>ask(
          engine.sharding().entityRefFor(QueueEntity.ENTITY_KEY, queueId), r -> new QueueEntity.Enqueue(waiting, true, r)));
      verify(admission.outcome() == Admission.Outcome.QUEUED, "call " + callId + " was not admitted: " + admission);
      startedCalls.add(callId);
      extraSkillsOf.put(callId, extra);
      activeCalls.add(callId);
    }

    void hangUpOne() throws Exception {
      if (activeCalls.isEmpty()) return;
      hangUp(activeCalls.get(random.nextInt(activeCalls.size())), random.nextBoolean() ? Party.CUSTOMER : Party.AGENT);
    }

    void hangUp(String callId, Party by) throws Exception {
      CallView ended = await(engine.asks().<CallEntity.Command, CallView>ask(callRef(callId), r -> new CallEntity.Hangup(by, null, r)));
      log("hang up " + callId + " by " + by + ": " + ended.disposition() + " (was with " + ended.agentId() + ")");
      verify(ended.status() == CallStatus.ENDED && ended.disposition() != null, "call " + callId + " did not end: " + ended);
      activeCalls.remove(callId);
      endedCalls.put(callId, ended.disposition());
    }

    void setPresence() throws Exception {
      String agentId = agentIds.get(random.nextInt(agentIds.size()));
      int roll = random.nextInt(20);
      Presence presence = roll < 12 ? Presence.AVAILABLE : roll < 17 ? Presence.BREAK : Presence.OFFLINE;
      log("presence " + agentId + " " + presence);
      await(engine.admin().setPresence(agentId, presence, presence == Presence.BREAK ? "lunch" : null));
    }

    void reRegister() throws Exception {
      String agentId = agentIds.get(random.nextInt(agentIds.size()));
      boolean unregister = random.nextInt(3) == 0;
      log((unregister ? "unregister " : "register ") + agentId);
      await(register(agentId, unregister ? 0 : 3_600));
    }

    void pause(int millis) throws InterruptedException {
      log("pause " + millis + " ms");
      Thread.sleep(millis);
    }

    // --- the fake call legs ---

    /**
     * What the SIP gateway's legs do, without SIP: answer a ping, and for each offer ring the
     * agents' phones, then after a short delay have one agent answer (and maybe hang up after a
     * short talk) or every agent fail the offer. The choices are seeded by the call and how often
     * it was rung.
     */
    Behavior<CallLegs.Command> fakeLegs() {
      Map<String, Integer> rings = new HashMap<>();
      return Behaviors.receive(CallLegs.Command.class)
          .onMessage(CallLegs.Ping.class, m -> {
            m.replyTo().tell(Done.getInstance());
            return Behaviors.same();
          })
          .onMessage(CallLegs.Hangup.class, m -> Behaviors.same())
          .onMessage(CallLegs.Moved.class, m -> Behaviors.same())
          .onMessage(CallLegs.RingAgents.class, m -> {
            ring(m, rings.merge(m.callId(), 1, Integer::sum));
            return Behaviors.same();
          })
          .build();
    }

    void ring(CallLegs.RingAgents m, int ringCount) {
      Random phones = new Random(seed * 1_000_003L + m.callId().hashCode() * 7_919L + ringCount);
      ActorRef<StatusReply<Done>> ignore = engine.system().ignoreRef();
      EntityRef<CallEntity.Command> call = callRef(m.callId());
      m.agents().forEach(r -> engine.sharding().entityRefFor(AgentEntity.ENTITY_KEY, r.agentId())
          .tell(new AgentEntity.Ringing(m.callId(), ignore)));
      if (phones.nextInt(100) < 75) {
        String agentId = m.agents().get(phones.nextInt(m.agents().size())).agentId();
        int answerAfter = 20 + phones.nextInt(60);
        later(answerAfter, () -> call.tell(new CallEntity.AgentAnswered(agentId, ignore)));
        if (phones.nextInt(100) < 60) {
          Party by = phones.nextBoolean() ? Party.CUSTOMER : Party.AGENT;
          later(answerAfter + 100 + phones.nextInt(400), () -> call.tell(new CallEntity.Hangup(by, null, engine.system().ignoreRef())));
        }
        return;
      }
      for (Reservation reservation : m.agents()) {
        boolean noAnswer = phones.nextInt(100) < 40;
        later(20 + phones.nextInt(60), () -> {
          failedOfferAt.put(reservation.agentId(), Instant.now());
          call.tell(new CallEntity.OfferFailed(reservation.agentId(), noAnswer ? "no answer" : "busy", noAnswer, ignore));
        });
      }
    }

    void later(int millis, Runnable action) {
      engine.system().scheduler().scheduleOnce(Duration.ofMillis(millis), action, engine.system().executionContext());
    }

    // --- the invariants ---

    /** What the engine shows now: the active calls, then the agents, then the calls again and the queues' lines. */
    private record Snapshot(Map<String, CallView> callsBefore, Map<String, AgentView> agents, Map<String, CallView> callsAfter,
        Map<String, List<WaitingCall>> waiting, Instant at) {}

    Snapshot snapshot() throws Exception {
      Map<String, CallView> before = all(activeCalls, id -> engine.supervisor().call(id));
      Map<String, AgentView> agents = all(agentIds, id -> engine.admin().getAgent(id));
      Instant at = Instant.now();
      Map<String, CallView> after = all(activeCalls, id -> engine.supervisor().call(id));
      Map<String, List<WaitingCall>> waiting = all(queues.keySet(), id -> engine.supervisor().waitingCalls(id));
      return new Snapshot(before, agents, after, waiting, at);
    }

    /** The safety invariants on every snapshot; a free agent beside a waiting call fails only if the pair stays so through the grace. */
    void check() throws Exception {
      Snapshot snapshot = snapshot();
      checkSafety(snapshot);
      Set<String> stuck = idleAgentsForWaitingCalls(snapshot);
      long deadline = System.nanoTime() + DECISION_GRACE.toNanos();
      while (!stuck.isEmpty()) {
        verify(System.nanoTime() < deadline, "for " + DECISION_GRACE.toSeconds() + " s " + stuck + "; agents "
            + snapshot.agents().values() + "; waiting " + snapshot.waiting());
        Thread.sleep(100);
        snapshot = snapshot();
        checkSafety(snapshot);
        stuck.retainAll(idleAgentsForWaitingCalls(snapshot));
      }
    }

    /**
     * Capacity, one agent per connected call, and that agent one who may take it. A call connected
     * before and after the agents are read was connected while they were, so its agent held it; an
     * agent on the line with a call has been connected to it by the time the calls are read again
     * (the call may have ended since).
     */
    void checkSafety(Snapshot s) {
      for (AgentView agent : s.agents().values()) {
        verify(agent.currentCalls().size() <= agent.maxConcurrentCalls(),
            "agent " + agent.id() + " holds " + agent.currentCalls() + " above its capacity " + agent.maxConcurrentCalls());
      }
      s.callsBefore().values().stream().filter(c -> c.status() == CallStatus.CONNECTED)
          .filter(c -> s.callsAfter().get(c.callId()).status() == CallStatus.CONNECTED).forEach(c -> {
        AgentView agent = s.agents().get(c.agentId());
        verify(agent != null && agent.currentCalls().contains(c.callId()),
            "call " + c.callId() + " is connected to " + c.agentId() + " who does not hold it: " + agent);
        verify(eligible(agent, queues.get(c.queueId()), extraSkillsOf.get(c.callId())),
            "call " + c.callId() + " of " + c.queueId() + " needing " + extraSkillsOf.get(c.callId()) + " went to " + agent);
      });
      Map<String, String> onTheLine = new HashMap<>();
      for (AgentView agent : s.agents().values()) {
        if (agent.activity() != Activity.ON_CALL || agent.currentCalls().size() != 1) continue;
        String callId = agent.currentCalls().get(0);
        String other = onTheLine.put(callId, agent.id());
        verify(other == null, "call " + callId + " is on the line with both " + other + " and " + agent.id());
        CallView call = s.callsAfter().get(callId);
        boolean connectedHere = call != null && agent.id().equals(call.agentId())
            && (call.status() == CallStatus.CONNECTED || call.status() == CallStatus.ENDED);
        verify(connectedHere, "agent " + agent.id() + " is on the line with " + callId + " which is " + call);
      }
    }

    /** Each waiting call paired with each agent free to take it, as "call@queue->agent". */
    Set<String> idleAgentsForWaitingCalls(Snapshot s) {
      Set<String> pairs = new HashSet<>();
      s.waiting().forEach((queueId, line) -> {
        for (WaitingCall waiting : line) {
          CallView call = s.callsAfter().get(waiting.callId());
          if (call == null || call.status() != CallStatus.QUEUED) continue;
          for (AgentView agent : s.agents().values()) {
            Instant failed = failedOfferAt.get(agent.id());
            boolean resting = failed != null && failed.plus(FAILED_OFFER_REST).isAfter(s.at());
            if (agent.canTakeCall(s.at()) && !resting && eligible(agent, queues.get(queueId), waiting.extraSkills())) {
              pairs.add(waiting.callId() + "@" + queueId + "->" + agent.id());
            }
          }
        }
      });
      return pairs;
    }

    boolean eligible(AgentView agent, QueueConfig queue, List<QueueConfig.RequiredSkill> extraSkills) {
      if (!agent.queues().isEmpty() && !agent.queues().contains(queue.id())) return false;
      return Stream.concat(queue.requiredSkills().stream(), extraSkills.stream()).allMatch(r -> agent.level(r.name()) >= r.minLevel());
    }

    // --- the end ---

    void hangUpEverythingAndCheckTheRecords() throws Exception {
      for (String callId : startedCalls) if (!endedCalls.containsKey(callId)) hangUp(callId, Party.CUSTOMER);
      TestEngines.eventually(Duration.ofSeconds(10), "every agent idle with no call", () -> all(agentIds, id -> engine.admin().getAgent(id))
          .values().stream().allMatch(a -> a.currentCalls().isEmpty() && a.activity() == Activity.IDLE));
      for (Map.Entry<String, Disposition> ended : endedCalls.entrySet()) {
        CallView call = await(engine.supervisor().call(ended.getKey()));
        verify(call.status() == CallStatus.ENDED && call.disposition() == ended.getValue(), "call " + ended.getKey() + " is " + call);
        long endings = callEndedEvents(ended.getKey());
        verify(endings == 1, "call " + ended.getKey() + " has " + endings + " CallEnded events");
      }
      TestEngines.eventually(Duration.ofSeconds(20), "a call record with its disposition for each of " + endedCalls.size() + " calls",
          () -> recordsMatch(await(engine.supervisor().calls(new CallRecordFilter(null, null, null, null, null, 10_000)))));
      TestEngines.eventually(Duration.ofSeconds(5), "the Router counts no call", () -> {
        SystemStats stats = await(engine.supervisor().stats());
        return stats.activeCalls() == 0 && stats.queuedCalls() == 0;
      });
    }

    /** Whatever happened, this seed's calls end and its agents log off, so that the next seed meets none of them. */
    void leave() throws Exception {
      for (String callId : startedCalls) {
        callRef(callId).tell(new CallEntity.Hangup(Party.CUSTOMER, "test over", engine.system().ignoreRef()));
      }
      all(agentIds, id -> engine.admin().setPresence(id, Presence.OFFLINE, null));
    }

    boolean recordsMatch(List<CallRecord> records) {
      Map<String, List<CallRecord>> byCall = new HashMap<>();
      records.stream().filter(r -> endedCalls.containsKey(r.callId()))
          .forEach(r -> byCall.computeIfAbsent(r.callId(), id -> new ArrayList<>()).add(r));
      for (Map.Entry<String, Disposition> ended : endedCalls.entrySet()) {
        List<CallRecord> rows = byCall.getOrDefault(ended.getKey(), List.of());
        verify(rows.size() <= 1, "call " + ended.getKey() + " has " + rows.size() + " call records");
        if (rows.isEmpty() || rows.get(0).disposition() == null) return false;
        verify(rows.get(0).disposition() == ended.getValue(),
            "call " + ended.getKey() + " ended " + ended.getValue() + " but its record says " + rows.get(0).disposition());
      }
      return true;
    }

    long callEndedEvents(String callId) throws Exception {
      JdbcReadJournal journal = PersistenceQuery.get(Adapter.toClassic(engine.system()))
          .getReadJournalFor(JdbcReadJournal.class, JdbcReadJournal.Identifier());
      List<EventEnvelope> events = await(journal
          .currentEventsByPersistenceId(PersistenceId.of(CallEntity.ENTITY_KEY.name(), callId).id(), 0, Long.MAX_VALUE)
          .runWith(Sink.seq(), engine.system()));
      return events.stream().filter(e -> e.event() instanceof CallEntity.CallEnded).count();
    }

    // --- helpers ---

    CompletionStage<AgentView> register(String agentId, int expiresSeconds) {
      return engine.asks().ask(engine.sharding().entityRefFor(AgentEntity.ENTITY_KEY, agentId),
          r -> new AgentEntity.Register("sip:" + agentId + "@127.0.0.1:5070", expiresSeconds, null, r));
    }

    EntityRef<CallEntity.Command> callRef(String callId) {
      return engine.sharding().entityRefFor(CallEntity.ENTITY_KEY, callId);
    }

    <T> Map<String, T> all(Iterable<String> ids, Function<String, CompletionStage<T>> get) throws Exception {
      Map<String, CompletableFuture<T>> futures = new LinkedHashMap<>();
      ids.forEach(id -> futures.put(id, get.apply(id).toCompletableFuture()));
      Map<String, T> values = new LinkedHashMap<>();
      for (Map.Entry<String, CompletableFuture<T>> f : futures.entrySet()) values.put(f.getKey(), f.getValue().get(10, TimeUnit.SECONDS));
      return values;
    }

    void log(String line) {
      trace.add(line);
      if (trace.size() > 80) trace.poll();
    }
  }

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static void verify(boolean condition, String what) {
    if (!condition) throw new AssertionError(what);
  }
}
