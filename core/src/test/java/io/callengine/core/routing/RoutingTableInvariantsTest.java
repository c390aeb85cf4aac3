package io.callengine.core.routing;

import io.callengine.core.agent.Activity;
import io.callengine.core.agent.AgentView;
import io.callengine.core.agent.Presence;
import io.callengine.core.agent.Skill;
import io.callengine.core.call.CallStatus;
import io.callengine.core.queue.QueueConfig;
import io.callengine.core.queue.WaitingCall;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Thousands of random sequences of agent, queue and call events through the {@link RoutingTable},
 * with small stand-ins for the Agent, Queue and Call entities and for the Router's reservation
 * bookkeeping around the table. Their messages are delivered in a random interleaving that keeps
 * only causal order (no message overtakes one whose sending led to it) and lets an ask's reply,
 * which goes straight back, overtake what its sender told the Router just before through the
 * singleton proxy: the table sees views as stale as a cluster shows them.
 *
 * <p>After every step: no agent holds more calls than its capacity, no call is connected to two
 * agents, every agent a call rings holds the call, no match takes a call whose offer is still open
 * or an agent already being reserved. Whenever the messages have settled: no call waits while an
 * agent who could take it is free (available, registered, eligible, with the call's skills and
 * room for it, not resting after a refusal or a failed offer), and no agent holds a call that is
 * not offered to it or connected to it. At the end of each sequence every call has ended exactly
 * once and the table holds no call.
 *
 * <p>Deterministic per seed; {@code -Drouting.seed=N} replays one sequence.
 */
class RoutingTableInvariantsTest {
  private static final int SEQUENCES = 2_000;
  private static final int STEPS = 50;
  private static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");
  private static final List<String> SKILLS = List.of("sales", "billing", "spanish");
  private static final List<String> STRATEGIES = List.of(
      "longest-idle", "round-robin", "fewest-calls", "least-talk-time", "most-skilled", "random", "ring-all", "ring-all");
  /** The AgentEntity's default for {@code callengine.agents.max-consecutive-no-answers}. */
  private static final int MAX_NO_ANSWERS = 3;
  private static final Duration REFUSAL_COOL_DOWN = Duration.ofSeconds(1);
  private static final Duration OFFER_FAILED_COOL_DOWN = Duration.ofSeconds(5);

  @Test
  void randomSequencesOfAgentQueueAndCallEventsKeepTheRoutingInvariants() {
    Long replay = Long.getLong("routing.seed");
    long first = replay != null ? replay : 20_260_101L;
    int count = replay != null ? 1 : SEQUENCES;
    for (long seed = first; seed < first + count; seed++) {
      Simulation simulation = new Simulation(seed);
      try {
        simulation.run(STEPS);
      } catch (AssertionError | RuntimeException e) {
        throw new AssertionError("seed " + seed + " (replay with -Drouting.seed=" + seed + "): " + e.getMessage()
            + "\nlast events:\n" + String.join("\n", simulation.trace), e);
      }
    }
  }

  // --- the stand-ins ---

  /**
   * A message in flight. {@code past} holds every message whose sending causally precedes it (and
   * itself); an ask's {@code reply} may overtake earlier messages of its own sender.
   */
  private record Message(int id, String from, String to, String label, Runnable delivery, BitSet past, boolean reply) {}

  private static final class ModelAgent {
    final String id;
    Presence presence;
    String breakReason;
    Presence pendingPresence;
    Instant registeredUntil;
    List<Skill> skills;
    int maxCalls;
    List<String> queues;
    final Map<String, Activity> calls = new LinkedHashMap<>();
    Instant wrapUpUntil;
    long callsHandled;
    long talkSeconds;
    int noAnswers;
    Instant lastCallEndedAt;
    boolean wrapUpTimerSent;
    boolean registrationTimerSent;

    ModelAgent(String id) {
      this.id = id;
    }

    boolean canTakeCall(Instant now) {
      return presence == Presence.AVAILABLE && registeredUntil != null && registeredUntil.isAfter(now)
          && wrapUpUntil == null && calls.size() < maxCalls;
    }

    boolean settled() {
      return calls.isEmpty() && wrapUpUntil == null;
    }

    void setPresence(Presence value, String reason) {
      presence = value;
      breakReason = reason;
      pendingPresence = null;
      if (value == Presence.AVAILABLE) noAnswers = 0;
    }

    void applyPendingIfSettled() {
      if (pendingPresence != null && settled()) setPresence(pendingPresence, pendingPresence == Presence.BREAK ? "lunch" : null);
    }

