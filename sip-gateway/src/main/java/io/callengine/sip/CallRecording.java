package io.callengine.sip;

import io.callengine.core.api.CallCenterEngine;
import io.callengine.core.call.CallEntity;
import io.callengine.core.call.CallView;
import io.callengine.core.queue.QueueConfig;
import io.callengine.core.queue.QueueRecording;
import io.callengine.sip.media.CallAudio;
import io.callengine.sip.media.Codec;
import io.callengine.sip.media.G711Law;
import io.callengine.sip.media.HoldAudio;
import io.callengine.sip.media.RtpEndpoint;
import io.callengine.sip.media.StereoWavRecorder;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The recording of one call, owned by its {@link CallSession} and used on its thread: decides
 * when the first agent answers whether the call is recorded (the queue's setting, a draw for PERCENT),
 * plays the notice to the caller before the bridge when the queue asks for it, writes the two
 * sides to a {@link StereoWavRecorder} from the call's {@link CallAudio} once bridged, pauses it
 * when the CallEntity says so (the API, or the agent's pause key, which it hears here), and
 * closes the file when the session stops. The CallEntity records each step.
 */
final class CallRecording {
  private static final Logger log = LoggerFactory.getLogger(CallRecording.class);
  private static final int FRAMES_PER_SECOND = 50;

  /** The notice has been heard (or cut short): the call may be bridged. */
  enum Announced implements CallSession.Message { INSTANCE }

  /** A key the agent's phone sent, as RFC 4733 events or SIP INFO. */
  record AgentKey(char digit) implements CallSession.Message {}

  private final ActorContext<CallSession.Message> context;
  private final CallCenterEngine engine;
  private final CallRecorders recorders;
  private final SessionMedia media;
  private final String callId;
  private boolean decided;
  private boolean recorded;
  private String agentId;
  private CallAudio audio;
  private CallAudio.Listener listener;
  private StereoWavRecorder recorder;
  private boolean paused;
  private boolean closed;
  /** The CallEntity has stored the answer: the start can be recorded after it. */
  private boolean answerStored;
  private boolean startTold;
  private String file;
  private final StringBuilder keys = new StringBuilder();

  CallRecording(ActorContext<CallSession.Message> context, CallCenterEngine engine, CallRecorders recorders, SessionMedia media,
      String callId) {
    this.context = context;
    this.engine = engine;
    this.recorders = recorders;
    this.media = media;
    this.callId = callId;
  }

  /**
   * An agent answered: the decision, made once a call at its first answer, by the routing policy's
   * setting when it has one, else by the queue's. True when the caller now hears the notice, and
   * the bridge waits for {@link Announced}; the answer of a transfer's target neither decides
   * again nor repeats the notice.
   */
  boolean answered(QueueRecording byPolicy, QueueConfig queue, RtpEndpoint customer, Codec codec) {
    if (decided) return false;
    decided = true;
    QueueRecording setting = byPolicy != null ? byPolicy : queue == null ? null : queue.recordingOrNone();
    if (setting == null || !codec.isG711()) return false;
    recorded = setting.recordsWith(recorders::draw);
    if (!setting.announcesFirst()) return false;
    context.pipeToSelf(media.prompt(customer, codec, HoldAudio.Prompt.CALL_MAY_BE_RECORDED), (done, error) -> Announced.INSTANCE);
    return true;
  }

  /**
   * The call is bridged: a recorded call starts writing its file, and the agent's keys are
   * listened for. After a transfer the same file goes on (the call's audio follows the new leg),
   * now in the name of the agent who took the call, whose keys are listened for on his leg.
   */
  void bridged(java.util.function.Supplier<CallAudio> callAudio, String answeringAgent, RtpEndpoint agentMedia, Codec codec,
      Integer telephoneEventType) {
    if (!recorded || closed) return;
    if (recorder != null) {
      agentId = answeringAgent;
      keys.setLength(0);
      listenForKeys(agentMedia, telephoneEventType);
      log.info("Call {} is recorded on to {} with agent {}", callId, file, agentId);
      return;
    }
    try {
      audio = callAudio.get();
    } catch (RuntimeException e) { // the call goes on unrecorded rather than failing
      log.warn("Call {} cannot be recorded: {}", callId, e.getMessage());
    }
    if (audio == null) return;
    agentId = answeringAgent;
    java.time.Instant startedAt = engine.clock().instant();
    file = CallRecorders.fileName(callId, startedAt);
    recorder = recorders.open(callId, startedAt);
    G711Law law = G711Law.of(codec);
    StereoWavRecorder writing = recorder;
    listener = new CallAudio.Listener() {
      @Override
      public void frame(io.netty.buffer.ByteBuf customer, io.netty.buffer.ByteBuf agent) {
        writing.frame(law, customer, law, agent);
      }

      @Override // a barging supervisor is part of the call as the customer hears it: on the agent's channel
      public void frame(io.netty.buffer.ByteBuf customer, io.netty.buffer.ByteBuf agent, io.netty.buffer.ByteBuf supervisor,
          boolean heardByCustomer) {
        writing.frame(law, customer, law, agent, heardByCustomer ? supervisor : null);
      }
    };
    audio.add(listener);
    listenForKeys(agentMedia, telephoneEventType);
    log.info("Call {} is recorded to {}", callId, file);
    recordStart();
  }

  private void listenForKeys(RtpEndpoint agentMedia, Integer telephoneEventType) {
    if (telephoneEventType == null || recorders.pauseKey().isEmpty()) return;
    var self = context.getSelf();
    agentMedia.detectDtmf(telephoneEventType, (digit, ms) -> self.tell(new AgentKey(digit)));
  }

  /** The CallEntity stored the agent's answer; a start told before it would be refused. */
  void answerStored() {
    answerStored = true;
    recordStart();
  }

  /** Told once: a transfer's target answering goes on with the recording already started. */
  private void recordStart() {
    if (!answerStored || recorder == null || startTold) return;
    startTold = true;
    String started = file;
    engine.asks().<CallEntity.Command, Done>askRetrying(call(), r -> new CallEntity.StartRecording(recorders.node(), started, r))
        .whenComplete((done, error) -> {
          if (error != null) log.info("Call {}: the start of its recording was not recorded: {}", callId, error.getMessage());
        });
  }

  /** The CallEntity stored a pause or a resume (from the API or the pause key). */
  void pause(boolean nowPaused) {
    if (recorder == null) return;
    paused = nowPaused;
    if (paused) recorder.pause();
    else recorder.resume();
  }

  /** Keys of the agent's phone: the pause key toggles, through the CallEntity like the API. */
  void agentKey(char digit) {
    String pauseKey = recorders.pauseKey();
    if (recorder == null || closed || pauseKey.isEmpty()) return;
    keys.append(digit);
    if (keys.length() > pauseKey.length()) keys.delete(0, keys.length() - pauseKey.length());
    if (!keys.toString().equals(pauseKey)) return;
    keys.setLength(0);
    boolean pause = !paused;
    engine.asks().<CallEntity.Command, CallView>ask(call(), r -> new CallEntity.PauseRecording(agentId, pause, r))
        .whenComplete((view, error) -> {
          if (error != null) log.info("Call {}: the agent's pause key was refused: {}", callId, error.getMessage());
        });
  }

  /** The session stops: the file is closed, and the CallEntity hears how long it is. */
  void stop() {
    if (recorder == null || closed) return;
    closed = true;
    audio.remove(listener);
    StereoWavRecorder closing = recorder;
    closing.close().whenComplete((done, error) -> {
      if (error != null) log.warn("Call {}: {}", callId, error.getMessage());
      if (closing.framesDropped() > 0) {
        log.warn("Call {}: {} frames of its recording were dropped: the disk fell behind", callId, closing.framesDropped());
      }
      long seconds = closing.framesWritten() / FRAMES_PER_SECOND;
      engine.asks().<CallEntity.Command, Done>askRetrying(call(), r -> new CallEntity.StopRecording(seconds, r));
    });
  }

  private EntityRef<CallEntity.Command> call() {
    return engine.sharding().entityRefFor(CallEntity.ENTITY_KEY, callId);
  }
}
