package io.callengine.core.call;

import io.callengine.core.Refusal;
import io.callengine.core.events.EventPublisher;
import io.callengine.core.events.TransferFailed;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;

/**
 * What the CallEntity decides about a transfer, apart from its persisting: who may hand the call
 * over and when, who took it, and what the agents and the public topic hear. Pure functions of
 * the state, used on the entity's thread.
 */
final class TransferRules {
  private TransferRules() {}

  /** Why {@code cmd} cannot hand the call over now; empty when it can. */
  static Optional<StatusReply<CallView>> refusal(CallState state, CallEntity.Transfer cmd) {
    String callId = state.callId();
    boolean holds = cmd.fromAgentId().equals(state.agentId())
        || state.transfer() != null && cmd.fromAgentId().equals(state.transfer().fromAgentId());
    if (!state.active() || !holds) {
      return Optional.of(Refusal.NOT_FOUND.reply("agent " + cmd.fromAgentId() + " has no call " + callId));
    }
    if (state.status() != CallStatus.CONNECTED) {
      return Optional.of(Refusal.CONFLICT.reply("call " + callId + " is " + state.status()
          + (state.transfer() != null ? " (a transfer rings)" : "") + ", not connected"));
    }
    if (state.callback() != null) {
      return Optional.of(Refusal.CONFLICT.reply("call " + callId + " is a callback: it cannot be transferred"));
    }
    if (state.consult() != null) return Optional.of(ConsultCommands.busy(state));
    if (cmd.fromAgentId().equals(cmd.target().agentId())) {
      return Optional.of(Refusal.INVALID.reply("agentId: the call is already with agent " + cmd.fromAgentId()));
    }
    return Optional.empty();
  }

  /** Why a transfer ends the monitoring of the call. */
  static final String MONITOR_ENDED = "the call was transferred";

  /**
   * The events of a hand-over: a monitored call's monitoring ends first, in the same step (the
   * supervisor listened to the agent who hands the call over, not to whoever takes it).
   */
  static List<CallEntity.Event> handingOver(CallState state, Instant now, List<CallEntity.Event> transfer) {
    Monitoring monitoring = state.monitoring();
    if (monitoring == null) return transfer;
    List<CallEntity.Event> batch = new ArrayList<>();
    batch.add(new CallEntity.MonitorEnded(monitoring.id(), monitoring.supervisor(), MONITOR_ENDED, now));
    batch.addAll(transfer);
    return batch;
  }

  /** The legs hang up the supervisor's phone of a monitoring the hand-over ended, before they hand the agent's leg over. */
  static void monitorLegsEnded(CallState before, ActorRef<CallLegs.Command> legs) {
    if (before.monitoring() != null) legs.tell(new CallLegs.EndMonitor(before.callId(), before.monitoring().id()));
  }

  /** The named agent's refusal to reserve, as the transfer's: an unknown agent NOT_FOUND, anything else CONFLICT. */
  static <T> StatusReply<T> targetRefused(String refusal) {
    String text = String.valueOf(refusal);
    if (text.startsWith("not-found: ")) return StatusReply.error(text);
    return Refusal.CONFLICT.reply(text.startsWith("conflict: ") ? text.substring("conflict: ".length()) : "the agent did not answer: " + text);
  }

  /**
   * A target queue that would not take the call, as the transfer's refusal: an unknown queue
   * NOT_FOUND, one that did not answer UNAVAILABLE, one that refuses it (full, no agent, its
   * overflow refusing) CONFLICT with the queue's reason.
   */
  static StatusReply<CallView> queueRefused(String queueId, io.callengine.core.queue.Admission admission, Refusal refusal, String error) {
    if (admission != null) return Refusal.CONFLICT.reply("queue " + queueId + " does not take the call: " + admission.reason());
    if (refusal == Refusal.NOT_FOUND) return Refusal.NOT_FOUND.reply(error); // names the queue, the target or one it overflows to
    return Refusal.UNAVAILABLE.reply("queue " + queueId + " did not answer: " + error);
  }

  /** The agent who handed the call to {@code answering}, when a transfer rang it; null otherwise (a ring-back included). */
  static String handedFrom(CallState state, String answering) {
    CallTransfer transfer = state.transfer();
    return transfer == null || transfer.fromAgentId().equals(answering) ? null : transfer.fromAgentId();
  }

  /** Whether the caller was answered by an agent before what he waits for now. */
  static boolean answeredBefore(CallState state) {
    return !state.transferredFrom().isEmpty() || state.transfer() != null;
  }

  /** {@code answering} took the call that {@code before} was transferring: the agent who handed it over is done with it. */
  static void settled(CallState before, String answering, CallNotices notices) {
    String from = handedFrom(before, answering);
    if (from != null) notices.handedOver(from, before.transfer().talkSeconds(), before.wrapUpSeconds());
  }

  static void publishFailed(EventPublisher events, CallState state, String fromAgentId, String target, String reason, java.time.Instant at) {
    events.publish(new TransferFailed(at, state.callId(), state.queueId(), fromAgentId, target, reason));
  }
}
