package io.callengine.core.metrics;

import io.callengine.core.agent.Activity;
import io.callengine.core.agent.AgentView;
import io.callengine.core.agent.Presence;
import io.callengine.core.call.Disposition;
import io.callengine.core.events.AgentStatusChanged;
import io.callengine.core.events.CallCenterEvent;
import io.callengine.core.events.CallEnded;
import io.callengine.core.events.CallEstablished;
import io.callengine.core.events.CallQueued;
import io.callengine.core.events.CallbackCompleted;
import io.callengine.core.events.CallbackFailed;
import io.callengine.core.events.CallbackOffered;
import io.callengine.core.events.CallbackRequested;
import io.callengine.core.routing.QueueStats;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.pubsub.Topic;

/**
 * The call-center meters of one node, kept by a node-local actor. Per-queue call counters come
 * from the public events topic ({@code CallQueued}, {@code CallEstablished}, {@code CallEnded});
 * waiting calls and longest wait per queue are the Router's live figures, read every
 * {@code refresh}; callbacks per queue follow the four callback events (an offer counts once per
 * call and queue); agents per presence and activity follow {@code AgentStatusChanged} and are
 * re-read in full every {@code resync}, which also drops deleted agents. The topic and the
 * Router are cluster-wide, so every node reports the cluster's figures.
 */
public final class CallCenterMetrics extends AbstractBehavior<CallCenterMetrics.Command> {

  public sealed interface Command extends NoSerializationVerificationNeeded {}

  private record EventSeen(CallCenterEvent event) implements Command {}
  private enum Refresh implements Command { INSTANCE }
  private enum Resync implements Command { INSTANCE }
  private record QueuesRead(List<QueueStats> stats) implements Command {}
  private record AgentsRead(List<AgentView> agents) implements Command {}
  /** A read failed (the Router moving, an ask timing out): the last figures stay until the next read. */
  private enum ReadFailed implements Command { INSTANCE }

  /** The per-queue call counters, {@code callengine.calls.<what>}, and what each counts. */
  private static final Map<String, String> CALL_COUNTERS = Map.of(
      "offered", "Calls that entered the queue (a call moved on enters each queue it reaches)",
      "answered", "Calls answered by an agent",
      "abandoned", "Calls the caller hung up before an agent answered",
      "overflowed", "Calls sent on from the queue to another, or ended when the overflow queue refused them",
      "timed.out", "Calls that waited the queue's maximum with nowhere to go");

  /** The per-queue callback counters, {@code callengine.callbacks.<what>}, and what each counts. */
  private static final Map<String, String> CALLBACK_COUNTERS = Map.of(
      "offered", "Waiting callers who heard the queue's callback offer (once per call and queue)",
      "accepted", "Callers who asked to be called back and were hung up, keeping their place",
      "completed", "Callbacks whose customer answered the engine's call",
      "failed", "Callbacks whose customer answered none of the attempts (ended CALLBACK_FAILED)");

  /** The tag value of calls that ended before reaching any queue (in a routing policy's IVR). */
  static final String NO_QUEUE = "none";
  /** Calls followed from queue to queue to see overflow moves; more than this means ends were missed. */
  private static final int MAX_CALLS_FOLLOWED = 100_000;

  /** Where the actor reads what it cannot hear as events; both answer asynchronously. */
  public record Sources(Supplier<CompletionStage<List<QueueStats>>> queueStats,
      Supplier<CompletionStage<List<AgentView>>> agents) {}

  private record AgentState(Presence presence, Activity activity) {}

  /** The live gauges of one queue, removed from the registry when the queue goes. */
  private record QueueGauges(AtomicLong waiting, AtomicLong longestWait, AtomicLong availableAgents, AtomicLong activeCalls,
      List<Gauge> gauges) {}