    boolean eligible(QueueConfig queue) {
      return (queues.isEmpty() || queues.contains(queue.id())) && hasSkills(queue.requiredSkills());
    }

    boolean hasSkills(List<QueueConfig.RequiredSkill> required) {
      for (QueueConfig.RequiredSkill r : required) {
        if (skills.stream().noneMatch(s -> s.name().equals(r.name()) && s.level() >= r.minLevel())) return false;
      }
      return true;
    }

    Activity activity() {
      if (calls.containsValue(Activity.ON_CALL)) return Activity.ON_CALL;
      if (calls.containsValue(Activity.RINGING)) return Activity.RINGING;
      if (!calls.isEmpty()) return Activity.RESERVED;
      return wrapUpUntil != null ? Activity.WRAP_UP : Activity.IDLE;
    }

    AgentView view(Instant now) {
      boolean registered = registeredUntil != null && registeredUntil.isAfter(now);
      return new AgentView(id, id, "sip:" + id + "@example.test", presence, breakReason, pendingPresence, null, activity(),
          registered, registeredUntil, registeredUntil == null ? null : "sip:" + id + "@127.0.0.1", List.copyOf(skills),
          maxCalls, null, null, null, List.copyOf(queues), List.copyOf(calls.keySet()), wrapUpUntil, callsHandled,
          talkSeconds, noAnswers, lastCallEndedAt, true);
    }
  }

  private static final class ModelQueue {
    QueueConfig config;
    final TreeSet<WaitingCall> line = new TreeSet<>(WaitingCall.ORDER);

    ModelQueue(QueueConfig config) {
      this.config = config;
    }

    WaitingCall find(String callId) {
      return line.stream().filter(w -> w.callId().equals(callId)).findFirst().orElse(null);
    }
  }

  private static final class ModelCall {
    final String id;
    final int priority;
    final Instant enqueuedAt;
    final List<QueueConfig.RequiredSkill> extraSkills;
    CallStatus status = CallStatus.QUEUED;
    String queueId;
    /** When the call's current queue admitted it (the queue's stamp). */
    Instant joinedAt;
    List<String> offeredTo = List.of();
    String agentId;
    int wrapUpSeconds;
    Instant answeredAt;
    int ends;

    ModelCall(String id, String queueId, int priority, Instant enqueuedAt, List<QueueConfig.RequiredSkill> extraSkills) {
      this.id = id;
      this.queueId = queueId;
      this.priority = priority;
      this.enqueuedAt = enqueuedAt;
      this.extraSkills = extraSkills;
    }

    boolean active() {
      return status != CallStatus.ENDED;
    }
  }

  /** The Router's record of one offer while its reservations are asked for, as Router.PendingOffer keeps it. */
  private static final class PendingOffer {
    final int expected;
    final List<String> reserved = new ArrayList<>();
    int answered;

    PendingOffer(int expected) {
      this.expected = expected;
    }
  }

  private static final class Simulation {
    final Random random;
    final RoutingTable table;
    final int ringAllMax;
    Instant now = T0;
    Instant lastTickAt = T0;
    final Map<String, ModelAgent> agents = new LinkedHashMap<>();
    final Map<String, ModelQueue> queues = new LinkedHashMap<>();
    final Map<String, ModelCall> calls = new LinkedHashMap<>();
    final Map<String, List<Message>> inFlight = new LinkedHashMap<>();
    final Map<String, BitSet> pasts = new HashMap<>();
    int sent;
    /** The actor whose step is running: what it sends carries its causal past. */
    String current = "test";
    final ArrayDeque<String> trace = new ArrayDeque<>();
    int matches;
    // The Router's bookkeeping around the table (Router.java), and the test's mirror of the table's cool-downs.
    final Map<String, PendingOffer> pending = new HashMap<>();
    final Map<String, Integer> reserving = new HashMap<>();
    final Map<String, Instant> coolDownUntil = new HashMap<>();

    Simulation(long seed) {
      random = new Random(seed);
      ringAllMax = 2 + random.nextInt(2);
      table = new RoutingTable(new Random(seed ^ 0x5DEECE66DL), ringAllMax);
    }

    void run(int steps) {
      setUp();
      for (int step = 0; step < steps; step++) {
        randomStep();
        checkAlways();
      }
      hangUpEverything();
    }

    // --- set-up ---

