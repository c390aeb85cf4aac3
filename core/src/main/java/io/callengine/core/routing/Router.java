package io.callengine.core.routing;

import io.callengine.core.Asks;
import io.callengine.core.CborSerializable;
import io.callengine.core.Peers;
import io.callengine.core.Refusal;
import io.callengine.core.agent.AgentEntity;
import io.callengine.core.agent.AgentView;
import io.callengine.core.agent.Reservation;
import io.callengine.core.call.CallEntity;
import io.callengine.core.directory.Directory;
import io.callengine.core.queue.QueueConfig;
import io.callengine.core.queue.QueueEntity;
import io.callengine.core.queue.WaitingCall;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.Supplier;
import io.callengine.core.replicated.ReplicatedView;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.pattern.StatusReply;

/**
 * The cluster singleton that matches waiting calls to available agents. Its {@link RoutingTable}
 * is a cache of the Agent and Queue entities, fed by their reports and rebuilt at start from
 * the Directory. It never offers on its own word: it asks each chosen AgentEntity to
 * {@code Reserve}, and only confirmed reservations become an {@code Offer} to the CallEntity.
 */
public final class Router extends AbstractBehavior<Router.Command> {

  public sealed interface Command extends CborSerializable {}

  public record AgentChanged(AgentView agent) implements Command {}
  public record AgentRemoved(String agentId) implements Command {}
  public record QueueChanged(QueueConfig queue) implements Command {}
  public record QueueRemoved(String queueId) implements Command {}
  public record CallWaiting(String queueId, WaitingCall call) implements Command {}
  public record CallLeft(String queueId, String callId) implements Command {}
  /** The offer failed at {@code agentId} and the call is back in line. */
  public record OfferEnded(String callId, String agentId) implements Command {}
  /** A supervisor's choice: offer this waiting call to this agent now, if the agent's entity agrees. */
  public record ForceAssign(String callId, String agentId, ActorRef<StatusReply<Done>> replyTo) implements Command {}
  public record GetStats(ActorRef<SystemStats> replyTo) implements Command {}
  public record GetQueueStats(ActorRef<QueueStatsList> replyTo) implements Command {}
  /** Every queue's live figures; a record, so that the reply can cross nodes. */
  public record QueueStatsList(List<QueueStats> queues) implements CborSerializable {}
  record Rebuild(Directory.Listing listing) implements Command {}
  enum ReadListing implements Command { INSTANCE }
  /** An entity asked to report at rebuild answered, or did not within the ask's timeout. */
  record ReportAnswered(String id, boolean queue, boolean answered, int attempt) implements Command {}
  record ReservationAnswered(String callId, String agentId, Reservation reservation) implements Command {}
  record OfferAnswered(String callId, List<Reservation> reserved, boolean accepted) implements Command {}
  record HoldUnchecked(String callId, String agentId) implements Command {}
  enum Tick implements Command { INSTANCE }

  /**
   * Replicated view: queue id to whether anyone who may serve it is logged in. Every node reads
   * it when a caller joins (the queue's no-agent rule), so no join asks this singleton.
   */
  public static final String STAFFING_VIEW = "queue-staffing";

  static final int DEFAULT_RING_TIMEOUT_SECONDS = 20;
  private static final Duration ASK_TIMEOUT = Duration.ofSeconds(5);
  /** Asks of a report at rebuild, each {@link #ASK_TIMEOUT}: outlasts a failover (about 10 s). */
  private static final int REPORT_ATTEMPTS = 6;

