package io.callengine.core.call;

import io.callengine.core.CborSerializable;
import io.callengine.core.Asks;
import io.callengine.core.Peers;
import io.callengine.core.Refusal;
import io.callengine.core.Tags;
import io.callengine.core.agent.AgentEntity;
import io.callengine.core.agent.Reservation;
import io.callengine.core.events.EventPublisher;
import io.callengine.core.queue.Admission;
import io.callengine.core.queue.QueueConfig;
import io.callengine.core.queue.QueueEntity;
import io.callengine.core.queue.WaitingCall;
import io.callengine.core.routing.Router;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.SnapshotSelectionCriteria;
import org.apache.pekko.persistence.typed.javadsl.Recovery;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EffectBuilder;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;
import java.util.function.Predicate;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingSettings;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * One customer call: {@code QUEUED -> OFFERING(agent) -> CONNECTED -> ENDED}. The SIP gateway
 * starts it and reports what the phones do; the Router offers it to an agent it has reserved.
 * After each step it tells the agent and the queue what they must know, so no agent stays
 * reserved and no queue keeps a call that is over.
 */
public final class CallEntity
    extends EventSourcedBehaviorWithEnforcedReplies<CallEntity.Command, CallEntity.Event, CallState> {

  public static final EntityTypeKey<Command> ENTITY_KEY = EntityTypeKey.create(Command.class, "Call");
  static final Duration LEGS_PING_TIMEOUT = Duration.ofSeconds(3);
  /** A call is sent on at most this many times in a row, so overflow queues pointing at each other cannot loop. */
  static final int MAX_MOVES = 3;

  public sealed interface Command extends CborSerializable {}

  public record Start(String caller, String dialed, String queueId, int priority, List<QueueConfig.RequiredSkill> extraSkills,
      ActorRef<CallLegs.Command> legs, ActorRef<StatusReply<CallView>> replyTo) implements Command {}
  /** The IVR chose the queue: the call enters it (its wait counts from now). */
  public record EnterQueue(String queueId, int priority, List<QueueConfig.RequiredSkill> extraSkills,
      ActorRef<StatusReply<CallView>> replyTo) implements Command {}
  /**
   * The queue the call was meant for sent it on: record the move and join the new queue (and any
   * further overflow); the reply is the final admission. {@code atJoin} when the customer has no
   * answer yet: a refusal then leaves the SIP answer to the gateway.
   */
  public record MoveToQueue(String queueId, String reason, boolean atJoin, ActorRef<StatusReply<Admission>> replyTo) implements Command {}
  /** The queue's max wait (or its no-agent delay) is over: move to {@code overflowQueueId}, or end TIMED_OUT without one. */
  public record WaitExpired(String queueId, String overflowQueueId, String reason) implements Command {}
  /** Offer the call to the reserved agents (one, or several for ring-all): the first to answer takes it. */
  public record Offer(List<Reservation> agents, int ringTimeoutSeconds, int wrapUpSeconds,
      ActorRef<StatusReply<Done>> replyTo) implements Command {}
  public record AgentAnswered(String agentId, ActorRef<StatusReply<Done>> replyTo) implements Command {}
  /** The agent's phone did not take the call; {@code noAnswer} when it rang out (not busy, not declined). */
  public record OfferFailed(String agentId, String reason, boolean noAnswer, ActorRef<StatusReply<Done>> replyTo) implements Command {}
  public record Hangup(Party by, String reason, ActorRef<StatusReply<CallView>> replyTo) implements Command {}
  /** The engine ends the call (queue full, legs lost, ...) and hangs up what is still up. */
  public record End(Disposition disposition, String reason, ActorRef<StatusReply<CallView>> replyTo) implements Command {}
  public record Get(ActorRef<StatusReply<CallView>> replyTo) implements Command {}
  /** A quality sample of one leg ({@code customer} or {@code agent}), taken every few seconds by the gateway. */
  public record RecordQuality(String leg, double mos, double lossPercent, double jitterMs, ActorRef<StatusReply<Done>> replyTo)
      implements Command {}
  /** A key the caller (or agent) pressed, from RFC 4733 telephone-events or SIP INFO. */
  public record RecordDtmf(String leg, char digit, int durationMs, ActorRef<StatusReply<Done>> replyTo) implements Command {}
  /**
   * Sent by whoever recovers holding this call (an agent id, or {@code queue:<id>}), and by the
   * call itself after its own recovery ({@code recovery}): prove the legs live, or end the call.
   */
  public record Verify(String askedBy) implements Command {}
  /**
   * Sent by a node's restart sweep ({@link RestartSweep}) to every call its records show open from
   * before that node started: a call whose SIP legs were on {@code node} (its address), or on a node
   * that is no longer a member, proves them live or ends; a call whose legs are on another member is
   * left to that member. Answered at once.
   */
  public record VerifyAfterRestart(String node, ActorRef<Done> replyTo) implements Command {}
  /**
   * A Router that took over found {@code agentId} holding this call, reserved by the Router before
   * it (maybe lost before offering): the call keeps the agent if it rings it or is connected to
   * it, and lets it go otherwise.
   */
  public record CheckHold(String agentId, ActorRef<StatusReply<Done>> replyTo) implements Command {}
  /**
   * The queue admitted the call; its service-level threshold then is what the call's statistics
   * are measured against. Asked again while unanswered: a repeat stores the fact again, which the
   * statistics read as the same admission.
   */
  public record RecordAdmission(String queueId, int serviceLevelSeconds, ActorRef<StatusReply<Done>> replyTo) implements Command {}
  /** The gateway began recording the connected call into {@code file} in the data directory of {@code node} (its cluster address). */
  public record StartRecording(String node, String file, ActorRef<StatusReply<Done>> replyTo) implements Command {}
  /**
   * The agent pauses ({@code paused}) or resumes the call's recording, from the API or a key on
   * the phone; refused when {@code agentId} is not the call's agent (not found), or the call is
   * not connected, not recorded, or already so (conflict). The legs are told once it is stored.
   */
  public record PauseRecording(String agentId, boolean paused, ActorRef<StatusReply<CallView>> replyTo) implements Command {}
  /** The gateway closed the recording, which holds {@code seconds} of audio. */
  public record StopRecording(long seconds, ActorRef<StatusReply<Done>> replyTo) implements Command {}
  /**
   * The connected agent puts the call on hold: from the API (the legs are then told), or from its
   * phone ({@code fromPhone}: the legs hold already, and a repeat is no conflict).
   */
  public record Hold(String agentId, boolean fromPhone, ActorRef<StatusReply<HoldView>> replyTo) implements Command {}
  /** The connected agent takes the call off hold, from the API or its phone, as for {@link Hold}. */
  public record Resume(String agentId, boolean fromPhone, ActorRef<StatusReply<HoldView>> replyTo) implements Command {}
  /** The agent who took the call answered its FinishCall: it was given this much wrap-up (sent through sharding, so it wakes a passivated call). */
  record WrapUpGiven(String agentId, int wrapUpSeconds) implements Command {}

  /**
   * A supervisor ({@code supervisor}: who asked) monitors the connected call from the phone of the agent
   * account {@code phone}, registered at {@code contact}: CONFLICT unless the call is connected and
   * nobody monitors it yet. The reply is the monitoring, stored before it is given.
   */
  public record Monitor(String supervisor, String phone, String contact, String sipUri, Monitoring.Mode mode,
      ActorRef<StatusReply<Monitoring>> replyTo) implements Command {}
  /** The monitoring supervisor takes part in another mode: CONFLICT when nobody monitors the call. */
  public record ChangeMonitor(Monitoring.Mode mode, ActorRef<StatusReply<Monitoring>> replyTo) implements Command {}
  /**
   * The monitoring is over: asked by the API ({@code monitorId} null; CONFLICT when nobody monitors the
   * call), or reported by the legs for {@code monitorId} (the supervisor hung up, the phone did not answer),
   * which changes nothing once that monitoring is over.
   */
  public record EndMonitor(String monitorId, String reason, ActorRef<StatusReply<Done>> replyTo) implements Command {}
  /**
   * The waiting caller asked to be called back at {@code number} (a SIP URI): the call keeps its
   * place in line without legs; its session hangs up the caller once this is answered. A repeat
   * for the same number, once stored, is answered as the first was (the session asks again when
   * an answer is lost); another number is a conflict.
   */
  public record RequestCallback(String number, int maxAttempts, int retryAfterSeconds, ActorRef<StatusReply<CallView>> replyTo)
      implements Command {}
  /** The callback's customer did not answer (busy, declined, rang out, unreachable): the attempt failed. */
  public record CallbackNotAnswered(String reason, ActorRef<StatusReply<CallView>> replyTo) implements Command {}
  /** The caller heard the callback offer (for the statistics). */
  public record RecordCallbackOffered(ActorRef<StatusReply<Done>> replyTo) implements Command {}
  record CallbackLegsReady(ActorRef<CallLegs.Command> legs, CallLegs.RingAgents ring) implements Command {}
  record CallbackDialFailed(String reason) implements Command {}
  /** A failed callback's wait before its next attempt is over: it joins its queue again, with its first entry time. */
  enum RetryCallback implements Command { INSTANCE }

  public static final String QUEUE_ASKER = "queue:";
  record LegsChecked(boolean alive) implements Command {}
  /** Death watch: the actor holding the call's SIP legs stopped, or its node left the cluster. */
  enum LegsStopped implements Command { INSTANCE }
  /** The grace after {@link LegsStopped} is over: a hang-up the legs sent on their way out has had time to arrive. */
  enum LegsGone implements Command { INSTANCE }
  /** The call is over (or never began) and nothing has asked for it for a while: leave memory and the remembered set. */
  enum Passivate implements Command { INSTANCE }
  record MoveAnswered(String queueId, Admission admission) implements Command {}
  /**
   * The connected agent hands the call over (a blind transfer): NOT_FOUND when the call is not that
   * agent's, CONFLICT when it is not connected (or a transfer rings already); a named agent who
   * cannot take it refuses it at once. An agent or outside address rings {@code ringTimeoutSeconds}.
   */
  public record Transfer(String fromAgentId, TransferTarget target, int ringTimeoutSeconds, ActorRef<StatusReply<CallView>> replyTo)
      implements Command {}
  /** The named agent of a transfer answered its reservation: {@code reservation} null when it refused ({@code refusal} says why). */
  record TransferTargetReserved(Transfer transfer, Reservation reservation, String refusal) implements Command {}
  /** The target queue's answer to a transfer, asked before it is stored; {@code admission} null when the ask failed ({@code error}). */
  record TransferQueueChecked(Transfer transfer, Admission admission, Refusal refusal, String error) implements Command {}
  /** The agent who handed the call over answered the reservation asked to ring it again; null when it cannot take the call. */
  record RingBackReserved(Reservation reservation) implements Command {}
  /**
   * The connected agent consults {@code target} (an agent or an allowed outside address) while the customer
   * waits on hold; see {@link ConsultCommands} for what is refused. The reply is the consult, ringing.
   */
  public record StartConsult(String agentId, TransferTarget target, int ringTimeoutSeconds, ActorRef<StatusReply<ConsultView>> replyTo)
      implements Command {}
  record ConsultTargetReserved(StartConsult consult, Reservation reservation, String refusal) implements Command {}
  /** The agent of the consult moves it on: {@code to} CONFERENCE, COMPLETED (attended transfer) or ENDED (cancel). */
  public record ChangeConsult(String agentId, ConsultView.State to, ActorRef<StatusReply<ConsultView>> replyTo) implements Command {}
  /** The legs: the consult's target answered. */
  public record ReportConsultAnswer(String consultId, ActorRef<StatusReply<Done>> replyTo) implements Command {}
  /** The legs: the consult ended on its own ({@code reason}: no answer, refused, the target hung up). */
  public record ReportConsultEnd(String consultId, String reason, ActorRef<StatusReply<Done>> replyTo) implements Command {}
  /** The legs' answer to {@link CallLegs.CompleteConsult}: {@code failure} is null when the target took the caller. */
  record ConsultHandedOver(String consultId, ChangeConsult change, String failure) implements Command {}

  public sealed interface Event extends CborSerializable {
    /** When it happened, by the engine's clock. */
    Instant at();
  }

  public record CallStarted(String caller, String dialed, String queueId, int priority,
      List<QueueConfig.RequiredSkill> extraSkills, ActorRef<CallLegs.Command> legs, Instant at) implements Event {}
  public record CallMoved(String fromQueueId, String toQueueId, String reason, Instant at) implements Event {}
  public record CallRouted(String queueId, int priority, List<QueueConfig.RequiredSkill> extraSkills, Instant at) implements Event {}
  public record CallOffered(List<String> agentIds, int wrapUpSeconds, Instant at) implements Event {}
  public record CallOfferFailed(String agentId, String reason, Instant at) implements Event {}
  /** {@code transferredFrom}: the agent who handed the call to {@code agentId}; null for an answer from the queue (and in older journals). */
  public record CallConnected(String agentId, Instant at, String transferredFrom) implements Event {}
  public record CallEnded(Disposition disposition, String reason, Instant at, long waitSeconds, long talkSeconds,
      CallMedia media) implements Event {}
  public record QualitySampled(String leg, double mos, double lossPercent, double jitterMs, Instant at) implements Event {}
  public record DtmfReceived(String leg, char digit, int durationMs, Instant at) implements Event {}
  public record CallAdmitted(String queueId, int serviceLevelSeconds, Instant at) implements Event {}
  public record CallWrappedUp(String agentId, int wrapUpSeconds, Instant at) implements Event {}
  public record RecordingStarted(String node, String file, Instant at) implements Event {}
  public record RecordingPaused(Instant at) implements Event {}
  public record RecordingResumed(Instant at) implements Event {}
  public record RecordingStopped(Instant at, long seconds) implements Event {}
  public record MonitorStarted(String monitorId, String supervisor, String phone, Monitoring.Mode mode, Instant at) implements Event {}
  public record MonitorModeChanged(String monitorId, Monitoring.Mode mode, Instant at) implements Event {}
  public record MonitorEnded(String monitorId, String supervisor, String reason, Instant at) implements Event {}
  public record CallHeld(String agentId, boolean fromPhone, Instant at) implements Event {}
  /** Off hold: resumed, or the call ended on hold. {@code heldMillis} this hold, {@code totalHeldMillis} all the call's holds. */
  public record CallResumed(String agentId, boolean fromPhone, long heldMillis, long totalHeldMillis, Instant at) implements Event {}
  /**
   * {@code fromAgentId} handed the call over: to {@code toQueueId} (waiting there from {@code enqueuedAt}
   * at {@code priority}), or to {@code toAgentId} or {@code toAddress}, which ring for {@code ringTimeoutSeconds}.
   */
  public record CallTransferred(String fromAgentId, String toQueueId, String toAgentId, String toAddress, Instant enqueuedAt,
      int priority, int ringTimeoutSeconds, Instant at) implements Event {}
  /** The transfer's target did not take the call ({@code reason}): it rings the agent who handed it over. */
  public record TransferFailed(String fromAgentId, String target, String reason, Instant at) implements Event {}
  /** The call went back to wait in {@code queueId} at its first place: neither a transfer's target nor its agent took it. */
  public record CallRequeued(String queueId, String reason, Instant at) implements Event {}
  public record CallbackRequested(String number, int maxAttempts, int retryAfterSeconds, Instant at) implements Event {}
  /** An attempt began: {@code legs}, on the node that handled the offer, ring the agent and then call the customer. */
  public record CallbackDialed(ActorRef<CallLegs.Command> legs, Instant at) implements Event {}
  public record CallbackAttemptFailed(String reason, Instant at) implements Event {}
  public record CallbackOffered(Instant at) implements Event {}
  /** A callback waiting in line lost the idle legs of its last attempt (their node died): it keeps its place, and dials again when offered. */
  public record CallbackLegsDropped(Instant at) implements Event {}
  /** The wait after a failed attempt is over: the callback rejoins its queue, with its first entry time. */
  public record CallbackRetried(Instant at) implements Event {}
  /** {@code fromAgentId} consults {@code target} (an agent id or an outside address); the customer is on hold. */
  public record ConsultStarted(String consultId, String fromAgentId, String target, Instant at) implements Event {}
  public record ConsultAnswered(String consultId, Instant at) implements Event {}
  public record ConferenceStarted(String consultId, Instant at) implements Event {}
  /** The consult is over: {@code completed} when its target took the call (an attended transfer). */
  public record ConsultEnded(String consultId, String reason, boolean completed, Instant at) implements Event {}

  /** How long the legs' hang-up may trail their stop before the call is ended as lost. */
  static final Duration LEGS_GRACE = Duration.ofSeconds(6);
  /** An ended call that recovers within this time after its end sends its notices again. */
  static final Duration RESEND_WINDOW = Duration.ofMinutes(10);
  /** How long an ended call stays in memory for late reports (wrap-up, quality) before it passivates. */
  static final Duration PASSIVATE_AFTER = Duration.ofSeconds(30);

  /**
   * Remembered entities: after its node dies, a call in progress is started again on a survivor
   * by itself, finds its legs gone and ends; an ended call passivates, which forgets it.
   */
  public static void init(ActorSystem<?> system, ActorRef<Router.Command> router, Clock clock, EventPublisher events,
      Predicate<String> staffed) {
    ClusterSharding.get(system).init(Entity.of(ENTITY_KEY, ctx -> create(ctx.getEntityId(), router, Peers.sharded(system), clock,
            events, staffed, ctx.getShard()))
        .withSettings(ClusterShardingSettings.create(system).withRememberEntities(true)));
  }

  /** {@code staffed} says whether anyone who may serve a queue is logged in; {@code shard} is null outside sharding. */
  public static Behavior<Command> create(String callId, ActorRef<Router.Command> router, Peers peers, Clock clock,
      EventPublisher events, Predicate<String> staffed, ActorRef<ClusterSharding.ShardCommand> shard) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
        new CallEntity(callId, router, peers, clock, events, staffed, shard, ctx, timers)));
  }

  private final String callId;
  private final ActorRef<Router.Command> router;
  private final Peers peers;
  private final Clock clock;
  private final EventPublisher events;
  private final ActorContext<Command> context;
  private final Predicate<String> staffed;
  private final ActorRef<ClusterSharding.ShardCommand> shard;
  private final TimerScheduler<Command> timers;
  private final Asks asks;
  private final CallNotices notices;
  private final RecordingCommands recordings;
  private final ConsultCommands consults;

  private CallEntity(String callId, ActorRef<Router.Command> router, Peers peers, Clock clock, EventPublisher events,
      Predicate<String> staffed, ActorRef<ClusterSharding.ShardCommand> shard, ActorContext<Command> context,
      TimerScheduler<Command> timers) {
    super(PersistenceId.of(ENTITY_KEY.name(), callId),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.1));
    this.callId = callId;
    this.router = router;
    this.peers = peers;
    this.clock = clock;
    this.events = events;
    this.context = context;
    this.staffed = staffed;
    this.shard = shard;
    this.timers = timers;
    this.asks = new Asks(LEGS_PING_TIMEOUT, context.getSystem().scheduler());
    this.notices = new CallNotices(callId, peers, asks, org.slf4j.LoggerFactory.getLogger(CallEntity.class));
    this.recordings = new RecordingCommands(callId, clock, Effect(), this::persist);
    this.consults = new ConsultCommands(callId, clock, Effect(), this::persist, context, asks, peers, notices);
  }

  @Override
  public CallState emptyState() {
    return CallState.empty(callId);
  }

  /** A call never takes a snapshot: its recovery does not ask the snapshot store. */
  @Override
  public Recovery recovery() {
    return Recovery.withSnapshotSelectionCriteria(SnapshotSelectionCriteria.none());
  }

  @Override
  public Set<String> tagsFor(Event event) {
    return Tags.forCall(callId);
  }

  @Override
  public CommandHandlerWithReply<Command, Event, CallState> commandHandler() {
    var builder = newCommandHandlerWithReplyBuilder();
    builder.forState(s -> s.status() == CallStatus.NEW)
        .onCommand(Start.class, this::onStart)
        .onCommand(Hangup.class, (s, c) -> notFound(c.replyTo()))
        .onCommand(End.class, (s, c) -> notFound(c.replyTo()))
        .onCommand(Get.class, (s, c) -> notFound(c.replyTo()))
        .onCommand(Transfer.class, (s, c) -> notFound(c.replyTo()));
    builder.forState(s -> s.status() == CallStatus.ENDED)
        .onCommand(Hangup.class, (s, c) -> Effect().reply(c.replyTo(), StatusReply.success(s.view())))
        .onCommand(End.class, (s, c) -> Effect().reply(c.replyTo(), StatusReply.success(s.view())));
    builder.forAnyState()
        .onCommand(Start.class, (s, c) -> Effect().reply(c.replyTo(), StatusReply.success(s.view())))
        .onCommand(Offer.class, this::onOffer)
        .onCommand(AgentAnswered.class, this::onAgentAnswered)
        .onCommand(OfferFailed.class, this::onOfferFailed)
        .onCommand(Hangup.class, this::onHangup)
        .onCommand(End.class, (s, c) -> end(s, c.disposition(), c.reason(), c.replyTo(), true))
        .onCommand(Get.class, (s, c) -> Effect().reply(c.replyTo(), StatusReply.success(s.view())))
        .onCommand(Verify.class, this::onVerify)
        .onCommand(VerifyAfterRestart.class, this::onVerifyAfterRestart)
        .onCommand(CheckHold.class, this::onCheckHold)
        .onCommand(LegsChecked.class, this::onLegsChecked)
        .onCommand(MoveToQueue.class, this::onMoveToQueue)
        .onCommand(EnterQueue.class, (s, c) -> s.status() != CallStatus.IVR
            ? Effect().reply(c.replyTo(), Refusal.CONFLICT.reply("call " + callId + " is " + s.status() + ", not in the IVR"))
            : persist(s, new CallRouted(c.queueId(), c.priority(), c.extraSkills(), clock.instant()))
                .thenReply(c.replyTo(), x -> StatusReply.success(x.view())))
        .onCommand(RecordQuality.class, (s, c) -> !s.active() ? Effect().reply(c.replyTo(), StatusReply.ack())
            : Effect().persist(new QualitySampled(c.leg(), c.mos(), c.lossPercent(), c.jitterMs(), clock.instant()))
                .thenReply(c.replyTo(), x -> StatusReply.ack()))
        .onCommand(RecordDtmf.class, (s, c) -> !s.active() ? Effect().reply(c.replyTo(), StatusReply.ack())
            : Effect().persist(new DtmfReceived(c.leg(), c.digit(), c.durationMs(), clock.instant()))
                .thenReply(c.replyTo(), x -> StatusReply.ack()))
        .onCommand(WaitExpired.class, this::onWaitExpired)
        .onCommand(RecordAdmission.class, (s, c) -> !s.active() || !c.queueId().equals(s.queueId()) ? Effect().reply(c.replyTo(), StatusReply.ack())
            : Effect().persist(new CallAdmitted(c.queueId(), c.serviceLevelSeconds(), clock.instant()))
                .thenReply(c.replyTo(), x -> StatusReply.ack()))
        .onCommand(WrapUpGiven.class, (s, c) -> s.status() != CallStatus.ENDED || !c.agentId().equals(s.agentId())
            ? Effect().noReply()
            : Effect().persist(new CallWrappedUp(c.agentId(), c.wrapUpSeconds(), clock.instant())).thenNoReply())
        .onCommand(MoveAnswered.class, this::onMoveAnswered)
        .onCommand(StartRecording.class, recordings::onStart)
        .onCommand(PauseRecording.class, recordings::onPause)
        .onCommand(StopRecording.class, recordings::onStop)
        .onCommand(Monitor.class, this::onMonitor)
        .onCommand(ChangeMonitor.class, this::onChangeMonitor)
        .onCommand(EndMonitor.class, this::onEndMonitor)
        .onCommand(Hold.class, (s, c) -> onHoldChange(s, c.agentId(), true, c.fromPhone(), c.replyTo()))
        .onCommand(Resume.class, (s, c) -> onHoldChange(s, c.agentId(), false, c.fromPhone(), c.replyTo()))
        .onCommand(Transfer.class, this::onTransfer)
        .onCommand(TransferTargetReserved.class, this::onTransferTargetReserved)
        .onCommand(TransferQueueChecked.class, this::onTransferQueueChecked)
        .onCommand(RingBackReserved.class, this::onRingBackReserved)
        .onCommand(StartConsult.class, consults::onConsult)
        .onCommand(ConsultTargetReserved.class, consults::onTargetReserved)
        .onCommand(ChangeConsult.class, consults::onChange)
        .onCommand(ReportConsultAnswer.class, consults::onAnswer)
        .onCommand(ReportConsultEnd.class, consults::onEnd)
        .onCommand(ConsultHandedOver.class, consults::onHandedOver)
        .onCommand(RequestCallback.class, this::onRequestCallback)
        .onCommand(CallbackNotAnswered.class, (s, c) -> s.status() != CallStatus.OFFERING || s.callback() == null
            ? Effect().reply(c.replyTo(), StatusReply.success(s.view())) : callbackFailed(s, c.reason(), c.replyTo()))
        .onCommand(CallbackLegsReady.class, this::onCallbackLegsReady)
        .onCommand(CallbackDialFailed.class, (s, c) -> s.status() != CallStatus.OFFERING || !s.callbackWithoutLegs() ? Effect().noReply()
            : callbackFailed(s, c.reason(), context.getSystem().ignoreRef(), true))
        .onCommand(RetryCallback.class, this::onRetryCallback)
        .onCommand(RecordCallbackOffered.class, (s, c) -> s.status() != CallStatus.QUEUED || s.callback() != null
            ? Effect().reply(c.replyTo(), StatusReply.ack())
            : persist(s, new CallbackOffered(clock.instant())).thenReply(c.replyTo(), x -> StatusReply.ack()))
        .onCommand(LegsStopped.class, (s, c) -> {
          if (s.active()) timers.startSingleTimer(LegsGone.INSTANCE, LegsGone.INSTANCE, LEGS_GRACE);
          return Effect().noReply();
        })
        .onCommand(LegsGone.class, this::onLegsGone)
        .onCommand(Passivate.class, (s, c) -> {
          if (!s.active() && shard != null) shard.tell(new ClusterSharding.Passivate<>(context.getSelf()));
          return Effect().noReply();
        });
    return builder.build();
  }

  /** Persists one event and, once it is stored, publishes what it means to the public topic. */
  private EffectBuilder<Event, CallState> persist(CallState before, Event event) {
    return Effect().persist(event).thenRun(after -> CallEvents.publish(events, callId, before, event, after));
  }

  /** Persists {@code batch} at once and then publishes each event with the state it left. */
  private EffectBuilder<Event, CallState> persist(CallState before, List<Event> batch) {
    return Effect().persist(batch).thenRun(after -> {
      CallState state = before;
      for (Event event : batch) {
        CallState next = eventHandler().apply(state, event);
        CallEvents.publish(events, callId, state, event, next);
        state = next;
      }
    });
  }

  private <T> ReplyEffect<Event, CallState> notFound(ActorRef<StatusReply<T>> replyTo) {
    return Effect().reply(replyTo, Refusal.NOT_FOUND.reply("call " + callId + " does not exist"));
  }

  private ReplyEffect<Event, CallState> onStart(CallState state, Start cmd) {
    return persist(state, new CallStarted(cmd.caller(), cmd.dialed(), cmd.queueId(), cmd.priority(), cmd.extraSkills(),
            cmd.legs(), clock.instant()))
        .thenRun(this::watchLegs)
        .thenReply(cmd.replyTo(), s -> StatusReply.success(s.view()));
  }

  /**
   * The legs are watched for as long as the call lives: if their actor stops, or their node is
   * downed and removed, the call ends FAILED here, whichever node this entity is on.
   */
  private void watchLegs(CallState state) {
    if (state.active() && state.legs() != null) context.watchWith(state.legs(), LegsStopped.INSTANCE);
  }

  private ReplyEffect<Event, CallState> onLegsGone(CallState state, LegsGone cmd) {
    if (!state.active() || state.legs() == null) return Effect().noReply();
    if (callbackDialing(state)) return callbackFailed(state, "the callback's SIP legs were lost", context.getSystem().ignoreRef());
    if (callbackInLine(state)) return dropCallbackLegs(state);
    String reason = legsNodeLost(state) ? NODE_LOST : "legs-stopped: the call's SIP legs ended without a hang-up";
    context.getLog().info("Call {} lost its SIP legs; ending it ({})", callId, reason);
    return end(state, Disposition.FAILED, reason, context.getSystem().ignoreRef(), false);
  }

  /** The reason of a call ended because the node holding its SIP legs left the cluster (crash, downing). */
  public static final String NODE_LOST = "node-lost: the node holding the call's SIP legs left the cluster";

  /** Whether the node holding the legs is gone from the cluster (not this node's own earlier run). */
  private boolean legsNodeLost(CallState state) {
    Address legsNode = state.legs().path().address();
    Cluster cluster = Cluster.get(context.getSystem());
    if (!legsNode.hasGlobalScope() || legsNode.equals(cluster.selfMember().address())) return false;
    for (Member member : cluster.state().getMembers()) {
      if (member.address().equals(legsNode) && member.status() != MemberStatus.down()) return false;
    }
    return true;
  }

  private ReplyEffect<Event, CallState> onOffer(CallState state, Offer cmd) {
    List<String> offered = cmd.agents().stream().map(Reservation::agentId).toList();
    // The Router asks again while unanswered: the same offer, already taken, is acknowledged.
    if (state.status() == CallStatus.OFFERING && state.offeredTo().equals(offered)) return Effect().reply(cmd.replyTo(), StatusReply.ack());
    if (state.status() != CallStatus.QUEUED) {
      return Effect().reply(cmd.replyTo(), Refusal.CONFLICT.reply("call " + callId + " is " + state.status() + ", not waiting"));
    }
    CallLegs.RingAgents ring = new CallLegs.RingAgents(callId, cmd.agents(), cmd.ringTimeoutSeconds());
    return persist(state, new CallOffered(offered, cmd.wrapUpSeconds(), clock.instant()))
        .thenRun(s -> {
          if (s.callbackWithoutLegs()) dialCallback(s, ring);
          else s.legs().tell(ring);
        })
        .thenReply(cmd.replyTo(), s -> StatusReply.ack());
  }

  /** The first agent to answer takes the call; the others offered it (ring-all) are released. */
  private ReplyEffect<Event, CallState> onAgentAnswered(CallState state, AgentAnswered cmd) {
    if (state.status() != CallStatus.OFFERING || !state.offeredTo().contains(cmd.agentId())) {
      return Effect().reply(cmd.replyTo(), Refusal.CONFLICT.reply("call " + callId + " is not ringing agent " + cmd.agentId()));
    }
    return persist(state, new CallConnected(cmd.agentId(), clock.instant(), TransferRules.handedFrom(state, cmd.agentId())))
        .thenRun(s -> notices.connected(s.agentId(),
            state.offeredTo().stream().filter(a -> !a.equals(cmd.agentId())).toList(), s.queueId()))
        .thenRun(s -> TransferRules.settled(state, cmd.agentId(), notices))
        .thenReply(cmd.replyTo(), s -> StatusReply.ack());
  }

  private ReplyEffect<Event, CallState> onOfferFailed(CallState state, OfferFailed cmd) {
    if (state.status() != CallStatus.OFFERING || !state.offeredTo().contains(cmd.agentId())) {
      return Effect().reply(cmd.replyTo(), StatusReply.ack());
    }
    if (state.transfer() != null) return transferFailed(state, cmd.agentId(), cmd.reason(), cmd.noAnswer(), cmd.replyTo());
    return persist(state, new CallOfferFailed(cmd.agentId(), cmd.reason(), clock.instant()))
        .thenRun(s -> {
          notices.released(cmd.agentId(), cmd.noAnswer());
          if (s.status() == CallStatus.QUEUED) router.tell(new Router.OfferEnded(callId, cmd.agentId()));
        })
        .thenReply(cmd.replyTo(), s -> StatusReply.ack());
  }

  /** Hold and resume: only the connected agent's call; the API may not repeat the current state, the phone may. */
  private ReplyEffect<Event, CallState> onHoldChange(CallState state, String agentId, boolean onHold, boolean fromPhone,
      ActorRef<StatusReply<HoldView>> replyTo) {
    Instant now = clock.instant();
    if (!agentId.equals(state.agentId()) && !state.offeredTo().contains(agentId)) {
      return Effect().reply(replyTo, Refusal.NOT_FOUND.reply("agent " + agentId + " has no call " + callId));
    }
    if (state.status() != CallStatus.CONNECTED) {
      return Effect().reply(replyTo, Refusal.CONFLICT.reply("call " + callId + " is " + state.status() + ", not connected"));
    }
    if (state.callback() != null) {
      return Effect().reply(replyTo, Refusal.CONFLICT.reply("call " + callId + " is a callback: it cannot be put on hold"));
    }
    if (state.consult() != null) return Effect().reply(replyTo, ConsultCommands.busy(state));
    if (state.hold().onHold() == onHold) {
      return fromPhone ? Effect().reply(replyTo, StatusReply.success(state.holdView(now)))
          : Effect().reply(replyTo, Refusal.CONFLICT.reply("call " + callId + (onHold ? " is already on hold" : " is not on hold")));
    }
    Event event = onHold ? new CallHeld(agentId, fromPhone, now) : resumed(state, agentId, fromPhone, now);
    return persist(state, event)
        .thenRun(s -> {
          if (!fromPhone) s.legs().tell(new CallLegs.HoldLegs(onHold));
        })
        .thenReply(replyTo, s -> StatusReply.success(s.holdView(now)));
  }

  /** {@code event}, after the end of the hold when the call is on hold: the agent who held it hands it over (most phones hold before a REFER). */
  private static List<Event> offHold(CallState state, String agentId, Instant now, Event event) {
    return state.hold().onHold() ? List.of(resumed(state, agentId, false, now), event) : List.of(event);
  }

  private static CallResumed resumed(CallState state, String agentId, boolean fromPhone, Instant now) {
    return new CallResumed(agentId, fromPhone, state.hold().currentMillis(now), state.hold().totalMillis(now), now);
  }

  private ReplyEffect<Event, CallState> onHangup(CallState state, Hangup cmd) {
    // A caller answered once and handed over is served, not abandoned, whatever he waits for next.
    Disposition disposition = state.status() == CallStatus.CONNECTED || TransferRules.answeredBefore(state)
        ? Disposition.COMPLETED : Disposition.ABANDONED;
    String reason = cmd.reason() != null ? cmd.reason() : cmd.by().name().toLowerCase() + " hung up";
    return end(state, disposition, reason, cmd.replyTo(), false);
  }

  private ReplyEffect<Event, CallState> end(CallState state, Disposition disposition, String reason,
      ActorRef<StatusReply<CallView>> replyTo, boolean hangUpLegs) {
    Instant now = clock.instant();
    CallEnded ended = new CallEnded(disposition, reason, now, state.waitSeconds(now), state.talkSeconds(now), state.media());
    return persist(state, state.hold().onHold() ? List.of(resumed(state, state.agentId(), false, now), ended) : List.of(ended))
        .thenRun(s -> {
          logEnd(s, ended);
          if (hangUpLegs && s.legs() != null) s.legs().tell(new CallLegs.Hangup(callId, reason));
          notices.ended(s);
          timers.cancel(LegsGone.INSTANCE);
          timers.startSingleTimer(Passivate.INSTANCE, Passivate.INSTANCE, PASSIVATE_AFTER);
        })
        .thenReply(replyTo, s -> StatusReply.success(s.view()));
  }

  /**
   * The call's one line in the log. Once per call: CallEnded is persisted once (an ended call
   * answers a repeated Hangup or End without persisting), and a side effect of a persist runs
   * only where it was persisted, never on recovery; a crash between the write and this line
   * loses the line, never doubles it.
   */
  private void logEnd(CallState s, CallEnded e) {
    context.getLog().info("Call ended: callId={} queueId={} agentId={} disposition={} waitSeconds={} talkSeconds={} reason=\"{}\"",
        callId, s.queueId() != null ? s.queueId() : "-", s.agentId() != null ? s.agentId() : "-", e.disposition(),
        e.waitSeconds(), e.talkSeconds(), e.reason());
  }

  // --- moving between queues ---

  /** Who waits for the outcome of a move begun at join; not state: after a restart the gateway's ask has timed out anyway. */
  private ActorRef<StatusReply<Admission>> moveReplyTo;
  private int movesInARow;
  /** A transfer to a queue whose admission is awaited; not state: after a restart that ask is gone too. */
  private QueueTransferMove queueTransferMove;

  /** {@code agentId} transferred the call from {@code fromQueueId} to {@code target} ({@code queue:<id>}). */
  private record QueueTransferMove(String fromQueueId, String agentId, String target) {}

  private ReplyEffect<Event, CallState> onMoveToQueue(CallState state, MoveToQueue cmd) {
    if (state.status() != CallStatus.QUEUED) {
      return Effect().reply(cmd.replyTo(), Refusal.CONFLICT.reply("call " + callId + " is " + state.status() + ", not waiting"));
    }
    moveReplyTo = cmd.atJoin() ? cmd.replyTo() : null;
    movesInARow = 0;
    queueTransferMove = null;
    return move(state, cmd.queueId(), cmd.reason(), cmd.atJoin());
  }

  private ReplyEffect<Event, CallState> onWaitExpired(CallState state, WaitExpired cmd) {
    if (state.status() != CallStatus.QUEUED || !cmd.queueId().equals(state.queueId())) return Effect().noReply();
    // A callback keeps its place however long the line is (the queue reminds again; it stays in line).
    if (state.callback() != null && cmd.overflowQueueId() == null) return Effect().noReply();
    if (cmd.overflowQueueId() == null) return end(state, Disposition.TIMED_OUT, cmd.reason(), context.getSystem().ignoreRef(), true);
    moveReplyTo = null;
    movesInARow = 0;
    queueTransferMove = null;
    return move(state, cmd.overflowQueueId(), cmd.reason(), false);
  }

  /** Leaves the current queue (unless the caller never got in) and asks the next one to admit the call. */
  private ReplyEffect<Event, CallState> move(CallState state, String toQueueId, String reason, boolean atJoin) {
    movesInARow++;
    String from = state.queueId();
    return persist(state, new CallMoved(from, toQueueId, reason, clock.instant()))
        .thenRun(s -> {
          if (!atJoin) notices.leftQueue(from);
          enqueue(s, toQueueId, clock.instant());
        })
        .thenNoReply();
  }

  /** The same admission a first join gets: whether anyone staffs the queue (this node's copy of the Router's word) decides its no-agent rule. */
  /** Asks {@code queueId} to take the call, waiting since {@code since}; its answer comes back as a {@link MoveAnswered}. */
  private void enqueue(CallState s, String queueId, Instant since) {
    WaitingCall waiting = new WaitingCall(callId, s.priority(), s.enqueuedAt(), since, s.extraSkills());
    context.pipeToSelf(admit(queueId, waiting), (admission, failure) -> new MoveAnswered(queueId, admission));
  }

  private CompletionStage<Admission> admit(String queueId, WaitingCall waiting) {
    return asks.<QueueEntity.Command, Admission>askRetrying(peers.queue(queueId),
        r -> new QueueEntity.Enqueue(waiting, staffed.test(queueId), r));
  }

  private ReplyEffect<Event, CallState> onMoveAnswered(CallState state, MoveAnswered m) {
    Admission admission = m.admission();
    if (!state.active() || !m.queueId().equals(state.queueId())) return Effect().noReply();
    if (admission != null && admission.outcome() == Admission.Outcome.QUEUED) {
      queueTransferMove = null;
      replyToMove(StatusReply.success(admission));
      if (state.legs() != null) state.legs().tell(new CallLegs.Moved(m.queueId(), admission.queue()));
      return Effect().persist(new CallAdmitted(m.queueId(), admission.queue().serviceLevelSeconds(), clock.instant())).thenNoReply();
    }
    if (admission != null && admission.outcome() == Admission.Outcome.OVERFLOW && movesInARow < MAX_MOVES) {
      return move(state, admission.overflowQueueId(), admission.reason(), moveReplyTo != null);
    }
    String reason = admission == null ? "queue " + m.queueId() + " did not answer" : "overflow refused: " + admission.reason();
    QueueTransferMove transfer = queueTransferMove;
    queueTransferMove = null;
    if (transfer != null && !transfer.fromQueueId().equals(m.queueId())) return backToQueueLeft(state, transfer, reason);
    boolean atJoin = moveReplyTo != null;
    replyToMove(StatusReply.success(admission != null && admission.outcome() == Admission.Outcome.REFUSED ? admission
        : new Admission(Admission.Outcome.REFUSED, null, null, 480, reason)));
    return end(state, atJoin ? Disposition.REJECTED : Disposition.OVERFLOWED, reason, context.getSystem().ignoreRef(), !atJoin);
  }

  /**
   * The queue a transfer sent the call to said it would take it, then turned it away (it filled
   * up in between): the call goes back to the queue it came from, at its place there; the agent
   * who transferred it has been let go already. That queue's refusal ends the call.
   */
  private ReplyEffect<Event, CallState> backToQueueLeft(CallState state, QueueTransferMove transfer, String reason) {
    Instant now = clock.instant();
    String queueId = transfer.fromQueueId();
    movesInARow = MAX_MOVES;
    TransferRules.publishFailed(events, state, transfer.agentId(), transfer.target(), reason, now);
    return persist(state, new CallRequeued(queueId, "the transfer to " + transfer.target() + " was turned away (" + reason + ")", now))
        .thenRun(s -> {
          enqueue(s, queueId, now);
        })
        .thenNoReply();
  }

  private void replyToMove(StatusReply<Admission> reply) {
    if (moveReplyTo != null) moveReplyTo.tell(reply);
    moveReplyTo = null;
  }

  // --- a supervisor monitoring the call ---

  private ReplyEffect<Event, CallState> onMonitor(CallState state, Monitor cmd) {
    if (state.status() != CallStatus.CONNECTED) {
      return Effect().reply(cmd.replyTo(), Refusal.CONFLICT.reply("call " + callId + " is " + state.status() + ", not connected"));
    }
    if (state.callback() != null) {
      return Effect().reply(cmd.replyTo(), Refusal.CONFLICT.reply("call " + callId + " is a callback: its legs cannot be monitored"));
    }
    if (state.consult() != null) return Effect().reply(cmd.replyTo(), ConsultCommands.busy(state));
    if (state.monitoring() != null) {
      return Effect().reply(cmd.replyTo(), Refusal.CONFLICT.reply("call " + callId + " is already monitored by "
          + state.monitoring().supervisor() + " (one monitoring per call)"));
    }
    String monitorId = java.util.UUID.randomUUID().toString();
    return persist(state, new MonitorStarted(monitorId, cmd.supervisor(), cmd.phone(), cmd.mode(), clock.instant()))
        .thenRun(s -> s.legs().tell(new CallLegs.Monitor(callId, monitorId, cmd.supervisor(), cmd.contact(), cmd.sipUri(), cmd.mode())))
        .thenReply(cmd.replyTo(), s -> StatusReply.success(s.monitoring()));
  }

  private ReplyEffect<Event, CallState> onChangeMonitor(CallState state, ChangeMonitor cmd) {
    Monitoring monitoring = state.monitoring();
    if (monitoring == null) return Effect().reply(cmd.replyTo(), Refusal.CONFLICT.reply("call " + callId + " is not monitored"));
    if (monitoring.mode() == cmd.mode()) return Effect().reply(cmd.replyTo(), StatusReply.success(monitoring));
    return persist(state, new MonitorModeChanged(monitoring.id(), cmd.mode(), clock.instant()))
        .thenRun(s -> s.legs().tell(new CallLegs.ChangeMonitor(callId, monitoring.id(), cmd.mode())))
        .thenReply(cmd.replyTo(), s -> StatusReply.success(s.monitoring()));
  }

  private ReplyEffect<Event, CallState> onEndMonitor(CallState state, EndMonitor cmd) {
    Monitoring monitoring = state.monitoring();
    boolean current = monitoring != null && (cmd.monitorId() == null || cmd.monitorId().equals(monitoring.id()));
    if (!current) {
      return Effect().reply(cmd.replyTo(), cmd.monitorId() != null ? StatusReply.ack()
          : Refusal.CONFLICT.reply("call " + callId + " is not monitored"));
    }
    return persist(state, new MonitorEnded(monitoring.id(), monitoring.supervisor(), cmd.reason(), clock.instant()))
        .thenRun(s -> s.legs().tell(new CallLegs.EndMonitor(callId, monitoring.id())))
        .thenReply(cmd.replyTo(), s -> StatusReply.ack());
  }

  // --- transfers (see CallTransfers) ---

  private ReplyEffect<Event, CallState> onTransfer(CallState state, Transfer cmd) {
    java.util.Optional<StatusReply<CallView>> refusal = TransferRules.refusal(state, cmd);
    if (refusal.isPresent()) return Effect().reply(cmd.replyTo(), refusal.get());
    TransferTarget target = cmd.target();
    if (target.queueId() != null) return checkTargetQueue(cmd);
    if (target.address() != null) {
      return transferRinging(state, cmd, new Reservation(target.address(), callId, target.address(), target.address()));
    }
    context.pipeToSelf(asks.<AgentEntity.Command, Reservation>ask(peers.agent(target.agentId()), r -> new AgentEntity.Reserve(callId, r)),
        (reservation, error) -> new TransferTargetReserved(cmd, reservation, error == null ? null : error.getMessage()));
    return Effect().noReply();
  }

  /** The queue is asked first: one that would refuse the call leaves it with the agent, and the agent hears why. */
  private ReplyEffect<Event, CallState> checkTargetQueue(Transfer cmd) {
    context.pipeToSelf(QueueTransferCheck.ask(asks, peers, staffed, cmd.target().queueId()), (admission, error) ->
        new TransferQueueChecked(cmd, admission, error == null ? null : Refusal.toException(error).refusal(), error == null ? null : error.getMessage()));
    return Effect().noReply();
  }

  private ReplyEffect<Event, CallState> onTransferQueueChecked(CallState state, TransferQueueChecked m) {
    Transfer cmd = m.transfer();
    java.util.Optional<StatusReply<CallView>> refusal = TransferRules.refusal(state, cmd);
    if (refusal.isPresent()) return Effect().reply(cmd.replyTo(), refusal.get());
    if (m.admission() != null && m.admission().outcome() == Admission.Outcome.QUEUED) return transferToQueue(state, cmd);
    StatusReply<CallView> reply = TransferRules.queueRefused(cmd.target().queueId(), m.admission(), m.refusal(), m.error());
    TransferRules.publishFailed(events, state, cmd.fromAgentId(), cmd.target().label(), reply.getError().getMessage(), clock.instant());
    return Effect().reply(cmd.replyTo(), reply);
  }

  private ReplyEffect<Event, CallState> transferToQueue(CallState state, Transfer cmd) {
    Instant now = clock.instant();
    TransferTarget target = cmd.target();
    Instant enqueuedAt = Boolean.FALSE.equals(target.keepPlace()) ? now : state.enqueuedAt();
    int priority = target.priority() != null ? target.priority() : state.priority();
    long talk = state.talkSeconds(now);
    moveReplyTo = null;
    movesInARow = 0;
    queueTransferMove = new QueueTransferMove(state.queueId(), cmd.fromAgentId(), target.label());
    return persist(state, TransferRules.handingOver(state, now, offHold(state, cmd.fromAgentId(), now,
            new CallTransferred(cmd.fromAgentId(), target.queueId(), null, null, enqueuedAt, priority, 0, now))))
        .thenRun(s -> {
          TransferRules.monitorLegsEnded(state, s.legs());
          notices.handedOver(cmd.fromAgentId(), talk, state.wrapUpSeconds());
          s.legs().tell(new CallLegs.Transferred(callId, cmd.fromAgentId()));
          enqueue(s, s.queueId(), now);
        })
        .thenReply(cmd.replyTo(), s -> StatusReply.success(s.view()));
  }

  private ReplyEffect<Event, CallState> onTransferTargetReserved(CallState state, TransferTargetReserved m) {
    Transfer cmd = m.transfer();
    java.util.Optional<StatusReply<CallView>> refusal = TransferRules.refusal(state, cmd);
    if (refusal.isPresent() || m.reservation() == null) {
      if (m.reservation() != null) notices.released(m.reservation().agentId(), false);
      StatusReply<CallView> reply = refusal.orElseGet(() -> TransferRules.targetRefused(m.refusal()));
      if (refusal.isEmpty()) TransferRules.publishFailed(events, state, cmd.fromAgentId(), cmd.target().label(), reply.getError().getMessage(), clock.instant());
      return Effect().reply(cmd.replyTo(), reply);
    }
    return transferRinging(state, cmd, m.reservation());
  }

  private ReplyEffect<Event, CallState> transferRinging(CallState state, Transfer cmd, Reservation target) {
    TransferTarget to = cmd.target();
    Instant now = clock.instant();
    CallTransferred event = new CallTransferred(cmd.fromAgentId(), null, to.agentId(), to.address(), state.enqueuedAt(),
        state.priority(), cmd.ringTimeoutSeconds(), now);
    return persist(state, TransferRules.handingOver(state, now, offHold(state, cmd.fromAgentId(), now, event)))
        .thenRun(s -> {
          TransferRules.monitorLegsEnded(state, s.legs());
          s.legs().tell(new CallLegs.Transferred(callId, cmd.fromAgentId()));
          s.legs().tell(new CallLegs.RingAgents(callId, List.of(target), cmd.ringTimeoutSeconds()));
        })
        .thenReply(cmd.replyTo(), s -> StatusReply.success(s.view()));
  }

  /** The target did not answer: ring the agent who handed the call over; when that fails too, back to the queue. */
  private ReplyEffect<Event, CallState> transferFailed(CallState state, String agentId, String reason, boolean noAnswer,
      ActorRef<StatusReply<Done>> replyTo) {
    CallTransfer transfer = state.transfer();
    if (transfer.ringingBack()) return requeue(state, "the transfer failed and " + agentId + " did not take the call back: " + reason, replyTo);
    return persist(state, new TransferFailed(transfer.fromAgentId(), transfer.target(), reason, clock.instant()))
        .thenRun(s -> {
          notices.released(agentId, noAnswer);
          context.pipeToSelf(asks.<AgentEntity.Command, Reservation>ask(peers.agent(transfer.fromAgentId()),
              r -> new AgentEntity.Reserve(callId, r)), (reservation, error) -> new RingBackReserved(reservation));
        })
        .thenReply(replyTo, s -> StatusReply.ack());
  }

  private ReplyEffect<Event, CallState> onRingBackReserved(CallState state, RingBackReserved m) {
    CallTransfer transfer = state.transfer();
    if (transfer == null || !transfer.ringingBack() || state.status() != CallStatus.OFFERING) return Effect().noReply();
    if (m.reservation() == null) return requeue(state, "the transfer failed and " + transfer.fromAgentId() + " cannot take the call back", null);
    state.legs().tell(new CallLegs.RingAgents(callId, List.of(m.reservation()), transfer.ringTimeoutSeconds()));
    return Effect().noReply();
  }

  /** Back in line at its first place; the agent who handed the call over is done with it (wrap-up). */
  private ReplyEffect<Event, CallState> requeue(CallState state, String reason, ActorRef<StatusReply<Done>> replyTo) {
    CallTransfer transfer = state.transfer();
    Instant now = clock.instant();
    moveReplyTo = null;
    movesInARow = 0;
    return persist(state, new CallRequeued(state.queueId(), reason, now))
        .thenRun(s -> {
          notices.handedOver(transfer.fromAgentId(), transfer.talkSeconds(), state.wrapUpSeconds());
          enqueue(s, s.queueId(), now);
        })
        .thenReply(replyTo != null ? replyTo : context.getSystem().ignoreRef(), s -> StatusReply.ack());
  }

  private ReplyEffect<Event, CallState> onVerify(CallState state, Verify cmd) {
    if (!state.active()) {
      if (state.status() == CallStatus.ENDED) notices.remind(state, cmd.askedBy());
      return Effect().noReply();
    }
    // A callback between attempts has no legs to prove and keeps its place; one whose dial was cut off tries again later.
    if (state.legs() == null) {
      return state.status() == CallStatus.OFFERING && state.callback() != null
          ? callbackFailed(state, "the callback's dial was cut off", context.getSystem().ignoreRef(), true) : Effect().noReply();
    }
    pingLegs(state);
    return Effect().noReply();
  }

  private void pingLegs(CallState state) {
    context.ask(Done.class, state.legs(), LEGS_PING_TIMEOUT, CallLegs.Ping::new,
        (done, failure) -> new LegsChecked(failure == null));
  }

  private ReplyEffect<Event, CallState> onVerifyAfterRestart(CallState state, VerifyAfterRestart cmd) {
    // A node that is no longer a member held no live call either (a node restarted on a new address).
    if (state.active() && state.legs() != null && (legsNode(state).equals(cmd.node()) || legsNodeLost(state))) pingLegs(state);
    return Effect().reply(cmd.replyTo(), Done.getInstance());
  }

  /** The address of the node that holds (or held) the legs; a local ref is this node's. */
  private String legsNode(CallState state) {
    Address legsNode = state.legs().path().address();
    return (legsNode.hasGlobalScope() ? legsNode : Cluster.get(context.getSystem()).selfMember().address()).toString();
  }

  private ReplyEffect<Event, CallState> onCheckHold(CallState state, CheckHold cmd) {
    if (state.status() == CallStatus.ENDED) notices.remind(state, cmd.agentId());
    else if (!state.holds(cmd.agentId())) notices.released(cmd.agentId(), false);
    return Effect().reply(cmd.replyTo(), StatusReply.ack());
  }

  private ReplyEffect<Event, CallState> onLegsChecked(CallState state, LegsChecked cmd) {
    if (cmd.alive() || !state.active() || state.legs() == null) return Effect().noReply();
    if (callbackDialing(state)) return callbackFailed(state, "the callback's SIP legs were lost", context.getSystem().ignoreRef());
    if (callbackInLine(state)) return dropCallbackLegs(state);
    String reason = legsNodeLost(state) ? NODE_LOST : "engine-restart: the call's SIP legs were lost";
    context.getLog().info("Call {} lost its SIP legs; ending it ({})", callId, reason);
    return end(state, Disposition.FAILED, reason, context.getSystem().ignoreRef(), false);
  }

  /**
   * Back after a restart or on another node: a live call checks its legs; a connected one, and
   * one that ended lately, tells its agents and queue again what they must know (a notice the
   * crash cut off arrives now; one that arrived already is taken as a repeat).
   */
  private void onRecovered(CallState state) {
    if (state.status() == CallStatus.CONNECTED) notices.connected(state.agentId(), List.of(), state.queueId());
    if (state.active() && state.callback() != null && state.callback().retryAt() != null) armRetry(state);
    if (state.active()) {
      watchLegs(state);
      context.getSelf().tell(new Verify("recovery"));
      return;
    }
    if (state.status() == CallStatus.ENDED && state.endedAt().isAfter(clock.instant().minus(RESEND_WINDOW))) {
      notices.ended(state);
    }
    timers.startSingleTimer(Passivate.INSTANCE, Passivate.INSTANCE, PASSIVATE_AFTER);
  }

  // --- callbacks ---

  private ReplyEffect<Event, CallState> onRequestCallback(CallState state, RequestCallback cmd) {
    // A repeat of the request this call stored (its answer was lost on the way): the same answer.
    if (state.active() && state.callback() != null && state.callback().number().equals(cmd.number())) {
      return Effect().reply(cmd.replyTo(), StatusReply.success(state.view()));
    }
    if (state.status() != CallStatus.QUEUED || state.callback() != null) {
      return Effect().reply(cmd.replyTo(), Refusal.CONFLICT.reply("call " + callId + " is " + state.status() + ", not waiting for an agent"));
    }
    ActorRef<CallLegs.Command> oldLegs = state.legs();
    return persist(state, new CallbackRequested(cmd.number(), cmd.maxAttempts(), cmd.retryAfterSeconds(), clock.instant()))
        .thenRun(s -> {
          // The caller's session stops once it hangs up: that is no longer the end of the call.
          if (oldLegs != null) context.unwatch(oldLegs);
          timers.cancel(LegsGone.INSTANCE);
        })
        .thenReply(cmd.replyTo(), s -> StatusReply.success(s.view()));
  }

  /** Asks this node's SIP gateway for the legs of one attempt; they ring the agent, then call the customer. */
  private void dialCallback(CallState state, CallLegs.RingAgents ring) {
    var dialer = CallbackDialer.get(context.getSystem()).dialer();
    if (dialer.isEmpty()) {
      context.getSelf().tell(new CallbackDialFailed("no SIP gateway on this node to call back from"));
      return;
    }
    @SuppressWarnings({"unchecked", "rawtypes"})
    Class<ActorRef<CallLegs.Command>> legsClass = (Class) ActorRef.class;
    context.ask(legsClass, dialer.get(), LEGS_PING_TIMEOUT, r -> new CallbackDialer.Dial(callId, state.callback().number(), state.queueId(), r),
        (legs, failure) -> failure != null ? new CallbackDialFailed("the SIP gateway did not start the callback") : new CallbackLegsReady(legs, ring));
  }

  private ReplyEffect<Event, CallState> onCallbackLegsReady(CallState state, CallbackLegsReady m) {
    if (state.status() != CallStatus.OFFERING || !state.callbackWithoutLegs()) {
      m.legs().tell(new CallLegs.Hangup(callId, "the callback is no longer offered"));
      return Effect().noReply();
    }
    return persist(state, new CallbackDialed(m.legs(), clock.instant()))
        .thenRun(s -> {
          watchLegs(s);
          s.legs().tell(m.ring());
        })
        .thenNoReply();
  }

  private boolean callbackDialing(CallState state) {
    return state.callback() != null && state.status() == CallStatus.OFFERING;
  }

  /** Back in line with the legs of an attempt whose agents did not answer: the customer was not called, nothing is counted. */
  private boolean callbackInLine(CallState state) {
    return state.callback() != null && state.status() == CallStatus.QUEUED;
  }

  private ReplyEffect<Event, CallState> dropCallbackLegs(CallState state) {
    ActorRef<CallLegs.Command> oldLegs = state.legs();
    return persist(state, new CallbackLegsDropped(clock.instant()))
        .thenRun(s -> {
          context.unwatch(oldLegs);
          timers.cancel(LegsGone.INSTANCE);
        })
        .thenNoReply();
  }

  /**
   * An attempt failed: with attempts left the agents are let go and the call leaves the line until
   * its retry; after the last the call ends CALLBACK_FAILED.
   */
  private ReplyEffect<Event, CallState> callbackFailed(CallState state, String reason, ActorRef<StatusReply<CallView>> replyTo) {
    return callbackFailed(state, reason, replyTo, false);
  }

  /** As above; {@code neverDialed}: no legs started the attempt (no gateway answered), which counts as one all the same. */
  private ReplyEffect<Event, CallState> callbackFailed(CallState state, String reason, ActorRef<StatusReply<CallView>> replyTo,
      boolean neverDialed) {
    Callback counted = neverDialed ? state.callback().attempted() : state.callback();
    if (!counted.attemptsLeft()) {
      return end(state, Disposition.CALLBACK_FAILED, "callback-failed: " + reason + " (after " + counted.attempts() + " attempts)",
          replyTo, true);
    }
    Instant now = clock.instant();
    List<Event> batch = neverDialed ? List.of(new CallbackDialed(null, now), new CallbackAttemptFailed(reason, now))
        : List.of(new CallbackAttemptFailed(reason, now));
    ActorRef<CallLegs.Command> oldLegs = state.legs();
    context.getLog().info("Call {}: callback attempt {} failed ({}); retrying in {} s", callId, counted.attempts(), reason,
        state.callback().retryAfterSeconds());
    return persist(state, batch)
        .thenRun(s -> {
          if (oldLegs != null) {
            context.unwatch(oldLegs);
            oldLegs.tell(new CallLegs.Hangup(callId, reason));
          }
          timers.cancel(LegsGone.INSTANCE);
          state.offeredTo().forEach(agentId -> notices.released(agentId, false));
          notices.leftQueue(s.queueId());
          armRetry(s);
        })
        .thenReply(replyTo, s -> StatusReply.success(s.view()));
  }

  private void armRetry(CallState state) {
    Duration wait = Duration.between(clock.instant(), state.callback().retryAt());
    timers.startSingleTimer(RetryCallback.INSTANCE, RetryCallback.INSTANCE, wait.isNegative() ? Duration.ZERO : wait);
  }

  /** Back into its queue with its first entry time, so it takes the place it had. */
  private ReplyEffect<Event, CallState> onRetryCallback(CallState state, RetryCallback cmd) {
    if (state.status() != CallStatus.QUEUED || state.callback() == null || state.callback().retryAt() == null) return Effect().noReply();
    moveReplyTo = null;
    movesInARow = 1;
    String queueId = state.queueId();
    return persist(state, new CallbackRetried(clock.instant()))
        .thenRun(s -> {
          enqueue(s, queueId, clock.instant());
        })
        .thenNoReply();
  }

  @Override
  public SignalHandler<CallState> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), this::onRecovered)
        .build();
  }

  @Override
  public EventHandler<CallState, Event> eventHandler() {
    return newEventHandlerBuilder().forAnyState()
        .onEvent(CallStarted.class, CallState::started)
        .onEvent(CallOffered.class, CallState::offered)
        .onEvent(CallOfferFailed.class, (s, e) -> s.offerFailed(e.agentId()))
        .onEvent(CallMoved.class, (s, e) -> s.movedTo(e.toQueueId()))
        .onEvent(CallRouted.class, CallState::routed)
        .onEvent(QualitySampled.class, (s, e) -> s.withMedia(s.media().withSample(e.mos(), e.lossPercent())))
        .onEvent(DtmfReceived.class, (s, e) -> s.withMedia(s.media().withDigit(e.digit())))
        .onEvent(CallConnected.class, CallState::connected)
        .onEvent(CallEnded.class, CallState::ended)
        .onEvent(CallAdmitted.class, (s, e) -> s)
        .onEvent(CallWrappedUp.class, (s, e) -> s)
        .onEvent(RecordingStarted.class, (s, e) -> s.withRecording(new CallRecording(e.node(), e.file(), e.at(), false, null, null)))
        .onEvent(RecordingPaused.class, (s, e) -> s.withRecording(s.recording().paused(true)))
        .onEvent(RecordingResumed.class, (s, e) -> s.withRecording(s.recording().paused(false)))
        .onEvent(RecordingStopped.class, (s, e) -> s.withRecording(s.recording().stopped(e.at(), e.seconds())))
        .onEvent(MonitorStarted.class, (s, e) -> s.withMonitoring(new Monitoring(e.monitorId(), e.supervisor(), e.phone(), e.mode(), e.at())))
        .onEvent(MonitorModeChanged.class, (s, e) -> s.monitoring() == null ? s : s.withMonitoring(s.monitoring().withMode(e.mode())))
        .onEvent(MonitorEnded.class, (s, e) -> s.withMonitoring(null))
        .onEvent(CallHeld.class, (s, e) -> s.withHold(s.hold().held(e.at())))
        .onEvent(CallResumed.class, (s, e) -> s.withHold(s.hold().resumed(e.totalHeldMillis())))
        .onEvent(CallTransferred.class, (s, e) -> e.toQueueId() != null ? s.transferredToQueue(e)
            : s.transferRinging(e, e.toAgentId() != null ? e.toAgentId() : e.toAddress()))
        .onEvent(TransferFailed.class, CallState::ringingBack)
        .onEvent(CallRequeued.class, CallState::requeued)
        .onEvent(CallbackRequested.class, CallState::callbackRequested)
        .onEvent(CallbackDialed.class, CallState::callbackDialed)
        .onEvent(CallbackAttemptFailed.class, CallState::callbackAttemptFailed)
        .onEvent(CallbackOffered.class, (s, e) -> s)
        .onEvent(CallbackRetried.class, (s, e) -> s.callbackRetried())
        .onEvent(CallbackLegsDropped.class, (s, e) -> s.callbackLegsDropped())
        .onEvent(ConsultStarted.class, (s, e) -> s.withConsult(new Consult(e.consultId(), e.fromAgentId(), e.target(), false, false, e.at())))
        .onEvent(ConsultAnswered.class, (s, e) -> s.consult() == null ? s : s.withConsult(s.consult().answer()))
        .onEvent(ConferenceStarted.class, (s, e) -> s.consult() == null ? s : s.withConsult(s.consult().toConference()))
        .onEvent(ConsultEnded.class, (s, e) -> s.withConsult(null))
        .build();
  }
}
