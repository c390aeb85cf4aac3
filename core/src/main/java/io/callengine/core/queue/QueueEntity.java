package io.callengine.core.queue;

import io.callengine.core.CborSerializable;
import io.callengine.core.Peers;
import io.callengine.core.Refusal;
import io.callengine.core.call.CallEntity;
import io.callengine.core.routing.Router;
import java.time.Duration;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
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
 * One queue: its configuration and its line of waiting calls. Calls are enqueued by the SIP
 * gateway once the CallEntity has started, and removed by the CallEntity when answered or
 * ended. Every change is reported to the Router.
 */
public final class QueueEntity
    extends EventSourcedBehaviorWithEnforcedReplies<QueueEntity.Command, QueueEntity.Event, QueueState> {

  public static final EntityTypeKey<Command> ENTITY_KEY = EntityTypeKey.create(Command.class, "Queue");

  public sealed interface Command extends CborSerializable {}

  public record Create(QueueConfig config, ActorRef<StatusReply<QueueView>> replyTo) implements Command {}
  public record Update(QueueConfig config, ActorRef<StatusReply<QueueView>> replyTo) implements Command {}
  public record Delete(ActorRef<StatusReply<Done>> replyTo) implements Command {}
  public record Get(ActorRef<StatusReply<QueueView>> replyTo) implements Command {}
  /** Puts a call in line; refused when the queue is full. Replies with the queue's config. */
  public record Enqueue(WaitingCall call, ActorRef<StatusReply<QueueConfig>> replyTo) implements Command {}
  public record Remove(String callId, ActorRef<StatusReply<Done>> replyTo) implements Command {}
  public record ReportToRouter(ActorRef<Done> replyTo) implements Command {}

  public sealed interface Event extends CborSerializable {}

  public record QueueCreated(QueueConfig config) implements Event {}
  public record QueueUpdated(QueueConfig config) implements Event {}
  public record QueueDeleted() implements Event {}
  public record CallEnqueued(WaitingCall call) implements Event {}
  public record CallRemoved(String callId) implements Event {}

  public static void init(ActorSystem<?> system, ActorRef<Router.Command> router) {
    ClusterSharding.get(system).init(
        Entity.of(ENTITY_KEY, ctx -> create(ctx.getEntityId(), router, Peers.sharded(system)))
            .withSettings(ClusterShardingSettings.create(system).withNoPassivationStrategy()));
  }

  public static Behavior<Command> create(String queueId, ActorRef<Router.Command> router, Peers peers) {
    return new QueueEntity(queueId, router, peers);
  }

  private final String queueId;
  private final ActorRef<Router.Command> router;
  private final Peers peers;

  private QueueEntity(String queueId, ActorRef<Router.Command> router, Peers peers) {
    super(PersistenceId.of(ENTITY_KEY.name(), queueId),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.1));
    this.queueId = queueId;
    this.router = router;
    this.peers = peers;
  }

  @Override
  public QueueState emptyState() {
    return QueueState.empty();
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
        .onCommand(Remove.class, (s, c) -> Effect().reply(c.replyTo(), StatusReply.ack()))
        .onCommand(ReportToRouter.class, this::onReportToRouter);
    builder.forAnyState()
        .onCommand(Create.class, (s, c) -> Effect().reply(c.replyTo(), Refusal.CONFLICT.reply("queue " + queueId + " already exists")))
        .onCommand(Update.class, (s, c) -> Effect().persist(new QueueUpdated(c.config()))
            .thenRun(this::reportToRouter).thenReply(c.replyTo(), QueueEntity::view))
        .onCommand(Delete.class, this::onDelete)
        .onCommand(Get.class, (s, c) -> Effect().reply(c.replyTo(), view(s)))
        .onCommand(Enqueue.class, this::onEnqueue)
        .onCommand(Remove.class, this::onRemove)
        .onCommand(ReportToRouter.class, this::onReportToRouter);
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
    WaitingCall call = cmd.call();
    if (state.isWaiting(call.callId())) return Effect().reply(cmd.replyTo(), StatusReply.success(state.config()));
    int maxSize = state.config().maxSize();
    if (maxSize > 0 && state.waiting().size() >= maxSize) {
      return Effect().reply(cmd.replyTo(), Refusal.CONFLICT.reply("queue " + queueId + " is full"));
    }
    return Effect().persist(new CallEnqueued(call))
        .thenRun(s -> router.tell(new Router.CallWaiting(queueId, call)))
        .thenReply(cmd.replyTo(), s -> StatusReply.success(s.config()));
  }

  private ReplyEffect<Event, QueueState> onRemove(QueueState state, Remove cmd) {
    if (!state.isWaiting(cmd.callId())) return Effect().reply(cmd.replyTo(), StatusReply.ack());
    return Effect().persist(new CallRemoved(cmd.callId()))
        .thenRun(s -> router.tell(new Router.CallLeft(queueId, cmd.callId())))
        .thenReply(cmd.replyTo(), s -> StatusReply.ack());
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

  /** After a restart every waiting call must prove its SIP leg still lives, or it ends and leaves. */
  private void onRecovered(QueueState state) {
    if (!state.exists()) return;
    reportToRouter(state);
    state.waiting().forEach(call -> peers.call(call.callId()).tell(new CallEntity.Verify(CallEntity.QUEUE_ASKER + queueId)));
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