    void setUp() {
      int queueCount = 2 + random.nextInt(2);
      for (int i = 0; i < queueCount; i++) {
        ModelQueue queue = new ModelQueue(randomQueueConfig("q" + i));
        queues.put(queue.config.id(), queue);
        as("queue:" + queue.config.id(), () -> reportQueue(queue));
      }
      int agentCount = 3 + random.nextInt(4);
      for (int i = 0; i < agentCount; i++) {
        ModelAgent agent = new ModelAgent("a" + i);
        agent.presence = random.nextInt(4) == 0 ? Presence.OFFLINE : Presence.AVAILABLE;
        agent.registeredUntil = random.nextInt(5) == 0 ? null : now.plusSeconds(30 + random.nextInt(300));
        agent.skills = randomSkills();
        agent.maxCalls = 1 + random.nextInt(2);
        agent.queues = randomQueueList();
        agents.put(agent.id, agent);
        as("agent:" + agent.id, () -> report(agent));
      }
    }

    QueueConfig randomQueueConfig(String id) {
      List<QueueConfig.RequiredSkill> required = random.nextInt(3) == 0
          ? List.of(new QueueConfig.RequiredSkill(pick(SKILLS), 1 + random.nextInt(3)))
          : List.of();
      int wrapUp = random.nextInt(3) == 0 ? 1 + random.nextInt(3) : 0;
      return new QueueConfig(id, id, id, 0, required, pick(STRATEGIES), 0, 0, null, wrapUp, 20, 20, 486, QueueConfig.WAIT, 0);
    }

    List<Skill> randomSkills() {
      List<Skill> skills = new ArrayList<>();
      for (String name : SKILLS) if (random.nextInt(3) > 0) skills.add(new Skill(name, 1 + random.nextInt(5)));
      return skills;
    }

    List<String> randomQueueList() {
      if (random.nextInt(2) == 0) return List.of();
      List<String> listed = new ArrayList<>();
      for (String queueId : queues.keySet()) if (random.nextBoolean()) listed.add(queueId);
      return listed;
    }

    // --- the steps ---

    void randomStep() {
      int roll = random.nextInt(100);
      if (roll < 30) deliver(1 + random.nextInt(3));
      else if (roll < 42) newCall();
      else if (roll < 47) phoneRings();
      else if (roll < 57) phoneAnswers();
      else if (roll < 65) phoneFails();
      else if (roll < 72) hangUpOne();
      else if (roll < 79) setPresence();
      else if (roll < 82) register();
      else if (roll < 84) reconfigureAgent();
      else if (roll < 86) reconfigureQueue();
      else if (roll < 89) maxWaitExpires();
      else if (roll < 95) advanceTime(Duration.ofMillis(random.nextInt(3_000)));
      else settleAndCheck();
    }

    void newCall() {
      String callId = "c" + calls.size();
      List<QueueConfig.RequiredSkill> extra = random.nextInt(4) == 0
          ? List.of(new QueueConfig.RequiredSkill(pick(SKILLS), 1 + random.nextInt(3)))
          : List.of();
      ModelCall call = new ModelCall(callId, pick(new ArrayList<>(queues.keySet())), random.nextInt(3), now, extra);
      calls.put(callId, call);
      log("start " + callId + " in " + call.queueId + " priority " + call.priority + " extra " + extra);
      WaitingCall waiting = new WaitingCall(callId, call.priority, now, now, extra);
      String queueId = call.queueId;
      as("call:" + callId, () -> send("queue:" + queueId, "Enqueue " + callId, () -> queueEnqueue(queueId, waiting)));
    }

    void phoneRings() {
      ModelCall call = randomCall(CallStatus.OFFERING);
      if (call == null) return;
      String agentId = pick(call.offeredTo);
      log("phone of " + agentId + " rings for " + call.id);
      as("call:" + call.id, () -> send("agent:" + agentId, "Ringing " + call.id, () -> agentRinging(agentId, call.id)));
    }

    void phoneAnswers() {
      ModelCall call = randomCall(CallStatus.OFFERING);
      if (call == null) return;
      String agentId = pick(call.offeredTo);
      log("phone of " + agentId + " answers " + call.id);
      as("call:" + call.id, () -> answer(call, agentId));
    }

    void answer(ModelCall call, String agentId) {
      call.status = CallStatus.CONNECTED;
      call.agentId = agentId;
      call.answeredAt = now;
      List<String> others = call.offeredTo.stream().filter(a -> !a.equals(agentId)).toList();
      call.offeredTo = List.of();
      send("agent:" + agentId, "AnswerCall " + call.id, () -> agentAnswer(agentId, call.id));
      others.forEach(other -> send("agent:" + other, "ReleaseCall " + call.id, () -> agentRelease(other, call.id, false)));
      String queueId = call.queueId;
      send("queue:" + queueId, "Remove " + call.id, () -> queueRemove(queueId, call.id));
    }

