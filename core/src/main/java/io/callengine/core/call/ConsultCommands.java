package io.callengine.core.call;

import io.callengine.core.Asks;
import io.callengine.core.Peers;
import io.callengine.core.Refusal;
import io.callengine.core.agent.AgentEntity;
import io.callengine.core.agent.Reservation;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BiFunction;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.javadsl.EffectBuilder;
import org.apache.pekko.persistence.typed.javadsl.EffectFactories;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;

/**
 * The {@link CallEntity}'s commands of an agent's consult: the agent puts the customer on hold and
 * talks to another agent (reserved like a transfer's target) or an allowed outside address; then
 * completes it (an attended transfer: the target takes the call, the agent goes to wrap-up and the
 * record links both), makes it a conference of three, or cancels it. The legs report the target's
 * answer and an end of their own. Used by the entity's command handler only; {@code persist}
 * stores events and publishes what they mean.
 */
final class ConsultCommands {
  private final String callId;
  private final Clock clock;
  private final EffectFactories<CallEntity.Event, CallState> effect;
  private final BiFunction<CallState, List<CallEntity.Event>, EffectBuilder<CallEntity.Event, CallState>> persist;
  private final ActorContext<CallEntity.Command> context;
  private final Asks asks;
  private final Peers peers;
  private final CallNotices notices;
  /** The consult whose hand-over the legs are doing now; not stored: a restart forgets the ask with it. */
  private String completing;

  ConsultCommands(String callId, Clock clock, EffectFactories<CallEntity.Event, CallState> effect,
      BiFunction<CallState, List<CallEntity.Event>, EffectBuilder<CallEntity.Event, CallState>> persist,
      ActorContext<CallEntity.Command> context, Asks asks, Peers peers, CallNotices notices) {
    this.callId = callId;
    this.clock = clock;
    this.effect = effect;
    this.persist = persist;
    this.context = context;
    this.asks = asks;
    this.peers = peers;
    this.notices = notices;
  }

  /** The refusal of a control that cannot run beside the consult (hold, transfer, monitoring, another consult). */
  static <T> StatusReply<T> busy(CallState state) {
    return Refusal.CONFLICT.reply("call " + state.callId() + " has a consult with " + state.consult().targetLabel()
        + " running: complete or cancel it first");
  }

  ReplyEffect<CallEntity.Event, CallState> onConsult(CallState state, CallEntity.StartConsult cmd) {
    Optional<StatusReply<ConsultView>> refusal = refusal(state, cmd);
    if (refusal.isPresent()) return effect.reply(cmd.replyTo(), refusal.get());
    TransferTarget target = cmd.target();
    if (target.address() != null) return start(state, cmd, new Reservation(target.address(), callId, target.address(), target.address()));
    context.pipeToSelf(asks.<AgentEntity.Command, Reservation>ask(peers.agent(target.agentId()), r -> new AgentEntity.Reserve(callId, r)),
        (reservation, error) -> new CallEntity.ConsultTargetReserved(cmd, reservation, error == null ? null : error.getMessage()));
    return effect.noReply();
  }

  ReplyEffect<CallEntity.Event, CallState> onTargetReserved(CallState state, CallEntity.ConsultTargetReserved m) {
    CallEntity.StartConsult cmd = m.consult();
    Optional<StatusReply<ConsultView>> refusal = refusal(state, cmd);
    if (refusal.isPresent() || m.reservation() == null) {
      if (m.reservation() != null) notices.released(m.reservation().agentId(), false);
      return effect.reply(cmd.replyTo(), refusal.orElseGet(() -> TransferRules.targetRefused(m.refusal())));
    }
    if (m.reservation().contact() == null) {
      notices.released(m.reservation().agentId(), false);
      return effect.reply(cmd.replyTo(), Refusal.CONFLICT.reply("agent " + m.reservation().agentId() + " has no registered phone"));
    }
    return start(state, cmd, m.reservation());
  }

  /** Why {@code cmd} cannot start a consult now; empty when it can. */
  private Optional<StatusReply<ConsultView>> refusal(CallState state, CallEntity.StartConsult cmd) {
    if (state.status() == CallStatus.NEW) return Optional.of(Refusal.NOT_FOUND.reply("call " + callId + " does not exist"));
    Optional<StatusReply<ConsultView>> notHers = notTheAgents(state, cmd.agentId());
    if (notHers.isPresent()) return notHers;
    if (state.callback() != null) return Optional.of(Refusal.CONFLICT.reply("call " + callId + " is a callback: it has no consult"));
    if (state.monitoring() != null) {
      return Optional.of(Refusal.CONFLICT.reply("call " + callId + " is monitored by " + state.monitoring().supervisor()
          + ": end the monitoring before a consult"));
    }
    if (state.consult() != null) return Optional.of(busy(state));
    TransferTarget target = cmd.target();
    if (target.queueId() != null) return Optional.of(invalid("queueId", "a consult calls an agent (agentId) or an outside address"));
    if (cmd.agentId().equals(target.agentId())) return Optional.of(invalid("agentId", "the call is already with agent " + cmd.agentId()));
    return Optional.empty();
  }

