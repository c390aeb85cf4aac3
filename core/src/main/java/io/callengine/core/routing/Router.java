package io.callengine.core.routing;

import io.callengine.core.CborSerializable;
import io.callengine.core.Peers;
import io.callengine.core.agent.AgentEntity;
import io.callengine.core.agent.AgentView;
import io.callengine.core.agent.Presence;
import io.callengine.core.agent.Reservation;
import io.callengine.core.call.CallEntity;
import io.callengine.core.directory.Directory;
import io.callengine.core.queue.QueueConfig;
import io.callengine.core.queue.QueueEntity;
import io.callengine.core.queue.WaitingCall;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * The cluster singleton that matches waiting calls to available agents. Its maps are a cache
 * of the Agent and Queue entities, fed by their reports and rebuilt at start from the
 * Directory. It never offers on its own word: it asks the AgentEntity to {@code Reserve}, and
 * only a confirmed reservation becomes an {@code Offer} to the CallEntity.
 */
public final class Router extends AbstractBehavior<Router.Command> {

  public sealed interface Command extends CborSerializable {}

  public record AgentChanged(AgentView agent) implements Command {}
  public record AgentRemoved(String agentId) implements Command {}
  public record QueueChanged(QueueConfig queue) implements Command {}
  public record QueueRemoved(String queueId) implements Command {}
  public record CallWaiting(String queueId, WaitingCall call) implements Command {}
  public record CallLeft(String queueId, String callId) implements Command {}
  /** The offer to {@code agentId} failed and the call is back in line. */
  public record OfferEnded(String callId, String agentId) implements Command {}
  public record GetStats(ActorRef<SystemStats> replyTo) implements Command {}
  public record GetQueueStats(ActorRef<List<QueueStats>> replyTo) implements Command {}
  record Rebuild(Directory.Listing listing) implements Command {}
  enum AskDirectory implements Command { INSTANCE }
  record ReservationAnswered(String callId, String agentId, Reservation reservation, String refusal) implements Command {}
  record OfferAnswered(String callId, String agentId, boolean accepted) implements Command {}
  enum Tick implements Command { INSTANCE }

  static final int DEFAULT_RING_TIMEOUT_SECONDS = 20;
  private static final Duration ASK_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration REFUSAL_COOL_DOWN = Duration.ofSeconds(1);
  private static final Duration OFFER_FAILED_COOL_DOWN = Duration.ofSeconds(5);

