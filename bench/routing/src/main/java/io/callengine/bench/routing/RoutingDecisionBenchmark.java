package io.callengine.bench.routing;

import io.callengine.core.agent.Activity;
import io.callengine.core.agent.AgentView;
import io.callengine.core.agent.Presence;
import io.callengine.core.agent.Skill;
import io.callengine.core.queue.QueueConfig;
import io.callengine.core.queue.WaitingCall;
import io.callengine.core.routing.RoutingTable;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One routing decision of the Router's {@link RoutingTable} at the size of a large contact
 * center: 10,000 agents (9,900 on a call, 100 free), 1,000 queues over 50 skills with every
 * strategy, 5,000 calls waiting. A decision is what the Router does for one message: the
 * table update, then {@code takeMatches}.
 *
 * <p>Each invocation is timed alone ({@code SampleTime}); the per-invocation fixtures, which
 * are not timed, prepare the next event and undo the decision afterwards, so that every
 * invocation meets the same situation.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
public class RoutingDecisionBenchmark {
  static final int AGENTS = 10_000;
  static final int FREE_AGENTS = 100;
  static final int QUEUES = 1_000;
  /** In a steady state a free agent serves no queue with calls waiting: the free agents serve these alone. */
  static final int QUIET_QUEUES = 100;
  static final int BUSY_QUEUES = QUEUES - QUIET_QUEUES;
  static final int WAITING_CALLS = 5_000;
  static final int SKILLS = 50;
  static final int RING_ALL_MAX = 3;
  static final List<String> STRATEGIES = List.of(
      "longest-idle", "round-robin", "fewest-calls", "least-talk-time", "most-skilled", "random", "ring-all");

  /** The table in its steady state, built once per fork. */
  public abstract static class World {
    final Instant now = Instant.parse("2026-01-01T12:00:00Z");
    final Random rnd = new Random(2026);
    final List<QueueConfig> queues = new ArrayList<>();
    final List<String> staffedQuietQueues = new ArrayList<>();
    final List<AgentView> busyAgents = new ArrayList<>();
    RoutingTable table;
    List<RoutingTable.Match> matches;
    long callSeq;

    @Setup(Level.Trial)
    public void build() {
      table = new RoutingTable(new Random(7), RING_ALL_MAX);
      for (int q = 0; q < QUEUES; q++) {
        QueueConfig queue = queue(q);
        queues.add(queue);
        table.queueChanged(queue, now);
      }
      Set<String> staffed = new TreeSet<>();
      for (int i = 0; i < AGENTS; i++) {
        boolean free = i < FREE_AGENTS;
        List<QueueConfig> served = free ? pickQueues(BUSY_QUEUES, QUEUES) : pickQueues(0, BUSY_QUEUES);
        AgentView agent = agent(i, served, free);
        table.agentChanged(agent, now);
        if (free) served.forEach(q -> staffed.add(q.id()));
        else busyAgents.add(agent);
      }
      staffedQuietQueues.addAll(staffed);
      for (int c = 0; c < WAITING_CALLS; c++) {
        Instant since = now.minusMillis(rnd.nextInt(600_000));
        List<QueueConfig.RequiredSkill> extra = rnd.nextInt(20) == 0 ? List.of(new QueueConfig.RequiredSkill(skill(rnd.nextInt(SKILLS)), 2)) : List.of();
        table.callWaiting(queues.get(rnd.nextInt(BUSY_QUEUES)).id(),
            new WaitingCall(String.format("waiting-%05d", c), rnd.nextInt(3), since, since, extra));
      }
      require(table.takeMatches(now).isEmpty(), "a free agent serves a queue with calls waiting");
    }

    QueueConfig queue(int q) {
      Set<String> skills = new LinkedHashSet<>();
      int wanted = 1 + rnd.nextInt(2);
      while (skills.size() < wanted) skills.add(skill(rnd.nextInt(SKILLS)));
      List<QueueConfig.RequiredSkill> required = skills.stream().map(s -> new QueueConfig.RequiredSkill(s, 1 + rnd.nextInt(3))).toList();
      String id = String.format("queue-%04d", q);
      return new QueueConfig(id, id, id, 0, required, STRATEGIES.get(q % STRATEGIES.size()), 0, 0, null, 0, 20, 20, 486, "wait", 0);
    }

    /** Three to six distinct queues from {@code [from, to)}. */
    List<QueueConfig> pickQueues(int from, int to) {
      Set<QueueConfig> picked = new LinkedHashSet<>();
      int wanted = 3 + rnd.nextInt(4);
      while (picked.size() < wanted) picked.add(queues.get(from + rnd.nextInt(to - from)));
      return List.copyOf(picked);
    }