  /** Times each routing decision into {@code metrics} as {@code callengine.routing.decision}. */
  public static Behavior<Command> create(Supplier<CompletionStage<Directory.Listing>> listing, Peers peers, Clock clock,
      int ringAllMax, MeterRegistry metrics) {
    Timer decisions = Timer.builder("callengine.routing.decision")
        .description("Time the Router takes to match waiting calls to available agents, per pass")
        .publishPercentileHistogram()
        .register(metrics);
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(Tick.INSTANCE, Duration.ofSeconds(1));
      ctx.getSelf().tell(ReadListing.INSTANCE);
      return new Router(ctx, listing, peers, clock, new RoutingTable(new Random(), ringAllMax), decisions,
          ReplicatedView.writer(ctx.getSystem(), STAFFING_VIEW));
    }));
  }

  /** The reservations asked for one offer; it is made once every chosen agent has answered. */
  private static final class PendingOffer {
    final int expected;
    final List<Reservation> reserved = new ArrayList<>();
    final ActorRef<StatusReply<Done>> supervisor;
    int answered;

    PendingOffer(int expected, ActorRef<StatusReply<Done>> supervisor) {
      this.expected = expected;
      this.supervisor = supervisor;
    }
  }

  private final Clock clock;
  private final Peers peers;
  private final Supplier<CompletionStage<Directory.Listing>> listing;
  private final RoutingTable table;
  private final Consumer<Map<String, Boolean>> staffingView;
  private final Asks asks;
  /** Entities asked to report at rebuild that have not answered yet. */
  private int reportsOutstanding = -1;
  /** The rebuild is over: every entity answered, and a tick has passed for their reports (which travel apart) to arrive. */
  private boolean rebuilt;
  private Map<String, Boolean> publishedStaffing;
  private final Map<String, PendingOffer> pending = new HashMap<>();
  private final Timer decisions;

  private Router(ActorContext<Command> context, Supplier<CompletionStage<Directory.Listing>> listing, Peers peers, Clock clock,
      RoutingTable table, Timer decisions, Consumer<Map<String, Boolean>> staffingView) {
    super(context);
    this.staffingView = staffingView;
    this.asks = new Asks(ASK_TIMEOUT, context.getSystem().scheduler());
    this.decisions = decisions;
    this.clock = clock;
    this.peers = peers;
    this.listing = listing;
    this.table = table;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(AgentChanged.class, this::onAgentChanged)
        .onMessage(AgentRemoved.class, m -> { table.agentRemoved(m.agentId()); publishStaffing(); return this; })
        .onMessage(QueueChanged.class, m -> { table.queueChanged(m.queue(), clock.instant()); publishStaffing(); return dispatch(); })
        .onMessage(QueueRemoved.class, m -> { table.queueRemoved(m.queueId()); publishStaffing(); return this; })
        .onMessage(CallWaiting.class, m -> { table.callWaiting(m.queueId(), m.call()); return dispatch(); })
        .onMessage(CallLeft.class, m -> { table.callLeft(m.queueId(), m.callId()); return this; })
        .onMessage(OfferEnded.class, this::onOfferEnded)
        .onMessage(ForceAssign.class, this::onForceAssign)
        .onMessage(ReservationAnswered.class, this::onReservationAnswered)
        .onMessage(OfferAnswered.class, this::onOfferAnswered)
        .onMessage(HoldUnchecked.class, m -> { table.holdUnchecked(new RoutingTable.Hold(m.callId(), m.agentId())); return this; })
        .onMessage(GetStats.class, m -> { m.replyTo().tell(table.systemStats(clock.instant())); return this; })
        .onMessage(GetQueueStats.class, m -> { m.replyTo().tell(new QueueStatsList(table.queueStats(clock.instant()))); return this; })
        .onMessage(ReadListing.class, m -> readListing())
        .onMessage(Rebuild.class, this::onRebuild)
        .onMessage(ReportAnswered.class, this::onReportAnswered)
        .onMessage(Tick.class, m -> onTick())
        .build();
  }

  /** The cache is rebuilt from every agent and queue the Directory knows (this node's replicated copy of it). */
  private Behavior<Command> readListing() {
    getContext().pipeToSelf(listing.get(), (found, failure) -> found != null ? new Rebuild(found) : ReadListing.INSTANCE);
    return this;
  }

  private Behavior<Command> onRebuild(Rebuild m) {
    reportsOutstanding = m.listing().queueIds().size() + m.listing().agentIds().size();
    m.listing().queueIds().forEach(id -> askReport(id, true, 1));
    m.listing().agentIds().forEach(id -> askReport(id, false, 1));
    return this;
  }

  private void askReport(String id, boolean queue, int attempt) {
    if (queue) {
      getContext().ask(Done.class, peers.queue(id), ASK_TIMEOUT, QueueEntity.ReportToRouter::new,
          (done, failure) -> new ReportAnswered(id, true, failure == null, attempt));
    } else {
      getContext().ask(Done.class, peers.agent(id), ASK_TIMEOUT, AgentEntity.ReportToRouter::new,
          (done, failure) -> new ReportAnswered(id, false, failure == null, attempt));
    }
  }

  /**
   * An entity that does not answer may be on a node being lost: it is asked again until its
   * shard is back on a survivor (within {@link #REPORT_ATTEMPTS} tries), so that the staffing
   * view is not published from a cache that misses it.
   */
  private Behavior<Command> onReportAnswered(ReportAnswered m) {
    if (!m.answered() && m.attempt() < REPORT_ATTEMPTS) {
      askReport(m.id(), m.queue(), m.attempt() + 1);
      return this;
    }
    reportsOutstanding--;
    return this;
  }

  private Behavior<Command> onAgentChanged(AgentChanged m) {
    Set<String> before = table.staffedBy(m.agent().id());
    table.agentChanged(m.agent(), clock.instant());
    if (!before.equals(table.staffedBy(m.agent().id()))) publishStaffing();
    checkHolds();
    return dispatch();
  }

  /**
   * A call an agent already held when it first reported here was reserved by the Router before
   * this one, which may have been lost before offering it: the call, which knows whom it rings,
   * keeps the agent or lets it go. Until then the table keeps the call out of offers, as it is held.
   */
  private void checkHolds() {
    ActorRef<Command> self = getContext().getSelf();
    for (RoutingTable.Hold hold : table.takeHoldsToCheck()) {
      asks.<CallEntity.Command, Done>askRetrying(peers.call(hold.callId()), replyTo -> new CallEntity.CheckHold(hold.agentId(), replyTo))
          .whenComplete((done, failure) -> {
            if (failure != null) self.tell(new HoldUnchecked(hold.callId(), hold.agentId()));
          });
    }
  }

  /**
   * Publishes which queues are staffed when it changed. Not while the cache is being rebuilt
   * (after a start or a move of this singleton): a half-built cache would show queues unstaffed
   * whose agents have not reported yet, and the view keeps the last word until then.
   */
  private void publishStaffing() {
    if (!rebuilt) return;
    Map<String, Boolean> staffing = table.staffing();
    if (staffing.equals(publishedStaffing)) return;
    staffingView.accept(staffing);
    publishedStaffing = staffing;
  }

  /** Time-driven work: cool-downs and lapsed bindings in the indexes, and the no-agent overflow rule. */
  private Behavior<Command> onTick() {
    table.unstaffedOverdue(clock.instant()).forEach(call -> {
      String queueId = table.queueOf(call.callId());
      QueueConfig queue = table.queue(queueId);
      peers.call(call.callId()).tell(new CallEntity.WaitExpired(queueId, queue.overflowQueueId(),
          "no agent logged in to queue " + queueId + " for " + queue.noAgentDelaySeconds() + " s"));
    });
    table.markAllWaitingQueuesDirty();
    checkHolds();
    // Reports answered before this tick have had a second to arrive (they travel apart from the answers).
    if (reportsOutstanding == 0 && !rebuilt) {
      rebuilt = true;
      publishStaffing();
    }
    return dispatch();
  }

  private Behavior<Command> dispatch() {
    decisions.record(() -> table.takeMatches(clock.instant())).forEach(match -> reserve(match, null));
    return this;
  }

  /**
   * The CallEntity answers an offer before it can end it, so while the Router still waits on the
   * answers to a new offer of the call, the word is about an earlier one: the new offer stands.
   */
  private Behavior<Command> onOfferEnded(OfferEnded m) {
    if (pending.containsKey(m.callId())) return this;
    table.offerEnded(m.callId(), m.agentId(), clock.instant());
    return dispatch();
  }

  private Behavior<Command> onForceAssign(ForceAssign m) {
    table.forceMatch(m.callId(), m.agentId(), clock.instant()).ifPresentOrElse(
        match -> reserve(match, m.replyTo()),
        () -> m.replyTo().tell(Refusal.CONFLICT.reply(
            "call " + m.callId() + " is not waiting for an agent, or agent " + m.agentId() + " is unknown or already being offered a call")));
    return this;
  }

  private void reserve(RoutingTable.Match match, ActorRef<StatusReply<Done>> supervisor) {
    pending.put(match.callId(), new PendingOffer(match.agentIds().size(), supervisor));
    // Asked until answered (Reserve is idempotent): a reservation stored but answered late would
    // otherwise leave the agent reserved for a call never offered to it.
    for (String agentId : match.agentIds()) {
      getContext().pipeToSelf(asks.<AgentEntity.Command, Reservation>askRetrying(peers.agent(agentId),
              replyTo -> new AgentEntity.Reserve(match.callId(), replyTo)),
          (reservation, failure) -> new ReservationAnswered(match.callId(), agentId, reservation));
    }
  }

  private Behavior<Command> onReservationAnswered(ReservationAnswered m) {
    table.reservationSettled(m.agentId(), m.reservation() != null, clock.instant());
    PendingOffer offer = pending.get(m.callId());
    if (offer == null) return dispatch();
    offer.answered++;
    if (m.reservation() != null) offer.reserved.add(m.reservation());
    if (offer.answered < offer.expected) return dispatch();
    if (offer.reserved.isEmpty()) {
      pending.remove(m.callId());
      table.offerEnded(m.callId(), null, clock.instant());
      if (offer.supervisor != null) offer.supervisor.tell(Refusal.CONFLICT.reply("agent " + m.agentId() + " cannot take a call now"));
      return dispatch();
    }
    makeOffer(m.callId(), offer.reserved);
    return dispatch();
  }

  private void makeOffer(String callId, List<Reservation> reserved) {
    QueueConfig queue = table.queue(table.queueOf(callId));
    int ringTimeout = queue != null && queue.ringTimeoutSeconds() > 0 ? queue.ringTimeoutSeconds() : DEFAULT_RING_TIMEOUT_SECONDS;
    int wrapUp = queue != null ? queue.wrapUpSeconds() : 0;
    List<Reservation> agents = List.copyOf(reserved);
    // Asked until answered: a call recovering on another node takes the offer late, and an offer
    // taken but thought refused would free agents whose phones ring for it.
    getContext().pipeToSelf(asks.<CallEntity.Command, Done>askRetrying(peers.call(callId),
            replyTo -> new CallEntity.Offer(agents, ringTimeout, wrapUp, replyTo)),
        (done, failure) -> new OfferAnswered(callId, agents, failure == null));
  }

  /**
   * A refused offer (or one unanswered for the retries' 20 s) means the call is not waiting: free
   * the agents; the call stays out of offers until it leaves.
   */
  private Behavior<Command> onOfferAnswered(OfferAnswered m) {
    PendingOffer offer = pending.remove(m.callId());
    table.offerAnswered(m.callId(), m.accepted());
    if (!m.accepted()) {
      // Asked until answered: an agent left reserved for a call that is gone would never be offered another.
      m.reserved().forEach(r -> asks.<AgentEntity.Command, Done>askRetrying(peers.agent(r.agentId()),
          replyTo -> new AgentEntity.ReleaseCall(m.callId(), false, replyTo)));
    }
    if (offer != null && offer.supervisor != null) {
      offer.supervisor.tell(m.accepted() ? StatusReply.ack() : Refusal.CONFLICT.reply("call " + m.callId() + " is no longer waiting"));
    }
    return this;
  }
}