    void phoneFails() {
      ModelCall call = randomCall(CallStatus.OFFERING);
      if (call == null) return;
      String agentId = pick(call.offeredTo);
      boolean noAnswer = random.nextBoolean();
      log("phone of " + agentId + " fails " + call.id + (noAnswer ? " (no answer)" : " (busy)"));
      as("call:" + call.id, () -> fail(call, agentId, noAnswer));
    }

    void fail(ModelCall call, String agentId, boolean noAnswer) {
      call.offeredTo = call.offeredTo.stream().filter(a -> !a.equals(agentId)).toList();
      if (call.offeredTo.isEmpty()) {
        call.status = CallStatus.QUEUED;
        call.wrapUpSeconds = 0;
      }
      send("agent:" + agentId, "ReleaseCall " + call.id + " noAnswer=" + noAnswer, () -> agentRelease(agentId, call.id, noAnswer));
      if (call.status == CallStatus.QUEUED) {
        send("router", "OfferEnded " + call.id + " at " + agentId, () -> routerOfferEnded(call.id, agentId));
      }
    }

    void hangUpOne() {
      List<ModelCall> active = calls.values().stream().filter(ModelCall::active).toList();
      if (!active.isEmpty()) hangUp(active.get(random.nextInt(active.size())));
    }

    void hangUp(ModelCall call) {
      as("call:" + call.id, () -> end(call));
    }

    void end(ModelCall call) {
      CallStatus before = call.status;
      List<String> offeredTo = call.offeredTo;
      log("hang up " + call.id + " (" + before + ")");
      call.status = CallStatus.ENDED;
      call.ends++;
      call.offeredTo = List.of();
      String queueId = call.queueId;
      if (before == CallStatus.QUEUED || before == CallStatus.OFFERING) {
        send("queue:" + queueId, "Remove " + call.id, () -> queueRemove(queueId, call.id));
      }
      offeredTo.forEach(agentId -> send("agent:" + agentId, "ReleaseCall " + call.id, () -> agentRelease(agentId, call.id, false)));
      if (before == CallStatus.CONNECTED) {
        long talk = Duration.between(call.answeredAt, now).toSeconds();
        int wrapUp = call.wrapUpSeconds;
        send("agent:" + call.agentId, "FinishCall " + call.id, () -> agentFinish(call.agentId, call.id, talk, wrapUp));
      }
    }

    /**
     * A queue's max wait (at least a second) is over for one of its calls: the queue tells the call
     * to move on to another queue.
     */
    void maxWaitExpires() {
      List<Map.Entry<String, WaitingCall>> due = new ArrayList<>();
      queues.values().forEach(q -> q.line.stream().filter(w -> !w.joinedAt().plusSeconds(1).isAfter(now))
          .forEach(w -> due.add(Map.entry(q.config.id(), w))));
      if (due.isEmpty()) return;
      Map.Entry<String, WaitingCall> expired = pick(due);
      String from = expired.getKey();
      WaitingCall waiting = expired.getValue();
      String to = pick(queues.keySet().stream().filter(q -> !q.equals(from)).toList());
      log("max wait over for " + waiting.callId() + " in " + from);
      as("queue:" + from, () -> send("call:" + waiting.callId(), "WaitExpired " + waiting.callId() + " overflow to " + to,
          () -> callWaitExpired(waiting, from, to)));
    }

    void setPresence() {
      ModelAgent agent = pick(new ArrayList<>(agents.values()));
      int roll = random.nextInt(5);
      Presence presence = roll < 3 ? Presence.AVAILABLE : roll == 3 ? Presence.BREAK : Presence.OFFLINE;
      log("presence " + agent.id + " " + presence);
      if (presence != Presence.AVAILABLE && !agent.settled()) agent.pendingPresence = presence;
      else agent.setPresence(presence, presence == Presence.BREAK ? "lunch" : null);
      as("agent:" + agent.id, () -> report(agent));
    }

    void register() {
      ModelAgent agent = pick(new ArrayList<>(agents.values()));
      boolean unregister = random.nextInt(4) == 0;
      agent.registeredUntil = unregister ? null : now.plusSeconds(5 + random.nextInt(300));
      agent.registrationTimerSent = false;
      log((unregister ? "unregister " : "register ") + agent.id + " until " + agent.registeredUntil);
      as("agent:" + agent.id, () -> report(agent));
    }

    void reconfigureAgent() {
      ModelAgent agent = pick(new ArrayList<>(agents.values()));
      agent.skills = randomSkills();
      agent.queues = randomQueueList();
      log("reconfigure " + agent.id + " skills " + agent.skills + " queues " + agent.queues);
      as("agent:" + agent.id, () -> report(agent));
    }

