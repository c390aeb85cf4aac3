package io.callengine.core.agent;

import io.callengine.core.CborSerializable;
import io.callengine.core.Peers;
import io.callengine.core.Refusal;
import io.callengine.core.Tags;
import io.callengine.core.call.CallEntity;
import io.callengine.core.events.AgentStatusChanged;
import io.callengine.core.events.EventPublisher;
import io.callengine.core.routing.Router;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
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
 * One agent: profile, presence, SIP registration and the calls it holds. The only authority on
 * whether the agent can take a call: the Router proposes with {@link Reserve}, this entity
 * accepts only when the agent is available, registered and below capacity. Every change is
 * reported to the Router, whose index is a cache of these entities.
 */
public final class AgentEntity
    extends EventSourcedBehaviorWithEnforcedReplies<AgentEntity.Command, AgentEntity.Event, AgentState> {

  public static final EntityTypeKey<Command> ENTITY_KEY = EntityTypeKey.create(Command.class, "Agent");

  // --- protocol ---
  public sealed interface Command extends CborSerializable {}

  public record Create(AgentProfile profile, SipCredentials credentials, ActorRef<StatusReply<AgentView>> replyTo) implements Command {}
  public record Update(AgentProfile profile, SipCredentials credentials, ActorRef<StatusReply<AgentView>> replyTo) implements Command {}
  public record UpdateSkills(List<Skill> skills, ActorRef<StatusReply<AgentView>> replyTo) implements Command {}
  public record Delete(ActorRef<StatusReply<Done>> replyTo) implements Command {}
  public record Get(ActorRef<StatusReply<AgentView>> replyTo) implements Command {}
  public record SetPresence(Presence presence, String reason, ActorRef<StatusReply<AgentView>> replyTo) implements Command {}
  /**
   * A REGISTER binding; {@code expiresSeconds} 0 removes it. {@code digest} authenticated it: a
   * use that {@link DigestUse#replays replays} the last one is refused (CONFLICT).
   */
  public record Register(String contact, int expiresSeconds, DigestUse digest, ActorRef<StatusReply<AgentView>> replyTo)
      implements Command {}
  /**
   * Another request from the agent's phone (a consult call's INVITE) passed its digest {@code digest}:
   * refused (CONFLICT) when it replays the last use, as a REGISTER would be; the last use otherwise.
   */
  public record UseDigest(DigestUse digest, ActorRef<StatusReply<Done>> replyTo) implements Command {}
  public record GetCredentials(ActorRef<StatusReply<SipCredentials>> replyTo) implements Command {}
  /**
   * The SIP gateway's OPTIONS probe of the phone at {@code contact}: {@code reachable} false when
   * it stopped answering ({@code reason} says how), true once it answers again. A report about a
   * contact the agent is no longer bound to changes nothing.
   */
  public record ReportReachability(String contact, boolean reachable, String reason, ActorRef<StatusReply<Done>> replyTo)
      implements Command {}
  public record Reserve(String callId, ActorRef<StatusReply<Reservation>> replyTo) implements Command {}
  public record AnswerCall(String callId, ActorRef<StatusReply<Done>> replyTo) implements Command {}
  /** The agent's phone rings for a call it holds. */
  public record Ringing(String callId, ActorRef<StatusReply<Done>> replyTo) implements Command {}
  /** The call was not answered here; {@code noAnswer} counts toward the automatic no-answer break. */
  public record ReleaseCall(String callId, boolean noAnswer, ActorRef<StatusReply<Done>> replyTo) implements Command {}
  /**
   * The call is over; {@code queueWrapUpSeconds} is the call's queue's wrap-up, which the agent's
   * own setting overrides. The reply says what wrap-up the agent was given, for the call's record.
   */
  public record FinishCall(String callId, long talkSeconds, int queueWrapUpSeconds, ActorRef<StatusReply<Finished>> replyTo)
      implements Command {}
  /** {@code held}: the agent held the call until now and was given {@code wrapUpSeconds}; false when it was finished already. */
  public record Finished(boolean held, int wrapUpSeconds) implements CborSerializable {}
  public record ReportToRouter(ActorRef<Done> replyTo) implements Command {}
  enum EndWrapUp implements Command { INSTANCE }
  enum RegistrationLapsed implements Command { INSTANCE }

  public sealed interface Event extends CborSerializable {}

  public record AgentCreated(AgentProfile profile, SipCredentials credentials) implements Event {}
  public record AgentUpdated(AgentProfile profile, SipCredentials credentials) implements Event {}
  public record AgentDeleted(Instant at) implements Event {}
  public record PresenceChanged(Presence presence, String reason, Instant at) implements Event {}
  /** A break or log-off asked for while busy: it takes effect when the calls and wrap-up are over. */
  public record PresenceRequested(Presence presence, String reason, Instant at) implements Event {}
  /** {@code digest}: what authenticated it (null in events written before it was kept). */
  public record Registered(String contact, Instant expiresAt, DigestUse digest) implements Event {}
  /** {@code digest}: the REGISTER that removed the binding; null when the binding lapsed. */
  public record Unregistered(Instant at, DigestUse digest) implements Event {}
  /** A request other than REGISTER was authenticated with {@code digest}. */
  public record DigestUsed(DigestUse digest) implements Event {}
  public record PhoneUnreachable(String contact, String reason, Instant at) implements Event {}
  public record PhoneReachable(String contact, Instant at) implements Event {}
  public record Reserved(String callId, Instant at) implements Event {}
  public record CallAnswered(String callId, Instant at) implements Event {}
  public record CallRinging(String callId, Instant at) implements Event {}
  public record CallReleased(String callId, boolean noAnswer, Instant at) implements Event {}
  public record CallFinished(String callId, Instant at, long talkSeconds, Instant wrapUpUntil) implements Event {}
  public record WrapUpEnded(Instant at) implements Event {}

  // --- behaviour ---
  /** The break reason the engine sets after too many consecutive unanswered offers. */
  public static final String NO_ANSWER_BREAK = "no-answer";

  public static void init(ActorSystem<?> system, ActorRef<Router.Command> router, Clock clock, EventPublisher events) {
    int maxNoAnswers = system.settings().config().getInt("callengine.agents.max-consecutive-no-answers");
    DigestSecrets.Publisher secrets = DigestSecrets.Publisher.replicated(system);
    ClusterSharding.get(system).init(
        Entity.of(ENTITY_KEY, ctx -> create(ctx.getEntityId(), router, Peers.sharded(system), clock, maxNoAnswers, events, secrets))
            // Remembered: after its node dies the agent is back on a survivor by itself, with its wrap-up and registration deadlines.
            .withSettings(org.apache.pekko.cluster.sharding.typed.ClusterShardingSettings.create(system)
                .withNoPassivationStrategy().withRememberEntities(true)));
  }

  public static Behavior<Command> create(String agentId, ActorRef<Router.Command> router, Peers peers, Clock clock,
      int maxNoAnswers, EventPublisher events, DigestSecrets.Publisher secrets) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
        new AgentEntity(agentId, router, peers, clock, maxNoAnswers, events, secrets, timers)));
  }

  private final String agentId;
  private final ActorRef<Router.Command> router;
  private final Peers peers;
  private final Clock clock;
  private final int maxNoAnswers;
  private final EventPublisher events;
  private final DigestSecrets.Publisher secrets;
  private final TimerScheduler<Command> timers;

  private AgentEntity(String agentId, ActorRef<Router.Command> router, Peers peers, Clock clock, int maxNoAnswers,
      EventPublisher events, DigestSecrets.Publisher secrets, TimerScheduler<Command> timers) {
    super(PersistenceId.of(ENTITY_KEY.name(), agentId),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.1));
    this.agentId = agentId;
    this.router = router;
    this.peers = peers;
    this.clock = clock;
    this.maxNoAnswers = maxNoAnswers;
    this.events = events;
    this.secrets = secrets;
    this.timers = timers;
  }

  @Override
  public AgentState emptyState() {
    return AgentState.empty();
  }

  @Override
  public Set<String> tagsFor(Event event) {
    return Tags.forAgent(agentId);
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(100, 2);
  }

  @Override
  public CommandHandlerWithReply<Command, Event, AgentState> commandHandler() {
    var builder = newCommandHandlerWithReplyBuilder();
    builder.forState(state -> !state.exists())
        .onCommand(Create.class, this::onCreate)
        .onCommand(Update.class, (s, c) -> notFound(c.replyTo()))
        .onCommand(UpdateSkills.class, (s, c) -> notFound(c.replyTo()))
        .onCommand(Delete.class, (s, c) -> notFound(c.replyTo()))
        .onCommand(Get.class, (s, c) -> notFound(c.replyTo()))
        .onCommand(SetPresence.class, (s, c) -> notFound(c.replyTo()))
        .onCommand(Register.class, (s, c) -> notFound(c.replyTo()))
        .onCommand(UseDigest.class, (s, c) -> notFound(c.replyTo()))
        .onCommand(GetCredentials.class, (s, c) -> notFound(c.replyTo()))
        .onCommand(ReportReachability.class, (s, c) -> notFound(c.replyTo()))
        .onCommand(Reserve.class, (s, c) -> notFound(c.replyTo()))
        .onCommand(AnswerCall.class, (s, c) -> notFound(c.replyTo()))
        .onCommand(Ringing.class, (s, c) -> Effect().reply(c.replyTo(), StatusReply.ack()))
        .onCommand(ReleaseCall.class, (s, c) -> Effect().reply(c.replyTo(), StatusReply.ack()))
        .onCommand(FinishCall.class, (s, c) -> Effect().reply(c.replyTo(), StatusReply.success(new Finished(false, 0))))
        .onCommand(ReportToRouter.class, this::onReportToRouter)
        .onAnyCommand(() -> Effect().noReply());
    builder.forAnyState()
        .onCommand(Create.class, (s, c) -> Effect().reply(c.replyTo(), Refusal.CONFLICT.reply("agent " + agentId + " already exists")))
        .onCommand(Update.class, this::onUpdate)
        .onCommand(UpdateSkills.class, this::onUpdateSkills)
        .onCommand(Delete.class, this::onDelete)
        .onCommand(Get.class, (s, c) -> Effect().reply(c.replyTo(), StatusReply.success(s.view(clock.instant()))))
        .onCommand(SetPresence.class, this::onSetPresence)
        .onCommand(Register.class, this::onRegister)
        .onCommand(UseDigest.class, this::onUseDigest)
        .onCommand(ReportReachability.class, this::onReportReachability)
        .onCommand(GetCredentials.class, (s, c) -> Effect().reply(c.replyTo(), StatusReply.success(s.credentials())))
        .onCommand(Reserve.class, this::onReserve)
        .onCommand(AnswerCall.class, this::onAnswerCall)
        .onCommand(Ringing.class, this::onRinging)
        .onCommand(ReleaseCall.class, this::onReleaseCall)
        .onCommand(FinishCall.class, this::onFinishCall)
        .onCommand(ReportToRouter.class, this::onReportToRouter)
        .onCommand(EndWrapUp.class, this::onEndWrapUp)
        .onCommand(RegistrationLapsed.class, this::onRegistrationLapsed);
    return builder.build();
  }

  private <T> ReplyEffect<Event, AgentState> notFound(ActorRef<StatusReply<T>> replyTo) {
    return Effect().reply(replyTo, Refusal.NOT_FOUND.reply("agent " + agentId + " does not exist"));
  }

  private ReplyEffect<Event, AgentState> onCreate(AgentState state, Create cmd) {
    return Effect().persist(new AgentCreated(cmd.profile(), cmd.credentials()))
        .thenRun(this::changed)
        .thenRun(s -> secrets.publish(agentId, s.credentials()))
        .thenReply(cmd.replyTo(), s -> StatusReply.success(s.view(clock.instant())));
  }

  private ReplyEffect<Event, AgentState> onUpdate(AgentState state, Update cmd) {
    SipCredentials credentials = cmd.credentials() != null ? cmd.credentials() : state.credentials();
    return Effect().persist(new AgentUpdated(cmd.profile(), credentials))
        .thenRun(this::changed)
        .thenRun(s -> secrets.publish(agentId, s.credentials()))
        .thenReply(cmd.replyTo(), s -> StatusReply.success(s.view(clock.instant())));
  }

  private ReplyEffect<Event, AgentState> onUpdateSkills(AgentState state, UpdateSkills cmd) {
    return Effect().persist(new AgentUpdated(state.profile().withSkills(cmd.skills()), state.credentials()))
        .thenRun(this::changed)
        .thenReply(cmd.replyTo(), s -> StatusReply.success(s.view(clock.instant())));
  }

  private ReplyEffect<Event, AgentState> onDelete(AgentState state, Delete cmd) {
    if (!state.calls().isEmpty()) {
      return Effect().reply(cmd.replyTo(), Refusal.CONFLICT.reply("agent " + agentId + " is handling a call; try again when it ends"));
    }
    return Effect().persist(new AgentDeleted(clock.instant()))
        .thenRun(s -> router.tell(new Router.AgentRemoved(agentId)))
        .thenRun(s -> secrets.publish(agentId, null))
        .thenReply(cmd.replyTo(), s -> StatusReply.ack());
  }

  /** AVAILABLE applies at once; a break or log-off while busy waits until the calls and wrap-up are over. */
  private ReplyEffect<Event, AgentState> onSetPresence(AgentState state, SetPresence cmd) {
    String reason = cmd.presence() == Presence.BREAK ? cmd.reason() : null;
    boolean deferred = cmd.presence() != Presence.AVAILABLE && !state.settled();
    Event event = deferred
        ? new PresenceRequested(cmd.presence(), reason, clock.instant())
        : new PresenceChanged(cmd.presence(), reason, clock.instant());
    return Effect().persist(event)
        .thenRun(this::changed)
        .thenReply(cmd.replyTo(), s -> StatusReply.success(s.view(clock.instant())));
  }

  private ReplyEffect<Event, AgentState> onRegister(AgentState state, Register cmd) {
    if (cmd.digest() != null && cmd.digest().replays(state.lastDigest())) {
      return Effect().reply(cmd.replyTo(), Refusal.CONFLICT.reply("digest nonce count already used"));
    }
    Instant now = clock.instant();
    Event event = cmd.expiresSeconds() <= 0
        ? new Unregistered(now, cmd.digest())
        : new Registered(cmd.contact(), now.plusSeconds(cmd.expiresSeconds()), cmd.digest());
    return Effect().persist(event)
        .thenRun(s -> { armTimers(s); changed(s); })
        .thenReply(cmd.replyTo(), s -> StatusReply.success(s.view(clock.instant())));
  }

  private ReplyEffect<Event, AgentState> onUseDigest(AgentState state, UseDigest cmd) {
    if (cmd.digest().replays(state.lastDigest())) {
      return Effect().reply(cmd.replyTo(), Refusal.CONFLICT.reply("digest nonce count already used"));
    }
    return Effect().persist(new DigestUsed(cmd.digest())).thenReply(cmd.replyTo(), s -> StatusReply.ack());
  }

  /** Persisted only when it changes something, so a phone answering every probe writes nothing. */
  private ReplyEffect<Event, AgentState> onReportReachability(AgentState state, ReportReachability cmd) {
    if (cmd.contact() == null || !cmd.contact().equals(state.contact()) || state.reachable() == cmd.reachable()) {
      return Effect().reply(cmd.replyTo(), StatusReply.ack());
    }
    Event event = cmd.reachable()
        ? new PhoneReachable(cmd.contact(), clock.instant())
        : new PhoneUnreachable(cmd.contact(), cmd.reason(), clock.instant());
    return Effect().persist(event).thenRun(this::changed).thenReply(cmd.replyTo(), s -> StatusReply.ack());
  }

  private ReplyEffect<Event, AgentState> onReserve(AgentState state, Reserve cmd) {
    if (state.calls().containsKey(cmd.callId())) {
      return Effect().reply(cmd.replyTo(), StatusReply.success(new Reservation(agentId, cmd.callId(), state.contact(), state.profile().sipUri())));
    }
    if (!state.view(clock.instant()).canTakeCall(clock.instant())) {
      return Effect().reply(cmd.replyTo(), Refusal.CONFLICT.reply("agent " + agentId + " cannot take a call now"));
    }
    return Effect().persist(new Reserved(cmd.callId(), clock.instant()))
        .thenRun(this::changed)
        .thenReply(cmd.replyTo(), s -> StatusReply.success(new Reservation(agentId, cmd.callId(), s.contact(), s.profile().sipUri())));
  }

  private ReplyEffect<Event, AgentState> onAnswerCall(AgentState state, AnswerCall cmd) {
    if (state.calls().get(cmd.callId()) == Activity.ON_CALL) return Effect().reply(cmd.replyTo(), StatusReply.ack());
    if (!state.calls().containsKey(cmd.callId())) {
      return Effect().reply(cmd.replyTo(), Refusal.CONFLICT.reply("agent " + agentId + " holds no reservation for call " + cmd.callId()));
    }
    return Effect().persist(new CallAnswered(cmd.callId(), clock.instant()))
        .thenRun(this::changed)
        .thenReply(cmd.replyTo(), s -> StatusReply.ack());
  }

  private ReplyEffect<Event, AgentState> onRinging(AgentState state, Ringing cmd) {
    if (state.calls().get(cmd.callId()) != Activity.RESERVED) return Effect().reply(cmd.replyTo(), StatusReply.ack());
    return Effect().persist(new CallRinging(cmd.callId(), clock.instant()))
        .thenRun(this::changed)
        .thenReply(cmd.replyTo(), s -> StatusReply.ack());
  }

  /** After {@code maxNoAnswers} unanswered offers in a row the agent goes on a no-answer break. */
  private ReplyEffect<Event, AgentState> onReleaseCall(AgentState state, ReleaseCall cmd) {
    if (!state.calls().containsKey(cmd.callId())) return Effect().reply(cmd.replyTo(), StatusReply.ack());
    Instant now = clock.instant();
    List<Event> events = new java.util.ArrayList<>(List.of(new CallReleased(cmd.callId(), cmd.noAnswer(), now)));
    if (cmd.noAnswer() && state.consecutiveNoAnswers() + 1 >= maxNoAnswers && state.presence() == Presence.AVAILABLE
        && state.pendingPresence() == null) {
      events.add(new PresenceChanged(Presence.BREAK, NO_ANSWER_BREAK, now));
    }
    return Effect().persist(withPendingPresence(state, events, now))
        .thenRun(this::changed)
        .thenReply(cmd.replyTo(), s -> StatusReply.ack());
  }

  /** Idempotent: the call tells again until it hears back, and again after it recovers. */
  private ReplyEffect<Event, AgentState> onFinishCall(AgentState state, FinishCall cmd) {
    if (!state.calls().containsKey(cmd.callId())) return Effect().reply(cmd.replyTo(), StatusReply.success(new Finished(false, 0)));
    Instant now = clock.instant();
    int wrapUp = state.profile().wrapUpAfter(cmd.queueWrapUpSeconds());
    Instant wrapUpUntil = wrapUp > 0 ? now.plusSeconds(wrapUp) : null;
    List<Event> events = new java.util.ArrayList<>(List.of(new CallFinished(cmd.callId(), now, cmd.talkSeconds(), wrapUpUntil)));
    return Effect().persist(withPendingPresence(state, events, now))
        .thenRun(s -> {
          armTimers(s);
          changed(s);
        })
        .thenReply(cmd.replyTo(), s -> StatusReply.success(new Finished(true, wrapUp)));
  }

  private ReplyEffect<Event, AgentState> onEndWrapUp(AgentState state, EndWrapUp cmd) {
    if (state.wrapUpUntil() == null) return Effect().noReply();
    Instant now = clock.instant();
    List<Event> events = new java.util.ArrayList<>(List.of(new WrapUpEnded(now)));
    return Effect().persist(withPendingPresence(state, events, now)).thenRun(this::changed).thenNoReply();
  }

  /**
   * A break or log-off asked for while busy applies, as its own PresenceChanged, once
   * {@code events} leave the agent holding no call and out of wrap-up.
   */
  private List<Event> withPendingPresence(AgentState state, List<Event> events, Instant now) {
    AgentState after = state;
    for (Event event : events) after = eventHandler().apply(after, event);
    if (after.pendingPresence() != null && after.settled()) {
      events.add(new PresenceChanged(after.pendingPresence(), after.pendingReason(), now));
    }
    return events;
  }

  private ReplyEffect<Event, AgentState> onRegistrationLapsed(AgentState state, RegistrationLapsed cmd) {
    if (state.registeredAt(clock.instant())) return Effect().noReply();
    return Effect().persist(new Unregistered(clock.instant(), null)).thenRun(this::changed).thenNoReply();
  }

  private ReplyEffect<Event, AgentState> onReportToRouter(AgentState state, ReportToRouter cmd) {
    if (state.profile() != null) reportToRouter(state);
    return Effect().reply(cmd.replyTo(), Done.getInstance());
  }

  /** After a persisted change: the Router learns it, and so does the public topic (once, never again on recovery). */
  private void changed(AgentState state) {
    reportToRouter(state);
    if (!state.exists()) return;
    AgentView view = state.view(clock.instant());
    events.publish(new AgentStatusChanged(clock.instant(), agentId, view.presence().name(), view.breakReason(),
        view.activity().name(), view.registered(), view.currentCalls()));
  }

  /** Tells the Router how the agent stands now: after a change, a recovery, or when the Router rebuilds. */
  private void reportToRouter(AgentState state) {
    if (!state.exists()) {
      router.tell(new Router.AgentRemoved(agentId));
      return;
    }
    router.tell(new Router.AgentChanged(state.view(clock.instant())));
  }

  /** Timers are not persisted: the deadlines are, and are re-armed here after every change and recovery. */
  private void armTimers(AgentState state) {
    Instant now = clock.instant();
    if (state.wrapUpUntil() != null) {
      timers.startSingleTimer("wrap-up", EndWrapUp.INSTANCE, positive(Duration.between(now, state.wrapUpUntil())));
    }
    if (state.registrationExpiresAt() != null) {
      timers.startSingleTimer("registration", RegistrationLapsed.INSTANCE,
          positive(Duration.between(now, state.registrationExpiresAt())));
    }
  }

  private static Duration positive(Duration d) {
    return d.isNegative() ? Duration.ZERO : d;
  }

  @Override
  public SignalHandler<AgentState> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), this::onRecovered)
        .build();
  }

  /** After a restart: re-arm deadlines, re-announce, and have every held call prove it still lives. */
  private void onRecovered(AgentState state) {
    if (!state.exists()) return;
    armTimers(state);
    reportToRouter(state);
    secrets.publish(agentId, state.credentials());
    state.calls().keySet().forEach(callId -> peers.call(callId).tell(new CallEntity.Verify(agentId)));
  }

  @Override
  public EventHandler<AgentState, Event> eventHandler() {
    return newEventHandlerBuilder().forAnyState()
        .onEvent(AgentCreated.class, (s, e) -> s.withProfile(e.profile(), e.credentials()))
        .onEvent(AgentUpdated.class, (s, e) -> s.withProfile(e.profile(), e.credentials()))
        .onEvent(AgentDeleted.class, (s, e) -> s.withDeleted())
        .onEvent(PresenceChanged.class, (s, e) -> s.withPresence(e.presence(), e.reason()))
        .onEvent(PresenceRequested.class, (s, e) -> s.withPendingPresence(e.presence(), e.reason()))
        .onEvent(Registered.class, (s, e) -> s.withRegistration(e.contact(), e.expiresAt(), e.digest()))
        .onEvent(DigestUsed.class, (s, e) -> s.withRegistration(s.contact(), s.registrationExpiresAt(), e.digest()))
        .onEvent(Unregistered.class, (s, e) -> s.withRegistration(null, null, e.digest()))
        .onEvent(PhoneUnreachable.class, (s, e) -> s.withReachability(e.contact(), false))
        .onEvent(PhoneReachable.class, (s, e) -> s.withReachability(e.contact(), true))
        .onEvent(Reserved.class, (s, e) -> s.withCall(e.callId(), Activity.RESERVED))
        .onEvent(CallRinging.class, (s, e) -> s.withCall(e.callId(), Activity.RINGING))
        .onEvent(CallAnswered.class, (s, e) -> s.withCall(e.callId(), Activity.ON_CALL))
        .onEvent(CallReleased.class, (s, e) -> s.withCallReleased(e.callId(), e.noAnswer()))
        .onEvent(CallFinished.class, (s, e) -> s.withCallFinished(e.callId(), e.at(), e.talkSeconds(), e.wrapUpUntil()))
        .onEvent(WrapUpEnded.class, (s, e) -> s.withWrapUpEnded())
        .build();
  }
}
