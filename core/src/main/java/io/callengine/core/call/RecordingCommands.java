package io.callengine.core.call;

import io.callengine.core.Refusal;
import java.time.Clock;
import java.util.function.BiFunction;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.javadsl.EffectBuilder;
import org.apache.pekko.persistence.typed.javadsl.EffectFactories;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;

/**
 * The {@link CallEntity}'s commands about the call's recording: the gateway says when it starts
 * and stops writing the file, and the agent pauses and resumes it (card numbers). Used by the
 * entity's command handler only; {@code persist} stores an event and publishes what it means.
 */
final class RecordingCommands {
  private final String callId;
  private final Clock clock;
  private final EffectFactories<CallEntity.Event, CallState> effect;
  private final BiFunction<CallState, CallEntity.Event, EffectBuilder<CallEntity.Event, CallState>> persist;

  RecordingCommands(String callId, Clock clock, EffectFactories<CallEntity.Event, CallState> effect,
      BiFunction<CallState, CallEntity.Event, EffectBuilder<CallEntity.Event, CallState>> persist) {
    this.callId = callId;
    this.clock = clock;
    this.effect = effect;
    this.persist = persist;
  }

  /**
   * A repeat of the same start is acknowledged; a call that was never answered is not recorded (a
   * short call may end before the start arrives: its recording is stored all the same).
   */
  ReplyEffect<CallEntity.Event, CallState> onStart(CallState state, CallEntity.StartRecording cmd) {
    if (state.recording() != null && cmd.file().equals(state.recording().file())) return effect.reply(cmd.replyTo(), StatusReply.ack());
    boolean answered = state.status() == CallStatus.CONNECTED || state.status() == CallStatus.ENDED && state.answeredAt() != null;
    if (!answered || state.recording() != null) {
      return effect.reply(cmd.replyTo(), Refusal.CONFLICT.reply("call " + callId + " is " + state.status() + ", not recordable now"));
    }
    return persist.apply(state, new CallEntity.RecordingStarted(cmd.node(), cmd.file(), clock.instant()))
        .thenReply(cmd.replyTo(), s -> StatusReply.ack());
  }

  ReplyEffect<CallEntity.Event, CallState> onPause(CallState state, CallEntity.PauseRecording cmd) {
    if (state.status() == CallStatus.NEW || state.agentId() == null || !state.agentId().equals(cmd.agentId())) {
      return effect.reply(cmd.replyTo(), Refusal.NOT_FOUND.reply("agent " + cmd.agentId() + " has no call " + callId));
    }
    if (!state.recordingNow()) {
      String why = state.status() != CallStatus.CONNECTED ? "is " + state.status() + ", not connected" : "is not being recorded";
      return effect.reply(cmd.replyTo(), Refusal.CONFLICT.reply("call " + callId + " " + why));
    }
    if (state.recording().paused() == cmd.paused()) {
      return effect.reply(cmd.replyTo(), Refusal.CONFLICT.reply("the recording of call " + callId + " is already "
          + (cmd.paused() ? "paused" : "running")));
    }
    CallEntity.Event event = cmd.paused() ? new CallEntity.RecordingPaused(clock.instant()) : new CallEntity.RecordingResumed(clock.instant());
    return persist.apply(state, event)
        .thenRun(s -> s.legs().tell(new CallLegs.PauseRecording(callId, cmd.paused())))
        .thenReply(cmd.replyTo(), s -> StatusReply.success(s.view()));
  }

  /** Accepted after the call's end too: the gateway closes the file as the call ends. */
  ReplyEffect<CallEntity.Event, CallState> onStop(CallState state, CallEntity.StopRecording cmd) {
    if (state.recording() == null || !state.recording().open()) return effect.reply(cmd.replyTo(), StatusReply.ack());
    return persist.apply(state, new CallEntity.RecordingStopped(clock.instant(), cmd.seconds()))
        .thenReply(cmd.replyTo(), s -> StatusReply.ack());
  }
}