    void reconfigureQueue() {
      ModelQueue queue = pick(new ArrayList<>(queues.values()));
      queue.config = randomQueueConfig(queue.config.id());
      log("reconfigure " + queue.config.id() + " " + queue.config.strategy() + " " + queue.config.requiredSkills());
      as("queue:" + queue.config.id(), () -> reportQueue(queue));
    }

    /** Time passes: the Router ticks every whole second, and the agents' wrap-up and registration timers fire when due. */
    void advanceTime(Duration by) {
      Instant until = now.plus(by);
      log("time +" + by.toMillis() + " ms");
      while (true) {
        Instant nextTick = now.plusMillis(1_000 - now.toEpochMilli() % 1_000);
        if (nextTick.isAfter(until)) break;
        now = nextTick;
        armAgentTimers();
        as("router", () -> send("router", "Tick", this::routerTick));
      }
      now = until;
      armAgentTimers();
    }

    void armAgentTimers() {
      for (ModelAgent agent : agents.values()) {
        if (agent.wrapUpUntil != null && !agent.wrapUpUntil.isAfter(now) && !agent.wrapUpTimerSent) {
          agent.wrapUpTimerSent = true;
          as("agent:" + agent.id, () -> send("agent:" + agent.id, "EndWrapUp " + agent.id, () -> agentEndWrapUp(agent.id)));
        }
        if (agent.registeredUntil != null && !agent.registeredUntil.isAfter(now) && !agent.registrationTimerSent) {
          agent.registrationTimerSent = true;
          as("agent:" + agent.id,
              () -> send("agent:" + agent.id, "RegistrationLapsed " + agent.id, () -> agentRegistrationLapsed(agent.id)));
        }
      }
    }

    void hangUpEverything() {
      settleAndCheck();
      calls.values().stream().filter(ModelCall::active).toList().forEach(this::hangUp);
      advanceTime(Duration.ofSeconds(4));
      settleAndCheck();
      for (ModelCall call : calls.values()) {
        check(call.ends == 1, "call " + call.id + " ended " + call.ends + " times");
      }
      for (ModelAgent agent : agents.values()) {
        check(agent.calls.isEmpty(), "agent " + agent.id + " still holds " + agent.calls + " after every call ended");
      }
      SystemStats stats = table.systemStats(now);
      check(stats.activeCalls() == 0 && stats.queuedCalls() == 0, "the table still counts calls after every call ended: " + stats);
      check(pending.isEmpty(), "the Router still waits on offers " + pending.keySet());
    }

    // --- the network ---

    void as(String actor, Runnable step) {
      String before = current;
      current = actor;
      try {
        step.run();
      } finally {
        current = before;
      }
    }

    void send(String to, String label, Runnable delivery) {
      send(to, label, delivery, false);
    }

    /** The answer to the Router's ask: it goes straight back, so it may overtake what its sender reported through the proxy. */
    void reply(String label, Runnable delivery) {
      send("router", label, delivery, true);
    }

    void send(String to, String label, Runnable delivery, boolean reply) {
      int id = sent++;
      BitSet past = pasts.computeIfAbsent(current, a -> new BitSet());
      past.set(id);
      Message message = new Message(id, current, to, label, delivery, (BitSet) past.clone(), reply);
      inFlight.computeIfAbsent(to, r -> new ArrayList<>()).add(message);
    }

    boolean deliverable(Message message, List<Message> sameReceiver) {
      for (Message earlier : sameReceiver) {
        if (earlier == message || !message.past().get(earlier.id())) continue;
        if (!(message.reply() && earlier.from().equals(message.from()))) return false;
      }
      return true;
    }

    void deliver(int count) {
      for (int i = 0; i < count && !inFlight.isEmpty(); i++) deliverOne();
    }

    void deliverOne() {
      List<Message> ready = new ArrayList<>();
      inFlight.values().forEach(toOne -> toOne.stream().filter(m -> deliverable(m, toOne)).forEach(ready::add));
      Message message = ready.get(random.nextInt(ready.size()));
      List<Message> toOne = inFlight.get(message.to());
      toOne.remove(message);
      if (toOne.isEmpty()) inFlight.remove(message.to());
      pasts.computeIfAbsent(message.to(), a -> new BitSet()).or(message.past());
      log("  > " + message.from() + ">" + message.to() + ": " + message.label());
      as(message.to(), message.delivery());
    }

