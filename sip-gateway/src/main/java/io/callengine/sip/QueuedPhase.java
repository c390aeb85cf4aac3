package io.callengine.sip;

import io.callengine.core.call.CallEntity;
import io.callengine.core.call.CallLegs;
import io.callengine.core.call.CallView;
import io.callengine.core.queue.Admission;
import io.callengine.core.queue.QueueConfig;
import io.callengine.sip.CallSession.Message;
import io.callengine.sip.CallSession.Phase;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ReceiveBuilder;

/**
 * The wait in line of a {@link CallSession}: the caller hears the queue's music and announcements
 * ({@link QueueWait}), may press the exit key or ask for a callback; an offer from the domain rings
 * the reserved agents ({@link RingingPhase}); an accepted callback ends the session's part of the
 * call ({@link CallbackPhase}).
 */
final class QueuedPhase extends SessionPhase {

  /** The caller was admitted: answered, he waits in line; an offer that came before he was answered rings now. */
  static Behavior<Message> admitted(CallSession s, QueueConfig queue) {
    s.answerCustomer();
    QueuedPhase queued = new QueuedPhase(s);
    s.queueWait.start(queue, s.customerMedia, s.codec(), s.caller());
    if (s.pendingRing == null) return queued;
    CallLegs.RingAgents ring = s.pendingRing;
    s.pendingRing = null;
    return queued.ring(ring);
  }

  /** Back in line: nobody took the offer, or the agent handed the call over. */
  static Behavior<Message> again(CallSession s) {
    return new QueuedPhase(s);
  }

  private QueuedPhase(CallSession s) {
    super(s, Phase.QUEUED);
  }

  @Override
  ReceiveBuilder<Message> ownMessages(ReceiveBuilder<Message> builder) {
    return builder
        .onMessage(CallSession.FromDomain.class, m -> m.command() instanceof CallLegs.RingAgents,
            m -> ring((CallLegs.RingAgents) m.command()))
        .onMessage(QueueWait.AnnounceDue.class, m -> { s.queueWait.announceDue(); return this; })
        .onMessage(QueueWait.PlaceFound.class, m -> { s.queueWait.placeFound(m); return this; })
        .onMessage(CallbackOffer.Due.class, m -> { s.queueWait.callbackDue(); return this; })
        .onMessage(CallbackOffer.Answered.class, this::onCallbackAnswered)
        .onMessage(CallSession.MediaTick.class, m -> onMediaTick(true));
  }

  /** Rings the reserved agents. */
  private Behavior<Message> ring(CallLegs.RingAgents ring) {
    s.offer.ring(ring, s.dialed, s.negotiation);
    return RingingPhase.ringing(s);
  }

  /** In line, the queue's exit key sends the caller to the overflow queue; the callback key asks for a callback. */
  @Override
  Behavior<Message> key(char digit) {
    Optional<String> exit = s.queueWait.exitTo(digit);
    if (exit.isEmpty()) s.queueWait.callbackKey(digit).ifPresent(this::requestCallback);
    exit.ifPresent(target -> {
      s.context.getLog().info("Call {}: caller pressed the exit key, moving to {}", s.callId, target);
      s.engine.asks().<CallEntity.Command, Admission>ask(s.callEntity(),
          r -> new CallEntity.MoveToQueue(target, "caller pressed the exit key", false, r));
    });
    return this;
  }

  // --- callback: the caller hangs up and the call keeps its place ---

  private void requestCallback(String number) {
    s.context.getLog().info("Call {}: caller asked to be called back at {}", s.callId, number);
    var policy = s.queueWait.callbackPolicy();
    s.context.pipeToSelf(s.engine.asks().<CallEntity.Command, CallView>askRetrying(s.callEntity(),
            r -> new CallEntity.RequestCallback(number, policy.maxAttempts(), policy.retryAfterSeconds(), r)),
        (view, error) -> new CallbackOffer.Answered(error == null));
  }

  /** The call is a callback now: its end is no longer this session's; the caller hears goodbye and is hung up. */
  private Behavior<Message> onCallbackAnswered(CallbackOffer.Answered m) {
    if (!m.accepted()) {
      s.queueWait.callbackRefused();
      return this;
    }
    s.domainKnowsEnd = true;
    s.queueWait.stop();
    ActorRef<Message> self = s.context.getSelf();
    s.customerMedia.player().play(CallbackOffer.goodbye(s.media.holdAudio()), s.codec())
        .whenComplete((done, error) -> self.tell(CallbackOffer.GoodbyeHeard.INSTANCE));
    return CallbackPhase.goodbye(s);
  }
}