  public static Behavior<Command> create(ActorRef<Topic.Command<CallCenterEvent>> events, Sources sources,
      MeterRegistry registry, Duration refresh, Duration resync) {
    Behavior<Command> metrics = Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      events.tell(Topic.subscribe(ctx.messageAdapter(CallCenterEvent.class, EventSeen::new)));
      timers.startTimerWithFixedDelay(Refresh.INSTANCE, refresh);
      timers.startTimerWithFixedDelay(Resync.INSTANCE, resync);
      ctx.getSelf().tell(Refresh.INSTANCE);
      ctx.getSelf().tell(Resync.INSTANCE);
      return new CallCenterMetrics(ctx, sources, registry);
    }));
    // An event it cannot read is skipped: the counts must not restart or stop over one message.
    return Behaviors.supervise(metrics).onFailure(SupervisorStrategy.resume());
  }

  private final Sources sources;
  private final MeterRegistry registry;
  private final Map<String, QueueGauges> queues = new HashMap<>();
  private final Map<String, AgentState> agents = new HashMap<>();
  private final Map<Presence, AtomicLong> byPresence = new EnumMap<>(Presence.class);
  private final Map<Activity, AtomicLong> byActivity = new EnumMap<>(Activity.class);
  /** The queue each call in progress waits or waited in last: a call queued elsewhere has overflowed from it. */
  private final Map<String, String> queueOfCall = new LinkedHashMap<>() {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
      return size() > MAX_CALLS_FOLLOWED;
    }
  };

  /** Calls and queues whose callback offer is counted: a caller who hears it again in the same queue counts once. */
  private final Map<String, Set<String>> callbackOffers = new LinkedHashMap<>() {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Set<String>> eldest) {
      return size() > MAX_CALLS_FOLLOWED;
    }
  };

  private CallCenterMetrics(ActorContext<Command> context, Sources sources, MeterRegistry registry) {
    super(context);
    this.sources = sources;
    this.registry = registry;
    for (Presence p : Presence.values()) {
      byPresence.put(p, gauge("callengine.agents.presence", "Agents by presence", "presence", p.name()));
    }
    for (Activity a : Activity.values()) {
      byActivity.put(a, gauge("callengine.agents.activity", "Agents by what the engine is doing with them", "activity", a.name()));
    }
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(EventSeen.class, m -> onEvent(m.event()))
        .onMessage(Refresh.class, m -> read(sources.queueStats(), QueuesRead::new))
        .onMessage(Resync.class, m -> read(sources.agents(), AgentsRead::new))
        .onMessage(QueuesRead.class, this::onQueuesRead)
        .onMessage(AgentsRead.class, this::onAgentsRead)
        .onMessage(ReadFailed.class, m -> this)
        .build();
  }

  private <T> Behavior<Command> read(Supplier<CompletionStage<T>> source, Function<T, Command> wrap) {
    getContext().pipeToSelf(source.get(), (value, failure) -> value != null ? wrap.apply(value) : ReadFailed.INSTANCE);
    return this;
  }

  private Behavior<Command> onEvent(CallCenterEvent event) {
    if (event instanceof CallQueued e) onQueued(e);
    else if (event instanceof CallEstablished e) calls("answered", e.queueId()).increment();
    else if (event instanceof CallEnded e) onEnded(e);
    else if (event instanceof AgentStatusChanged e) onAgentChanged(e);
    else if (event instanceof CallbackOffered e) {
      if (callbackOffers.computeIfAbsent(e.callId(), id -> new HashSet<>()).add(queue(e.queueId()))) {
        callbacks("offered", e.queueId()).increment();
      }
    } else if (event instanceof CallbackRequested e) callbacks("accepted", e.queueId()).increment();
    else if (event instanceof CallbackCompleted e) callbacks("completed", e.queueId()).increment();
    else if (event instanceof CallbackFailed e && !e.willRetry()) callbacks("failed", e.queueId()).increment();
    return this;
  }

  private Counter callbacks(String what, String queueId) {
    return perQueue("callengine.callbacks.", CALLBACK_COUNTERS, what, queueId);
  }

  private void onQueued(CallQueued e) {
    calls("offered", e.queueId()).increment();
    String previous = queueOfCall.put(e.callId(), e.queueId());
    if (previous != null && !previous.equals(e.queueId())) calls("overflowed", previous).increment();
  }

  private void onEnded(CallEnded e) {
    queueOfCall.remove(e.callId());
    callbackOffers.remove(e.callId());
    String queue = queue(e.queueId());
    Counter.builder("callengine.calls.ended").description("Calls ended, by the queue they were in last and disposition")
        .tags("queue", queue, "disposition", e.disposition()).register(registry).increment();
    if (Disposition.ABANDONED.name().equals(e.disposition())) calls("abandoned", queue).increment();
    else if (Disposition.TIMED_OUT.name().equals(e.disposition())) calls("timed.out", queue).increment();
    else if (Disposition.OVERFLOWED.name().equals(e.disposition())) calls("overflowed", queue).increment();
  }

  private Counter calls(String what, String queueId) {
    return perQueue("callengine.calls.", CALL_COUNTERS, what, queueId);
  }

  /** The counter {@code family + what} of one queue, described by {@code descriptions}. */
  private Counter perQueue(String family, Map<String, String> descriptions, String what, String queueId) {
    return Counter.builder(family + what).description(descriptions.get(what)).tag("queue", queue(queueId)).register(registry);
  }

  private static String queue(String queueId) {
    return queueId == null || queueId.isBlank() ? NO_QUEUE : queueId;
  }

  private Behavior<Command> onQueuesRead(QueuesRead m) {
    Set<String> seen = new HashSet<>();
    for (QueueStats stats : m.stats()) {
      seen.add(stats.queueId());
      QueueGauges gauges = queues.computeIfAbsent(stats.queueId(), this::queueGauges);
      gauges.waiting().set(stats.waiting());
      gauges.longestWait().set(stats.longestWaitSeconds());
      gauges.availableAgents().set(stats.availableAgents());
      gauges.activeCalls().set(stats.activeCalls());
    }
    queues.entrySet().removeIf(entry -> {
      if (seen.contains(entry.getKey())) return false;
      entry.getValue().gauges().forEach(registry::remove);
      return true;
    });
    return this;
  }

  /** A queue's gauges, and its counters at zero so that a rate over the first call is right. */
  private QueueGauges queueGauges(String queueId) {
    CALL_COUNTERS.keySet().forEach(what -> calls(what, queueId));
    CALLBACK_COUNTERS.keySet().forEach(what -> callbacks(what, queueId));
    AtomicLong waiting = new AtomicLong();
    AtomicLong longest = new AtomicLong();
    AtomicLong available = new AtomicLong();
    AtomicLong active = new AtomicLong();
    List<Gauge> gauges = List.of(
        queueGauge("callengine.queue.waiting.calls", "Calls waiting in the queue now", null, queueId, waiting),
        queueGauge("callengine.queue.longest.wait", "How long the oldest call in the queue has waited", "seconds", queueId, longest),
        queueGauge("callengine.queue.available.agents", "Eligible agents who can take one more call", null, queueId, available),
        queueGauge("callengine.queue.active.calls", "Calls of the queue waiting or held by an agent", null, queueId, active));
    return new QueueGauges(waiting, longest, available, active, gauges);
  }

  private Gauge queueGauge(String name, String description, String unit, String queueId, AtomicLong value) {
    return Gauge.builder(name, value, AtomicLong::get).description(description).baseUnit(unit).tag("queue", queueId)
        .strongReference(true).register(registry);
  }

  private AtomicLong gauge(String name, String description, String tag, String value) {
    AtomicLong holder = new AtomicLong();
    Gauge.builder(name, holder, AtomicLong::get).description(description).tag(tag, value).strongReference(true).register(registry);
    return holder;
  }

  private void onAgentChanged(AgentStatusChanged e) {
    Presence presence = parse(Presence.class, e.presence());
    Activity activity = parse(Activity.class, e.activity());
    if (e.agentId() == null || presence == null || activity == null) return;
    agents.put(e.agentId(), new AgentState(presence, activity));
    countAgents();
  }

  private static <E extends Enum<E>> E parse(Class<E> type, String name) {
    for (E value : type.getEnumConstants()) if (value.name().equalsIgnoreCase(name)) return value;
    return null;
  }

  private Behavior<Command> onAgentsRead(AgentsRead m) {
    agents.clear();
    m.agents().forEach(a -> agents.put(a.id(), new AgentState(a.presence(), a.activity())));
    countAgents();
    return this;
  }

  private void countAgents() {
    Map<Presence, Long> presences = new EnumMap<>(Presence.class);
    Map<Activity, Long> activities = new EnumMap<>(Activity.class);
    agents.values().forEach(a -> {
      presences.merge(a.presence(), 1L, Long::sum);
      activities.merge(a.activity(), 1L, Long::sum);
    });
    byPresence.forEach((p, holder) -> holder.set(presences.getOrDefault(p, 0L)));
    byActivity.forEach((a, holder) -> holder.set(activities.getOrDefault(a, 0L)));
  }
}