    /**
     * Delivers every message in flight, checks the settled invariants against the Router's last
     * tick, then lets the Router tick now (as it does every second) and checks them again.
     */
    void settleAndCheck() {
      drain();
      checkSettled(lastTickAt);
      for (int round = 0; ; round++) {
        check(round < 50, "the Router keeps making offers without the phones doing anything");
        int before = matches;
        routerTick();
        drain();
        if (matches == before) break;
      }
      checkSettled(now);
    }

    void drain() {
      for (int delivered = 0; !inFlight.isEmpty(); delivered++) {
        check(delivered < 10_000, "messages keep flowing without end");
        deliverOne();
      }
    }

    // --- the Router around the table, as Router.java does it ---

    void routerAgentChanged(AgentView view) {
      table.agentChanged(view, now);
      dispatch();
    }

    void routerQueueChanged(QueueConfig config) {
      table.queueChanged(config, now);
      dispatch();
    }

    void routerCallWaiting(String queueId, WaitingCall call) {
      table.callWaiting(queueId, call);
      dispatch();
    }

    void routerCallLeft(String queueId, String callId) {
      table.callLeft(queueId, callId);
    }

    void routerOfferEnded(String callId, String agentId) {
      if (pending.containsKey(callId)) return;
      table.offerEnded(callId, agentId, now);
      coolDownUntil.put(agentId, now.plus(OFFER_FAILED_COOL_DOWN));
      dispatch();
    }

    void routerTick() {
      lastTickAt = now;
      table.markAllWaitingQueuesDirty();
      dispatch();
    }

    void dispatch() {
      for (RoutingTable.Match match : table.takeMatches(now)) {
        checkMatch(match);
        matches++;
        log("  match " + match);
        pending.put(match.callId(), new PendingOffer(match.agentIds().size()));
        for (String agentId : match.agentIds()) {
          reserving.merge(agentId, 1, Integer::sum);
          send("agent:" + agentId, "Reserve " + match.callId(),
              () -> agentReserve(agentId, match.callId(), ok -> reply("Reserved " + match.callId() + " at " + agentId + " " + ok,
                  () -> routerReservationAnswered(match.callId(), agentId, ok))));
        }
      }
    }

    void routerReservationAnswered(String callId, String agentId, boolean reserved) {
      reserving.merge(agentId, -1, Integer::sum);
      table.reservationSettled(agentId, reserved, now);
      if (!reserved) coolDownUntil.put(agentId, now.plus(REFUSAL_COOL_DOWN));
      PendingOffer offer = pending.get(callId);
      if (offer == null) {
        dispatch();
        return;
      }
      offer.answered++;
      if (reserved) offer.reserved.add(agentId);
      if (offer.answered < offer.expected) {
        dispatch();
        return;
      }
      if (offer.reserved.isEmpty()) {
        pending.remove(callId);
        table.offerEnded(callId, null, now);
        dispatch();
        return;
      }
      QueueConfig queue = table.queue(table.queueOf(callId));
      int wrapUp = queue != null ? queue.wrapUpSeconds() : 0;
      List<String> agentIds = List.copyOf(offer.reserved);
      send("call:" + callId, "Offer " + callId + " to " + agentIds,
          () -> callOffer(callId, agentIds, wrapUp, accepted -> reply("Offer " + callId + " accepted=" + accepted,
              () -> routerOfferAnswered(callId, agentIds, accepted))));
      dispatch();
    }

    void routerOfferAnswered(String callId, List<String> agentIds, boolean accepted) {
      pending.remove(callId);
      table.offerAnswered(callId, accepted);
      if (!accepted) {
        agentIds.forEach(agentId -> send("agent:" + agentId, "ReleaseCall " + callId, () -> agentRelease(agentId, callId, false)));
      }
    }

    // --- the entities ---

    void report(ModelAgent agent) {
      AgentView view = agent.view(now);
      send("router", "AgentChanged " + agent.id + " " + view.presence() + " " + agent.calls,
          () -> routerAgentChanged(view));
    }

    void reportQueue(ModelQueue queue) {
      QueueConfig config = queue.config;
      String id = config.id();
      send("router", "QueueChanged " + id, () -> routerQueueChanged(config));
      queue.line.forEach(w -> send("router", "CallWaiting " + w.callId(), () -> routerCallWaiting(id, w)));
    }

    void agentReserve(String agentId, String callId, Consumer<Boolean> reply) {
      ModelAgent agent = agents.get(agentId);
      if (agent.calls.containsKey(callId)) {
        reply.accept(true);
      } else if (!agent.canTakeCall(now)) {
        reply.accept(false);
      } else {
        agent.calls.put(callId, Activity.RESERVED);
        report(agent);
        reply.accept(true);
      }
    }

