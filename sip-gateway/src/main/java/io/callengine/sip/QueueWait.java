package io.callengine.sip;

import io.callengine.core.api.CallCenterEngine;
import io.callengine.core.queue.QueueConfig;
import io.callengine.sip.media.Codec;
import io.callengine.sip.media.RtpEndpoint;
import java.time.Duration;
import java.util.Optional;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * The caller's wait in his queue: the hold music, the periodic announcement of his place in line
 * and of the expected wait, and the queue's exit key. Owned by its {@link CallSession} and used on
 * its thread only; the session starts it once the queue admits the caller, hands it the
 * announcement's messages while the caller waits, and stops it when an agent answers.
 */
final class QueueWait {
  /** Time to tell the caller his place again. */
  enum AnnounceDue implements CallSession.Message { INSTANCE }

  /** The caller's place in line (0 when it could not be found), and the expected wait when there is an estimate. */
  record PlaceFound(int position, Duration expectedWait) implements CallSession.Message {}

  private static final String TIMER = "announce";
  private static final String CALLBACK_TIMER = "callback-due";

  private final ActorContext<CallSession.Message> context;
  private final TimerScheduler<CallSession.Message> timers;
  private final CallCenterEngine engine;
  private final SessionMedia media;
  private final String callId;
  /** The queue the caller waits in, as it admitted him (or as a move left him): exit key and announcements. */
  private QueueConfig queue;
  private RtpEndpoint customer;
  private Codec codec;
  /** The callback offer of the queue, if it has one; null before the caller waits. */
  private CallbackOffer callback;
  private long waitingSinceNanos;
  /** The place is looked up at the join only to see whether the offer is due: no announcement then. */
  private boolean lookingForOffer;

  QueueWait(ActorContext<CallSession.Message> context, TimerScheduler<CallSession.Message> timers, CallCenterEngine engine,
      SessionMedia media, String callId) {
    this.context = context;
    this.timers = timers;
    this.engine = engine;
    this.media = media;
    this.callId = callId;
  }

  /** The queue admitted the caller: music, and the announcements the queue asks for. */
  void start(QueueConfig admittedBy, RtpEndpoint customer, Codec codec, String ownNumber) {
    this.queue = admittedBy;
    this.customer = customer;
    this.codec = codec;
    media.hold(customer, codec);
    if (queue != null && queue.announceEverySeconds() > 0) {
      timers.startTimerWithFixedDelay(TIMER, AnnounceDue.INSTANCE, Duration.ofSeconds(queue.announceEverySeconds()));
    }
    callback = new CallbackOffer(timers, media.holdAudio(), ownNumber);
    waitingSinceNanos = System.nanoTime();
    offerCallbackWhenDue();
  }

  /** A queue with a callback looks at once (an estimate may already say the wait is long), and again once the threshold has passed. */
  private void offerCallbackWhenDue() {
    callback.queue(queue);
    if (!callback.configured()) return;
    lookingForOffer = true;
    announceDue();
    timers.startSingleTimer(CALLBACK_TIMER, CallbackOffer.Due.INSTANCE, Duration.ofSeconds(queue.callback().offerAfterSeconds() + 1L));
  }

  /** The caller has now waited longer than the offer's threshold: offered, unless he already was. */
  void callbackDue() {
    if (callback != null && callback.due(null, Duration.ofNanos(System.nanoTime() - waitingSinceNanos))) offerCallback();
  }

  private void offerCallback() {
    callback.offer(customer, codec);
    engine.asks().<io.callengine.core.call.CallEntity.Command, org.apache.pekko.Done>ask(
        engine.sharding().entityRefFor(io.callengine.core.call.CallEntity.ENTITY_KEY, callId),
        io.callengine.core.call.CallEntity.RecordCallbackOffered::new);
  }

  /** The agent handed the call over (a transfer): music again, and the announcements if they had stopped. */
  void resume() {
    if (customer == null) return;
    media.hold(customer, codec);
    if (queue != null && queue.announceEverySeconds() > 0) {
      timers.startTimerWithFixedDelay(TIMER, AnnounceDue.INSTANCE, Duration.ofSeconds(queue.announceEverySeconds()));
    }
  }

  /** The CallEntity moved the call to another queue; the announcements keep their interval. */
  void moved(QueueConfig to) {
    this.queue = to;
    if (callback != null) offerCallbackWhenDue();
  }

  /** Looks up the caller's place in line and an expected wait (the average answered wait of the last hour). */
  void announceDue() {
    if (queue == null) return;
    context.pipeToSelf(SessionMedia.placeInLine(engine, queue.id(), callId),
        (place, error) -> error == null ? new PlaceFound(place.position(), place.expectedWait()) : new PlaceFound(0, null));
  }

  void placeFound(PlaceFound m) {
    boolean joinLookup = lookingForOffer;
    lookingForOffer = false;
    if (callback != null && callback.due(m.expectedWait(), Duration.ofNanos(System.nanoTime() - waitingSinceNanos))) {
      offerCallback();
      return;
    }
    if (joinLookup) return;
    if (m.position() > 0) media.announce(customer, codec, m.position(), m.expectedWait());
  }

  /** The overflow queue that {@code digit} sends the caller to, when it is his queue's exit key. */
  Optional<String> exitTo(char digit) {
    boolean exit = queue != null && queue.exitKey() != null && queue.overflowQueueId() != null && queue.exitKey().charAt(0) == digit;
    return exit ? Optional.of(queue.overflowQueueId()) : Optional.empty();
  }

  /** The queue the caller waits in (as admitted, or moved to); null before the admission. */
  QueueConfig queue() {
    return queue;
  }

  /** The number to call back, once the caller has pressed the callback key and confirmed. */
  Optional<String> callbackKey(char digit) {
    return callback == null ? Optional.empty() : callback.key(digit, customer, codec);
  }

  void callbackConfirmTimedOut() {
    if (callback != null) callback.confirmTimedOut();
  }

  /** The callback policy of the caller's queue (to be called back, the caller has confirmed under it). */
  QueueConfig.Callback callbackPolicy() {
    return callback.policy();
  }

  void callbackRefused() {
    callback.refused(customer, codec);
  }

  /** An agent answered (or the caller leaves for a callback): no more announcements. */
  void stop() {
    timers.cancel(TIMER);
    timers.cancel(CALLBACK_TIMER);
  }
}