  public static Behavior<Command> create(ActorRef<Directory.Command> directory, Peers peers, Clock clock) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(Tick.INSTANCE, Duration.ofSeconds(1));
      ctx.getSelf().tell(AskDirectory.INSTANCE);
      return new Router(ctx, directory, peers, clock);
    }));
  }

  private final Clock clock;
  private final Peers peers;
  private final ActorRef<Directory.Command> directory;
  private final Map<String, AgentView> agents = new HashMap<>();
  private final Map<String, QueueConfig> queues = new HashMap<>();
  private final Map<String, TreeSet<WaitingCall>> waiting = new HashMap<>();
  /** The queue of every call in progress: waiting, ringing or talking. */
  private final Map<String, String> queueOfCall = new HashMap<>();
  /** The agent holding each call that an agent holds (reserved, ringing or talking). */
  private final Map<String, String> holderOfCall = new HashMap<>();
  /** Calls with a reservation or offer in flight, or ringing an agent: not to be offered again. */
  private final Set<String> callsInOffer = new HashSet<>();
  /** Agents with a Reserve in flight. */
  private final Set<String> agentsInReserve = new HashSet<>();
  /** Agents that refused a reservation: their entity knows better than this cache, so wait for its word. */
  private final Map<String, Instant> refusedUntil = new HashMap<>();
  /** Agents whose phone just failed an offer (busy, declined, no answer): not rung again at once. */
  private final Map<String, Instant> offerFailedUntil = new HashMap<>();

  private Router(ActorContext<Command> context, ActorRef<Directory.Command> directory, Peers peers, Clock clock) {
    super(context);
    this.clock = clock;
    this.peers = peers;
    this.directory = directory;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(AgentChanged.class, this::onAgentChanged)
        .onMessage(AgentRemoved.class, m -> { agents.remove(m.agentId()); return this; })
        .onMessage(QueueChanged.class, m -> { queues.put(m.queue().id(), m.queue()); return dispatch(); })
        .onMessage(QueueRemoved.class, m -> { queues.remove(m.queueId()); return this; })
        .onMessage(CallWaiting.class, this::onCallWaiting)
        .onMessage(CallLeft.class, this::onCallLeft)
        .onMessage(OfferEnded.class, this::onOfferEnded)
        .onMessage(ReservationAnswered.class, this::onReservationAnswered)
        .onMessage(OfferAnswered.class, this::onOfferAnswered)
        .onMessage(GetStats.class, m -> { m.replyTo().tell(systemStats()); return this; })
        .onMessage(GetQueueStats.class, m -> { m.replyTo().tell(queueStats()); return this; })
        .onMessage(AskDirectory.class, m -> askDirectory())
        .onMessage(Rebuild.class, this::onRebuild)
        .onMessage(Tick.class, m -> dispatch())
        .build();
  }

  /** The cache is rebuilt from every agent and queue the Directory knows; until it answers, ask again. */
  private Behavior<Command> askDirectory() {
    getContext().ask(Directory.Listing.class, directory, ASK_TIMEOUT, Directory.ListAll::new,
        (listing, failure) -> listing != null ? new Rebuild(listing) : AskDirectory.INSTANCE);
    return this;
  }

  private Behavior<Command> onRebuild(Rebuild m) {
    ActorRef<Done> ignore = getContext().getSystem().ignoreRef();
    m.listing().queueIds().forEach(id -> peers.queue(id).tell(new QueueEntity.ReportToRouter(ignore)));
    m.listing().agentIds().forEach(id -> peers.agent(id).tell(new AgentEntity.ReportToRouter(ignore)));
    return this;
  }

  private Behavior<Command> onAgentChanged(AgentChanged m) {
    AgentView previous = agents.put(m.agent().id(), m.agent());
    refusedUntil.remove(m.agent().id());
    m.agent().currentCalls().forEach(callId -> holderOfCall.put(callId, m.agent().id()));
    if (previous != null) {
      previous.currentCalls().stream().filter(callId -> !m.agent().currentCalls().contains(callId)).forEach(callId -> {
        holderOfCall.remove(callId, m.agent().id());
        forgetIfOver(callId);
      });
    }
    return dispatch();
  }

  /** A call neither waiting nor held by an agent is over as far as the live counts go. */
  private void forgetIfOver(String callId) {
    String queueId = queueOfCall.get(callId);
    boolean waitingNow = queueId != null && line(queueId).stream().anyMatch(w -> w.callId().equals(callId));
    if (!waitingNow && !holderOfCall.containsKey(callId)) queueOfCall.remove(callId);
  }

  private Behavior<Command> onOfferEnded(OfferEnded m) {
    callsInOffer.remove(m.callId());
    offerFailedUntil.put(m.agentId(), clock.instant().plus(OFFER_FAILED_COOL_DOWN));
    return dispatch();
  }

  private Behavior<Command> onCallWaiting(CallWaiting m) {
    String previous = queueOfCall.put(m.call().callId(), m.queueId());
    if (previous != null && !previous.equals(m.queueId())) line(previous).remove(m.call());
    line(m.queueId()).add(m.call());
    return dispatch();
  }

  private Behavior<Command> onCallLeft(CallLeft m) {
    line(m.queueId()).removeIf(w -> w.callId().equals(m.callId()));
    callsInOffer.remove(m.callId());
    forgetIfOver(m.callId());
    return this;
  }

  private TreeSet<WaitingCall> line(String queueId) {
    return waiting.computeIfAbsent(queueId, id -> new TreeSet<>(WaitingCall.ORDER));
  }

  /** Offers every waiting call that has an eligible, available agent, best call first. */
  private Behavior<Command> dispatch() {
    Instant now = clock.instant();
    for (Map.Entry<String, TreeSet<WaitingCall>> entry : waiting.entrySet()) {
      QueueConfig queue = queues.get(entry.getKey());
      if (queue == null) continue;
      for (WaitingCall call : entry.getValue()) {
        if (callsInOffer.contains(call.callId())) continue;
        Optional<AgentView> agent = bestAgent(queue, now);
        if (agent.isEmpty()) break;
        reserve(call.callId(), agent.get().id());
      }
    }
    return this;
  }

  private Optional<AgentView> bestAgent(QueueConfig queue, Instant now) {
    return agents.values().stream()
        .filter(a -> !agentsInReserve.contains(a.id()) && !coolingDown(a.id(), now)
            && a.canTakeCall(now) && Eligibility.eligible(a, queue))
        .min(Comparator.comparing((AgentView a) -> a.lastCallEndedAt() == null ? Instant.EPOCH : a.lastCallEndedAt())
            .thenComparing(AgentView::id));
  }

  private boolean coolingDown(String agentId, Instant now) {
    return isAfter(refusedUntil.get(agentId), now) || isAfter(offerFailedUntil.get(agentId), now);
  }

  private static boolean isAfter(Instant until, Instant now) {
    return until != null && until.isAfter(now);
  }

  private void reserve(String callId, String agentId) {
    callsInOffer.add(callId);
    agentsInReserve.add(agentId);
    getContext().askWithStatus(Reservation.class, peers.agent(agentId), ASK_TIMEOUT,
        replyTo -> new AgentEntity.Reserve(callId, replyTo),
        (reservation, failure) -> new ReservationAnswered(callId, agentId, reservation,
            failure == null ? null : String.valueOf(failure.getMessage())));
  }

  private Behavior<Command> onReservationAnswered(ReservationAnswered m) {
    agentsInReserve.remove(m.agentId());
    if (m.reservation() == null) {
      getContext().getLog().debug("Agent {} refused call {}: {}", m.agentId(), m.callId(), m.refusal());
      callsInOffer.remove(m.callId());
      refusedUntil.put(m.agentId(), clock.instant().plus(REFUSAL_COOL_DOWN));
      return this;
    }
    String queueId = queueOfCall.get(m.callId());
    QueueConfig queue = queueId == null ? null : queues.get(queueId);
    int ringTimeout = queue != null && queue.ringTimeoutSeconds() > 0 ? queue.ringTimeoutSeconds() : DEFAULT_RING_TIMEOUT_SECONDS;
    int wrapUp = queue != null ? queue.wrapUpSeconds() : 0;
    getContext().askWithStatus(Done.class, peers.call(m.callId()), ASK_TIMEOUT,
        replyTo -> new CallEntity.Offer(m.agentId(), m.reservation().contact(), ringTimeout, wrapUp, replyTo),
        (done, failure) -> new OfferAnswered(m.callId(), m.agentId(), failure == null));
    return this;
  }

  /** A refused offer means the call is no longer waiting: free the agent; the call stays out of offers until it leaves. */
  private Behavior<Command> onOfferAnswered(OfferAnswered m) {
    if (!m.accepted()) {
      peers.agent(m.agentId()).tell(new AgentEntity.ReleaseCall(m.callId(), false, getContext().getSystem().ignoreRef()));
    }
    return this;
  }

  private SystemStats systemStats() {
    Instant now = clock.instant();
    int queued = waiting.values().stream().mapToInt(Set::size).sum();
    Set<String> active = new HashSet<>(queueOfCall.keySet());
    agents.values().forEach(a -> active.addAll(a.currentCalls()));
    int available = 0, busy = 0, onBreak = 0, offline = 0;
    for (AgentView a : agents.values()) {
      if (a.presence() == Presence.OFFLINE) offline++;
      else if (a.presence() == Presence.BREAK) onBreak++;
      if (a.canTakeCall(now) && a.currentCalls().isEmpty()) available++;
      else if (!a.currentCalls().isEmpty() || a.wrapUpUntil() != null) busy++;
    }
    long longest = waiting.values().stream().flatMap(Set::stream)
        .mapToLong(w -> Duration.between(w.enqueuedAt(), now).toSeconds()).max().orElse(0);
    return new SystemStats(active.size(), queued, available, busy, onBreak, offline, longest);
  }

  private List<QueueStats> queueStats() {
    Instant now = clock.instant();
    return queues.values().stream().sorted(Comparator.comparing(QueueConfig::id)).map(q -> {
      TreeSet<WaitingCall> line = line(q.id());
      long longest = line.isEmpty() ? 0 : Duration.between(line.stream().map(WaitingCall::enqueuedAt).min(Instant::compareTo).get(), now).toSeconds();
      int available = (int) agents.values().stream().filter(a -> a.canTakeCall(now) && Eligibility.eligible(a, q)).count();
      int active = (int) queueOfCall.values().stream().filter(q.id()::equals).count();
      return new QueueStats(q.id(), line.size(), longest, available, active);
    }).toList();
  }
}