    void agentRinging(String agentId, String callId) {
      ModelAgent agent = agents.get(agentId);
      if (agent.calls.get(callId) != Activity.RESERVED) return;
      agent.calls.put(callId, Activity.RINGING);
      report(agent);
    }

    void agentAnswer(String agentId, String callId) {
      ModelAgent agent = agents.get(agentId);
      if (!agent.calls.containsKey(callId)) return;
      agent.calls.put(callId, Activity.ON_CALL);
      agent.noAnswers = 0;
      report(agent);
    }

    void agentRelease(String agentId, String callId, boolean noAnswer) {
      ModelAgent agent = agents.get(agentId);
      if (!agent.calls.containsKey(callId)) return;
      boolean toBreak = noAnswer && agent.noAnswers + 1 >= MAX_NO_ANSWERS && agent.presence == Presence.AVAILABLE
          && agent.pendingPresence == null;
      agent.calls.remove(callId);
      if (noAnswer) agent.noAnswers++;
      agent.applyPendingIfSettled();
      if (toBreak) agent.setPresence(Presence.BREAK, "no-answer");
      report(agent);
    }

    void agentFinish(String agentId, String callId, long talk, int queueWrapUp) {
      ModelAgent agent = agents.get(agentId);
      if (!agent.calls.containsKey(callId)) return;
      agent.calls.remove(callId);
      Instant ends = queueWrapUp > 0 ? now.plusSeconds(queueWrapUp) : null;
      if (agent.wrapUpUntil == null || (ends != null && ends.isAfter(agent.wrapUpUntil))) agent.wrapUpUntil = ends;
      if (ends != null) agent.wrapUpTimerSent = false;
      agent.callsHandled++;
      agent.talkSeconds += talk;
      agent.lastCallEndedAt = now;
      agent.applyPendingIfSettled();
      report(agent);
    }

    void agentEndWrapUp(String agentId) {
      ModelAgent agent = agents.get(agentId);
      if (agent.wrapUpUntil == null) return;
      if (agent.wrapUpUntil.isAfter(now)) {
        agent.wrapUpTimerSent = false;
        return;
      }
      agent.wrapUpUntil = null;
      agent.applyPendingIfSettled();
      report(agent);
    }

    void agentRegistrationLapsed(String agentId) {
      ModelAgent agent = agents.get(agentId);
      if (agent.registeredUntil == null || agent.registeredUntil.isAfter(now)) return;
      agent.registeredUntil = null;
      report(agent);
    }

    void queueEnqueue(String queueId, WaitingCall call) {
      ModelQueue queue = queues.get(queueId);
      if (queue.find(call.callId()) != null) return;
      WaitingCall joined = call.joined(now);
      queue.line.add(joined);
      calls.get(call.callId()).joinedAt = now;
      send("router", "CallWaiting " + call.callId(), () -> routerCallWaiting(queueId, joined));
    }

    void queueRemove(String queueId, String callId) {
      ModelQueue queue = queues.get(queueId);
      WaitingCall waiting = queue.find(callId);
      if (waiting == null) return;
      queue.line.remove(waiting);
      send("router", "CallLeft " + callId, () -> routerCallLeft(queueId, callId));
    }

    /**
     * As CallEntity.onWaitExpired: only a call still waiting in that queue moves, keeping its age.
     * A word about an earlier stay in the queue would have to be more than a max wait late, which
     * no message is.
     */
    void callWaitExpired(WaitingCall expired, String from, String to) {
      String callId = expired.callId();
      ModelCall call = calls.get(callId);
      if (call.status != CallStatus.QUEUED || !call.queueId.equals(from) || !expired.joinedAt().equals(call.joinedAt)) return;
      log("move " + callId + " from " + from + " to " + to);
      call.queueId = to;
      send("queue:" + from, "Remove " + callId, () -> queueRemove(from, callId));
      WaitingCall waiting = new WaitingCall(callId, call.priority, call.enqueuedAt, now, call.extraSkills);
      send("queue:" + to, "Enqueue " + callId, () -> queueEnqueue(to, waiting));
    }

    void callOffer(String callId, List<String> agentIds, int wrapUp, Consumer<Boolean> reply) {
      ModelCall call = calls.get(callId);
      if (call.status != CallStatus.QUEUED) {
        reply.accept(false);
        return;
      }
      call.status = CallStatus.OFFERING;
      call.offeredTo = agentIds;
      call.wrapUpSeconds = wrapUp;
      reply.accept(true);
    }

    // --- the invariants ---