  /** A call that is not connected to {@code agentId} now (CONFLICT, the call exists). */
  private <T> Optional<StatusReply<T>> notTheAgents(CallState state, String agentId) {
    if (state.status() != CallStatus.CONNECTED) {
      return Optional.of(Refusal.CONFLICT.reply("call " + callId + " is " + state.status() + ", not connected"));
    }
    if (!agentId.equals(state.agentId())) {
      return Optional.of(Refusal.CONFLICT.reply("call " + callId + " is not connected to agent " + agentId));
    }
    return Optional.empty();
  }

  /** As the transfer's: the field and what is wrong with it, in the refusal's text (it crosses nodes as text). */
  private static <T> StatusReply<T> invalid(String field, String message) {
    return Refusal.INVALID.reply(field + ": " + message);
  }

  /** The customer goes on hold (the hold counts as any other) and the legs ring the target. */
  private ReplyEffect<CallEntity.Event, CallState> start(CallState state, CallEntity.StartConsult cmd, Reservation target) {
    Instant now = clock.instant();
    String consultId = UUID.randomUUID().toString();
    List<CallEntity.Event> batch = new ArrayList<>();
    if (!state.hold().onHold()) batch.add(new CallEntity.CallHeld(cmd.agentId(), false, now));
    batch.add(new CallEntity.ConsultStarted(consultId, cmd.agentId(), target.agentId(), now));
    return persist.apply(state, batch)
        .thenRun(s -> s.legs().tell(new CallLegs.Consult(callId, consultId, target, cmd.ringTimeoutSeconds())))
        .thenReply(cmd.replyTo(), s -> StatusReply.success(s.consult().view(callId)));
  }

  /** The agent completes, conferences or cancels its consult. */
  ReplyEffect<CallEntity.Event, CallState> onChange(CallState state, CallEntity.ChangeConsult cmd) {
    if (state.status() == CallStatus.NEW) return effect.reply(cmd.replyTo(), Refusal.NOT_FOUND.reply("call " + callId + " does not exist"));
    Optional<StatusReply<ConsultView>> notHers = notTheAgents(state, cmd.agentId());
    if (notHers.isPresent()) return effect.reply(cmd.replyTo(), notHers.get());
    Consult consult = state.consult();
    if (consult == null) return effect.reply(cmd.replyTo(), Refusal.CONFLICT.reply("call " + callId + " has no consult running"));
    if (consult.id().equals(completing)) {
      return effect.reply(cmd.replyTo(), Refusal.CONFLICT.reply("the call is being handed over to " + consult.targetLabel()));
    }
    return switch (cmd.to()) {
      case COMPLETED, CONFERENCE -> !consult.answered()
          ? effect.reply(cmd.replyTo(), Refusal.CONFLICT.reply("the consult's target " + consult.targetLabel() + " has not answered yet"))
          : cmd.to() == ConsultView.State.COMPLETED ? complete(state, consult, cmd) : conference(state, consult, cmd);
      case ENDED -> cancel(state, consult, cmd);
      default -> effect.reply(cmd.replyTo(), invalid("state", "a consult moves on to CONFERENCE, COMPLETED or ENDED"));
    };
  }

  /**
   * The attended transfer. The legs hand the caller over first and only then is it stored: a
   * target who hung up at that very moment leaves the call with its agent (409), never stored
   * with someone who is no longer on it. Meanwhile other steps of the consult are refused (409),
   * so that no cancel is stored for a caller the legs have already handed over.
   */
  private ReplyEffect<CallEntity.Event, CallState> complete(CallState state, Consult consult, CallEntity.ChangeConsult cmd) {
    completing = consult.id();
    // The legs live on one node and do not move: a plain ask, whose timeout says they are gone.
    context.pipeToSelf(asks.<CallLegs.Command, Done>ask(state.legs(), r -> new CallLegs.CompleteConsult(callId, consult.id(), r)),
        (done, error) -> new CallEntity.ConsultHandedOver(consult.id(), cmd, error == null ? null : error.getMessage()));
    return effect.noReply();
  }

