package io.callengine.core.queue;

import io.callengine.core.CborSerializable;
import io.callengine.core.Peers;
import io.callengine.core.Refusal;
import io.callengine.core.Tags;
import io.callengine.core.call.CallEntity;
import io.callengine.core.routing.Router;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * One queue: its configuration and its line of waiting calls. It admits a caller, sends him on
 * to the overflow queue, or refuses him (full, or no agent logged in when so configured); it
 * tells a call whose wait passed {@code maxWaitSeconds} to move on or end. Calls leave when the
 * CallEntity removes them. Every change is reported to the Router.
 */
public final class QueueEntity
    extends EventSourcedBehaviorWithEnforcedReplies<QueueEntity.Command, QueueEntity.Event, QueueState> {

  public static final EntityTypeKey<Command> ENTITY_KEY = EntityTypeKey.create(Command.class, "Queue");
  /** How often a call whose wait is over is reminded while it cannot move (it is ringing an agent). */
  static final Duration EXPIRY_REMINDER = Duration.ofSeconds(5);

  public sealed interface Command extends CborSerializable {}

  public record Create(QueueConfig config, ActorRef<StatusReply<QueueView>> replyTo) implements Command {}
  public record Update(QueueConfig config, ActorRef<StatusReply<QueueView>> replyTo) implements Command {}
  public record Delete(ActorRef<StatusReply<Done>> replyTo) implements Command {}
  public record Get(ActorRef<StatusReply<QueueView>> replyTo) implements Command {}
  /** A caller wants in; {@code staffed} says whether the Router sees an eligible agent logged in. */
  public record Enqueue(WaitingCall call, boolean staffed, ActorRef<StatusReply<Admission>> replyTo) implements Command {}
  public record Remove(String callId, ActorRef<StatusReply<Done>> replyTo) implements Command {}
  /** Would the queue admit a call now ({@code staffed} as for {@link Enqueue})? Answered as Enqueue would, but nothing is stored. */
  public record CheckAdmission(boolean staffed, ActorRef<StatusReply<Admission>> replyTo) implements Command {}
  public record ReportToRouter(ActorRef<Done> replyTo) implements Command {}
  enum CheckWaits implements Command { INSTANCE }

  public sealed interface Event extends CborSerializable {}

  public record QueueCreated(QueueConfig config) implements Event {}
  public record QueueUpdated(QueueConfig config) implements Event {}
  public record QueueDeleted() implements Event {}
  public record CallEnqueued(WaitingCall call) implements Event {}
  public record CallRemoved(String callId) implements Event {}

  public static void init(ActorSystem<?> system, ActorRef<Router.Command> router, Clock clock) {
    ClusterSharding.get(system).init(
        Entity.of(ENTITY_KEY, ctx -> create(ctx.getEntityId(), router, Peers.sharded(system), clock))
            // Remembered: after its node dies the queue is back on a survivor by itself and its max-wait deadlines fire.
            .withSettings(ClusterShardingSettings.create(system).withNoPassivationStrategy().withRememberEntities(true)));
  }

  public static Behavior<Command> create(String queueId, ActorRef<Router.Command> router, Peers peers, Clock clock) {
    return Behaviors.withTimers(timers -> new QueueEntity(queueId, router, peers, clock, timers));
  }

  private final String queueId;
  private final ActorRef<Router.Command> router;
  private final Peers peers;
  private final Clock clock;
  private final TimerScheduler<Command> timers;
  /** When each overdue call was last told its wait is over; not persisted: after a restart it is told again. */
  private final Map<String, Instant> remindedAt = new HashMap<>();

  private QueueEntity(String queueId, ActorRef<Router.Command> router, Peers peers, Clock clock, TimerScheduler<Command> timers) {
    super(PersistenceId.of(ENTITY_KEY.name(), queueId),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.1));
    this.queueId = queueId;
    this.router = router;
    this.peers = peers;
    this.clock = clock;
    this.timers = timers;
  }

  @Override
  public QueueState emptyState() {
    return QueueState.empty();
  }

  @Override
  public Set<String> tagsFor(Event event) {
    return Tags.forQueue(event instanceof QueueCreated || event instanceof QueueUpdated || event instanceof QueueDeleted);
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(200, 2);
  }

  @Override
  public CommandHandlerWithReply<Command, Event, QueueState> commandHandler() {
    var builder = newCommandHandlerWithReplyBuilder();
    builder.forState(state -> !state.exists())
        .onCommand(Create.class, (s, c) -> Effect().persist(new QueueCreated(c.config()))
            .thenRun(this::reportToRouter).thenReply(c.replyTo(), QueueEntity::view))
        .onCommand(Update.class, (s, c) -> notFound(c.replyTo()))
        .onCommand(Delete.class, (s, c) -> notFound(c.replyTo()))
        .onCommand(Get.class, (s, c) -> notFound(c.replyTo()))
        .onCommand(Enqueue.class, (s, c) -> notFound(c.replyTo()))
        .onCommand(CheckAdmission.class, (s, c) -> notFound(c.replyTo()))
        .onCommand(Remove.class, (s, c) -> Effect().reply(c.replyTo(), StatusReply.ack()))
        .onCommand(ReportToRouter.class, this::onReportToRouter)
        .onCommand(CheckWaits.class, (s, c) -> Effect().noReply());
    builder.forAnyState()
        .onCommand(Create.class, (s, c) -> Effect().reply(c.replyTo(), Refusal.CONFLICT.reply("queue " + queueId + " already exists")))
        .onCommand(Update.class, (s, c) -> Effect().persist(new QueueUpdated(c.config()))
            .thenRun(s2 -> { reportToRouter(s2); checkWaits(s2); }).thenReply(c.replyTo(), QueueEntity::view))
        .onCommand(Delete.class, this::onDelete)
        .onCommand(Get.class, (s, c) -> Effect().reply(c.replyTo(), view(s)))
        .onCommand(Enqueue.class, this::onEnqueue)
        .onCommand(CheckAdmission.class, (s, c) -> Effect().reply(c.replyTo(),
            StatusReply.success(turnedAway(s, c.staffed()).orElse(Admission.queued(s.config())))))
        .onCommand(Remove.class, this::onRemove)
        .onCommand(ReportToRouter.class, this::onReportToRouter)
        .onCommand(CheckWaits.class, (s, c) -> { checkWaits(s); return Effect().noReply(); });
    return builder.build();
  }

  private <T> ReplyEffect<Event, QueueState> notFound(ActorRef<StatusReply<T>> replyTo) {
    return Effect().reply(replyTo, Refusal.NOT_FOUND.reply("queue " + queueId + " does not exist"));
  }

  private static StatusReply<QueueView> view(QueueState state) {
    return StatusReply.success(new QueueView(state.config(), state.waiting()));
  }

  private ReplyEffect<Event, QueueState> onDelete(QueueState state, Delete cmd) {
    if (!state.waiting().isEmpty()) {
      return Effect().reply(cmd.replyTo(), Refusal.CONFLICT.reply(
          "queue " + queueId + " has " + state.waiting().size() + " waiting calls; delete it when it is empty"));
    }
    return Effect().persist(new QueueDeleted())
        .thenRun(s -> router.tell(new Router.QueueRemoved(queueId)))
        .thenReply(cmd.replyTo(), s -> StatusReply.ack());
  }

  private ReplyEffect<Event, QueueState> onEnqueue(QueueState state, Enqueue cmd) {
    QueueConfig config = state.config();
    if (state.isWaiting(cmd.call().callId())) return Effect().reply(cmd.replyTo(), StatusReply.success(Admission.queued(config)));
    java.util.Optional<Admission> away = turnedAway(state, cmd.staffed());
    if (away.isPresent()) return Effect().reply(cmd.replyTo(), StatusReply.success(away.get()));
    WaitingCall call = cmd.call().joined(clock.instant());
    return Effect().persist(new CallEnqueued(call))
        .thenRun(s -> {
          router.tell(new Router.CallWaiting(queueId, call));
          checkWaits(s);
        })
        .thenReply(cmd.replyTo(), s -> StatusReply.success(Admission.queued(s.config())));
  }

  /** Why a new call would not get in now (sent on or refused); empty when it would wait here. */
  private java.util.Optional<Admission> turnedAway(QueueState state, boolean staffed) {
    QueueConfig config = state.config();
    if (!staffed && QueueConfig.REFUSE.equals(config.noAgentAction())) {
      return java.util.Optional.of(new Admission(Admission.Outcome.REFUSED, config, null, 480, "no agent is logged in to queue " + queueId));
    }
    if (!staffed && QueueConfig.OVERFLOW.equals(config.noAgentAction()) && config.noAgentDelaySeconds() == 0) {
      return java.util.Optional.of(Admission.turnedAway(config, 480, "no agent is logged in"));
    }
    if (config.maxSize() > 0 && state.waiting().size() >= config.maxSize()) {
      return java.util.Optional.of(Admission.turnedAway(config, config.fullStatus(), "queue " + queueId + " is full"));
    }
    return java.util.Optional.empty();
  }

  private ReplyEffect<Event, QueueState> onRemove(QueueState state, Remove cmd) {
    remindedAt.remove(cmd.callId());
    if (!state.isWaiting(cmd.callId())) return Effect().reply(cmd.replyTo(), StatusReply.ack());
    return Effect().persist(new CallRemoved(cmd.callId()))
        .thenRun(s -> { router.tell(new Router.CallLeft(queueId, cmd.callId())); checkWaits(s); })
        .thenReply(cmd.replyTo(), s -> StatusReply.ack());
  }

  /**
   * Tells every call whose wait is over to move on (or end), then sleeps until the next
   * deadline. The deadline is derived from the current config, so a changed max wait applies
   * to the calls already waiting.
   */
  private void checkWaits(QueueState state) {
    timers.cancel(CheckWaits.INSTANCE);
    int maxWait = state.exists() ? state.config().maxWaitSeconds() : 0;
    if (maxWait <= 0) return;
    Instant now = clock.instant();
    Instant next = null;
    for (WaitingCall call : state.waiting()) {
      Instant due = call.joinedAt().plusSeconds(maxWait);
      Instant reminded = remindedAt.get(call.callId());
      if (reminded != null) due = reminded.plus(EXPIRY_REMINDER);
      if (!due.isAfter(now)) {
        peers.call(call.callId()).tell(new CallEntity.WaitExpired(queueId, state.config().overflowQueueId(),
            "waited " + maxWait + " s in queue " + queueId));
        remindedAt.put(call.callId(), now);
        due = now.plus(EXPIRY_REMINDER);
      }
      if (next == null || due.isBefore(next)) next = due;
    }
    if (next != null) timers.startSingleTimer(CheckWaits.INSTANCE, CheckWaits.INSTANCE, Duration.between(now, next));
  }

  private ReplyEffect<Event, QueueState> onReportToRouter(QueueState state, ReportToRouter cmd) {
    if (state.config() != null) reportToRouter(state);
    return Effect().reply(cmd.replyTo(), Done.getInstance());
  }

  private void reportToRouter(QueueState state) {
    if (!state.exists()) {
      router.tell(new Router.QueueRemoved(queueId));
      return;
    }
    router.tell(new Router.QueueChanged(state.config()));
    state.waiting().forEach(call -> router.tell(new Router.CallWaiting(queueId, call)));
  }

  @Override
  public SignalHandler<QueueState> signalHandler() {
    return newSignalHandlerBuilder().onSignal(RecoveryCompleted.instance(), this::onRecovered).build();
  }

  /** After a restart every waiting call must prove its SIP leg still lives, or it ends and leaves; deadlines are re-armed. */
  private void onRecovered(QueueState state) {
    if (!state.exists()) return;
    reportToRouter(state);
    state.waiting().forEach(call -> peers.call(call.callId()).tell(new CallEntity.Verify(CallEntity.QUEUE_ASKER + queueId)));
    checkWaits(state);
  }

  @Override
  public EventHandler<QueueState, Event> eventHandler() {
    return newEventHandlerBuilder().forAnyState()
        .onEvent(QueueCreated.class, (s, e) -> s.withConfig(e.config()))
        .onEvent(QueueUpdated.class, (s, e) -> s.withConfig(e.config()))
        .onEvent(QueueDeleted.class, (s, e) -> s.withDeleted())
        .onEvent(CallEnqueued.class, (s, e) -> s.withCall(e.call()))
        .onEvent(CallRemoved.class, (s, e) -> s.withoutCall(e.callId()))
        .build();
  }
}