    /** What must hold at every moment, whatever is in flight. */
    void checkAlways() {
      Map<String, String> connectedAt = new HashMap<>();
      for (ModelAgent agent : agents.values()) {
        check(agent.calls.size() <= agent.maxCalls,
            "agent " + agent.id + " holds " + agent.calls + " above its capacity " + agent.maxCalls);
        agent.calls.forEach((callId, step) -> {
          if (step != Activity.ON_CALL) return;
          String other = connectedAt.put(callId, agent.id);
          check(other == null, "call " + callId + " is connected to both " + other + " and " + agent.id);
          check(agent.id.equals(calls.get(callId).agentId), "agent " + agent.id + " is on call " + callId
              + " which is connected to " + calls.get(callId).agentId);
        });
      }
      for (ModelCall call : calls.values()) {
        check(call.ends <= 1, "call " + call.id + " ended " + call.ends + " times");
        if (call.status == CallStatus.OFFERING) {
          for (String agentId : call.offeredTo) {
            check(agents.get(agentId).calls.containsKey(call.id),
                "call " + call.id + " rings agent " + agentId + " who does not hold it (holds " + agents.get(agentId).calls + ")");
          }
        }
        if (call.status == CallStatus.CONNECTED) {
          check(agents.get(call.agentId).calls.containsKey(call.id),
              "call " + call.id + " is connected to agent " + call.agentId + " who does not hold it");
        }
      }
      reserving.forEach((agentId, n) -> check(n <= 1, "agent " + agentId + " is in " + n + " reservations at once"));
    }

    /** A match the table just made: its call has no offer open, its agents are not being reserved, and it rings few enough. */
    void checkMatch(RoutingTable.Match match) {
      ModelCall call = calls.get(match.callId());
      check(call.status != CallStatus.OFFERING && call.status != CallStatus.CONNECTED,
          "call " + call.id + " matched again while " + call.status + " (" + call.offeredTo + call.agentId + ")");
      check(!pending.containsKey(call.id), "call " + call.id + " matched again while the Router still reserves agents for it");
      int wanted = "ring-all".equals(table.queue(match.queueId()).strategy()) ? ringAllMax : 1;
      check(!match.agentIds().isEmpty() && match.agentIds().size() <= wanted, "match " + match + " rings too many agents");
      check(new HashSet<>(match.agentIds()).size() == match.agentIds().size(), "match " + match + " names an agent twice");
      for (String agentId : match.agentIds()) {
        check(reserving.getOrDefault(agentId, 0) == 0, "match " + match + " takes agent " + agentId + " who is being reserved");
      }
    }

    /**
     * With nothing in flight: no call waits while an agent who may take it is free (an agent
     * still cooling down at the Router's last decision does not count), and every call an agent
     * holds rings it or is connected to it.
     */
    void checkSettled(Instant decidedAt) {
      for (ModelCall call : calls.values()) {
        if (call.status != CallStatus.QUEUED) continue;
        ModelQueue queue = queues.get(call.queueId);
        check(queue.find(call.id) != null, "call " + call.id + " is QUEUED but not in line in " + call.queueId);
        for (ModelAgent agent : agents.values()) {
          Instant coolsUntil = coolDownUntil.get(agent.id);
          boolean coolingDown = coolsUntil != null && coolsUntil.isAfter(decidedAt);
          if (agent.canTakeCall(now) && !coolingDown && agent.eligible(queue.config) && agent.hasSkills(call.extraSkills)) {
            check(false, "call " + call.id + " waits in " + call.queueId + " while agent " + agent.id + " is free for it ("
                + agent.view(now) + ")");
          }
        }
      }
      for (ModelAgent agent : agents.values()) {
        for (String callId : agent.calls.keySet()) {
          ModelCall call = calls.get(callId);
          boolean rings = call.status == CallStatus.OFFERING && call.offeredTo.contains(agent.id);
          boolean connected = call.status == CallStatus.CONNECTED && agent.id.equals(call.agentId);
          check(rings || connected, "agent " + agent.id + " holds " + callId + " which is " + call.status
              + " offered to " + call.offeredTo + " connected to " + call.agentId);
        }
      }
      check(pending.isEmpty(), "the Router still waits on offers " + pending.keySet() + " with nothing in flight");
    }

    // --- helpers ---

    ModelCall randomCall(CallStatus status) {
      List<ModelCall> matching = calls.values().stream().filter(c -> c.status == status).toList();
      return matching.isEmpty() ? null : matching.get(random.nextInt(matching.size()));
    }

    <T> T pick(List<T> values) {
      return values.get(random.nextInt(values.size()));
    }

    void log(String line) {
      trace.add(line);
      if (trace.size() > 120) trace.poll();
    }

    static void check(boolean condition, String what) {
      if (!condition) throw new AssertionError(what);
    }
  }
}