  /** The legs handed the caller to the target: the target takes the call as a blind transfer's would, the agent goes to wrap-up. */
  ReplyEffect<CallEntity.Event, CallState> onHandedOver(CallState state, CallEntity.ConsultHandedOver m) {
    if (m.consultId().equals(completing)) completing = null;
    Consult consult = state.consult();
    ActorRef<StatusReply<ConsultView>> replyTo = m.change().replyTo();
    if (consult == null || !consult.id().equals(m.consultId())) {
      return effect.reply(replyTo, Refusal.CONFLICT.reply("the consult ended before the call was handed over"
          + (m.failure() == null ? "" : ": " + m.failure())));
    }
    if (m.failure() != null) {
      return effect.reply(replyTo, Refusal.CONFLICT.reply("the call was not handed over to " + consult.targetLabel() + ": " + m.failure()));
    }
    Instant now = clock.instant();
    long talk = state.talkSeconds(now);
    List<CallEntity.Event> batch = offHold(state, consult, now);
    batch.add(new CallEntity.ConsultEnded(consult.id(), "completed: " + consult.targetLabel() + " took the call", true, now));
    batch.add(new CallEntity.CallConnected(consult.target(), now, consult.fromAgentId()));
    return persist.apply(state, batch)
        .thenRun(s -> {
          notices.handedOver(consult.fromAgentId(), talk, state.wrapUpSeconds());
          notices.connected(consult.target(), List.of(), null);
        })
        .thenReply(replyTo, s -> StatusReply.success(consult.view(callId).with(ConsultView.State.COMPLETED)));
  }

  private ReplyEffect<CallEntity.Event, CallState> conference(CallState state, Consult consult, CallEntity.ChangeConsult cmd) {
    if (consult.conference()) return effect.reply(cmd.replyTo(), StatusReply.success(consult.view(callId)));
    Instant now = clock.instant();
    List<CallEntity.Event> batch = offHold(state, consult, now);
    batch.add(new CallEntity.ConferenceStarted(consult.id(), now));
    return persist.apply(state, batch)
        .thenRun(s -> s.legs().tell(new CallLegs.ChangeConsult(callId, consult.id(), ConsultView.State.CONFERENCE)))
        .thenReply(cmd.replyTo(), s -> StatusReply.success(s.consult().view(callId)));
  }

  /** The target's leg ends and the customer is back with the agent. */
  private ReplyEffect<CallEntity.Event, CallState> cancel(CallState state, Consult consult, CallEntity.ChangeConsult cmd) {
    Instant now = clock.instant();
    List<CallEntity.Event> batch = offHold(state, consult, now);
    batch.add(new CallEntity.ConsultEnded(consult.id(), "cancelled by " + consult.fromAgentId(), false, now));
    return persist.apply(state, batch)
        .thenRun(s -> {
          notices.released(consult.target(), false);
          s.legs().tell(new CallLegs.ChangeConsult(callId, consult.id(), ConsultView.State.ENDED));
        })
        .thenReply(cmd.replyTo(), s -> StatusReply.success(consult.view(callId).with(ConsultView.State.ENDED)));
  }

  /** The end of the consult's hold, when the customer is on hold: one more event before {@code now}'s step. */
  private static List<CallEntity.Event> offHold(CallState state, Consult consult, Instant now) {
    List<CallEntity.Event> batch = new ArrayList<>();
    if (state.hold().onHold()) {
      batch.add(new CallEntity.CallResumed(consult.fromAgentId(), false, state.hold().currentMillis(now), state.hold().totalMillis(now), now));
    }
    return batch;
  }

  ReplyEffect<CallEntity.Event, CallState> onAnswer(CallState state, CallEntity.ReportConsultAnswer cmd) {
    Consult consult = state.consult();
    if (consult == null || !consult.id().equals(cmd.consultId()) || consult.answered()) return effect.reply(cmd.replyTo(), StatusReply.ack());
    return persist.apply(state, List.of(new CallEntity.ConsultAnswered(consult.id(), clock.instant())))
        .thenRun(s -> notices.connected(consult.target(), List.of(), null))
        .thenReply(cmd.replyTo(), s -> StatusReply.ack());
  }

  /** The legs ended the consult (no answer, refused, hung up): the customer stays on hold with the agent, who may resume. */
  ReplyEffect<CallEntity.Event, CallState> onEnd(CallState state, CallEntity.ReportConsultEnd cmd) {
    Consult consult = state.consult();
    if (consult == null || !consult.id().equals(cmd.consultId())) return effect.reply(cmd.replyTo(), StatusReply.ack());
    return persist.apply(state, List.of(new CallEntity.ConsultEnded(consult.id(), cmd.reason(), false, clock.instant())))
        .thenRun(s -> notices.released(consult.target(), false))
        .thenReply(cmd.replyTo(), s -> StatusReply.ack());
  }
}