    /** An agent with the skills of the queues he serves (levels up to 5) and a few more. */
    AgentView agent(int i, List<QueueConfig> served, boolean free) {
      Map<String, Integer> levels = new TreeMap<>();
      for (QueueConfig q : served) {
        for (QueueConfig.RequiredSkill r : q.requiredSkills()) levels.merge(r.name(), r.minLevel() + rnd.nextInt(6 - r.minLevel()), Math::max);
      }
      for (int extra = 1 + rnd.nextInt(3); extra > 0; extra--) levels.merge(skill(rnd.nextInt(SKILLS)), 1 + rnd.nextInt(5), Math::max);
      List<Skill> skills = levels.entrySet().stream().map(e -> new Skill(e.getKey(), e.getValue())).toList();
      String id = String.format("agent-%05d", i);
      return new AgentView(id, id, "sip:" + id + "@example.test", Presence.AVAILABLE, null, null, null,
          free ? Activity.IDLE : Activity.ON_CALL, true, now.plus(Duration.ofDays(1)), "sip:" + id + "@192.0.2.1",
          skills, 1, null, null, null, served.stream().map(QueueConfig::id).toList(),
          free ? List.of() : List.of("talking-" + i), null, rnd.nextInt(200), rnd.nextInt(20_000), 0,
          now.minusSeconds(60 + rnd.nextInt(3600)), true);
    }

    static String skill(int n) {
      return String.format("skill-%02d", n);
    }

    static void require(boolean condition, String what) {
      if (!condition) throw new IllegalStateException(what);
    }
  }

  /** A new call arrives at a queue that a free agent serves: one offer. */
  @State(Scope.Thread)
  public static class NewCallFreeAgent extends World {
    int next;
    String queueId;
    WaitingCall call;

    @Setup(Level.Invocation)
    public void arrive() {
      queueId = staffedQuietQueues.get(next++ % staffedQuietQueues.size());
      call = WaitingCall.of("new-" + callSeq++, 0, now);
    }

    @TearDown(Level.Invocation)
    public void undo() {
      require(matches.size() == 1, "no offer for a call to a staffed queue");
      table.callLeft(queueId, call.callId());
      matches.get(0).agentIds().forEach(agentId -> table.reservationSettled(agentId, true, now));
      require(table.takeMatches(now).isEmpty(), "undo left an offer behind");
    }
  }

  /** A new call arrives at a queue whose agents are all busy: it waits. */
  @State(Scope.Thread)
  public static class NewCallAllBusy extends World {
    int next;
    String queueId;
    WaitingCall call;

    @Setup(Level.Invocation)
    public void arrive() {
      queueId = queues.get(next++ % BUSY_QUEUES).id();
      call = WaitingCall.of("new-" + callSeq++, rnd.nextInt(3), now);
    }

    @TearDown(Level.Invocation)
    public void undo() {
      require(matches.isEmpty(), "a call to a queue without free agents was offered");
      table.callLeft(queueId, call.callId());
    }
  }

  /** An agent's call ends: he takes the best call waiting in any of his queues. */
  @State(Scope.Thread)
  public static class AgentFreed extends World {
    int next;
    AgentView busy;
    AgentView freed;

    @Setup(Level.Invocation)
    public void free() {
      busy = busyAgents.get(next++ % busyAgents.size());
      freed = new AgentView(busy.id(), busy.displayName(), busy.sipUri(), busy.presence(), null, null, null, Activity.IDLE,
          true, busy.registrationExpiresAt(), busy.contact(), busy.skills(), busy.maxConcurrentCalls(), null, null, null,
          busy.queues(), List.of(), null, busy.callsHandled() + 1, busy.talkSeconds() + 120, 0, now, true);
    }

    @TearDown(Level.Invocation)
    public void undo() {
      require(matches.size() <= 1, "one free agent, several offers");
      matches.forEach(m -> m.agentIds().forEach(agentId -> table.reservationSettled(agentId, true, now)));
      table.agentChanged(busy, now);
      matches.forEach(m -> table.offerEnded(m.callId(), null, now));
      require(table.takeMatches(now).isEmpty(), "undo left an offer behind");
    }
  }

  @Benchmark
  public List<RoutingTable.Match> newCallAgentAvailable(NewCallFreeAgent s) {
    s.table.callWaiting(s.queueId, s.call);
    return s.matches = s.table.takeMatches(s.now);
  }

  @Benchmark
  public List<RoutingTable.Match> newCallAllAgentsBusy(NewCallAllBusy s) {
    s.table.callWaiting(s.queueId, s.call);
    return s.matches = s.table.takeMatches(s.now);
  }

  @Benchmark
  public List<RoutingTable.Match> agentBecomesAvailable(AgentFreed s) {
    s.table.agentChanged(s.freed, s.now);
    return s.matches = s.table.takeMatches(s.now);
  }
}
