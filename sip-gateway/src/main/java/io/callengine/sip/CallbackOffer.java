package io.callengine.sip;

import io.callengine.core.queue.QueueConfig;
import io.callengine.sip.media.Codec;
import io.callengine.sip.media.HoldAudio;
import io.callengine.sip.media.Playlist;
import io.callengine.sip.media.RtpEndpoint;
import java.time.Duration;
import java.util.Optional;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * The callback offer to one waiting caller: when his expected wait is long the offer is played
 * ("to be called back ... press N"); his key then asks him to confirm his own number with #, or
 * (when the queue allows it) to key in another before the #. Owned by {@link QueueWait} and used
 * on its {@link CallSession}'s thread only; a confirmed number goes back to the session, which
 * turns the call into a callback.
 */
final class CallbackOffer {
  /** The caller has waited as long as the offer's threshold. */
  enum Due implements CallSession.Message { INSTANCE }

  /** The caller pressed the callback key but no # came in time: he goes on waiting. */
  enum ConfirmTimedOut implements CallSession.Message { INSTANCE }

  /** The CallEntity's answer to the caller's confirmed request: accepted, the call is a callback now. */
  record Answered(boolean accepted) implements CallSession.Message {}

  /** The goodbye has been heard: the caller can be hung up. */
  enum GoodbyeHeard implements CallSession.Message { INSTANCE }

  private static final String TIMER = "callback-confirm";
  static final Duration CONFIRM_TIMEOUT = Duration.ofSeconds(20);
  private static final int MAX_DIGITS = 20;

  private enum Step { WAITING, OFFERED, CONFIRMING }

  private final TimerScheduler<CallSession.Message> timers;
  private final HoldAudio audio;
  private final String ownNumber;
  private QueueConfig.Callback policy;
  private Step step = Step.WAITING;
  private final StringBuilder digits = new StringBuilder();

  /** {@code ownNumber} is the caller's From URI, the number called back unless he keys in another. */
  CallbackOffer(TimerScheduler<CallSession.Message> timers, HoldAudio audio, String ownNumber) {
    this.timers = timers;
    this.audio = audio;
    this.ownNumber = ownNumber;
  }

  /** The queue the caller waits in now (null, or one without a callback: no offer). */
  void queue(QueueConfig queue) {
    policy = queue == null ? null : queue.callback();
    if (policy == null) step = Step.WAITING;
  }

  boolean configured() {
    return policy != null;
  }

  /** Offered once the caller waits longer than the threshold, or is expected to; with threshold 0, at once. */
  boolean due(Duration expectedWait, Duration waited) {
    if (policy == null || step != Step.WAITING) return false;
    Duration threshold = Duration.ofSeconds(policy.offerAfterSeconds());
    return threshold.isZero() || waited.compareTo(threshold) > 0 || expectedWait != null && expectedWait.compareTo(threshold) > 0;
  }

  /** Plays the offer, then the music again. */
  void offer(RtpEndpoint customer, Codec codec) {
    step = Step.OFFERED;
    Playlist offer = Playlist.of(audio.prompt(HoldAudio.Prompt.CALLBACK_OFFER), audio.number(Integer.parseInt(policy.key())))
        .thenLoop(audio.music());
    customer.player().play(offer, codec);
  }

  /**
   * A key from the caller: the callback key after the offer asks for confirmation; then digits
   * make another number (when allowed) and # confirms. Returns the number to call back once confirmed.
   */
  Optional<String> key(char digit, RtpEndpoint customer, Codec codec) {
    if (step == Step.OFFERED && policy != null && digit == policy.key().charAt(0)) {
      step = Step.CONFIRMING;
      digits.setLength(0);
      Playlist confirm = Playlist.of(audio.prompt(HoldAudio.Prompt.CALLBACK_CONFIRM));
      if (policy.allowOtherNumber()) confirm = confirm.then(audio.prompt(HoldAudio.Prompt.CALLBACK_OTHER_NUMBER));
      customer.player().play(confirm.thenLoop(audio.music()), codec);
      timers.startSingleTimer(TIMER, ConfirmTimedOut.INSTANCE, CONFIRM_TIMEOUT);
      return Optional.empty();
    }
    if (step != Step.CONFIRMING) return Optional.empty();
    if (digit == '#') {
      timers.cancel(TIMER);
      step = Step.OFFERED;
      return Optional.of(digits.length() == 0 ? ownNumber : otherNumber(digits.toString()));
    }
    if (policy.allowOtherNumber() && Character.isDigit(digit) && digits.length() < MAX_DIGITS) digits.append(digit);
    return Optional.empty();
  }

  /** No # came: back to waiting, the offer still open. */
  void confirmTimedOut() {
    if (step == Step.CONFIRMING) step = Step.OFFERED;
  }

  /** Another number, at the host of the caller's own (where his calls come from: the trunk or proxy in front of the engine). */
  private String otherNumber(String number) {
    int at = ownNumber.indexOf('@');
    return "sip:" + number + (at < 0 ? "" : ownNumber.substring(at));
  }

  /** The goodbye before the engine hangs up the caller it will call back. */
  static Playlist goodbye(HoldAudio audio) {
    return Playlist.of(audio.prompt(HoldAudio.Prompt.CALLBACK_GOODBYE));
  }

  QueueConfig.Callback policy() {
    return policy;
  }

  /** The domain did not take the request (an agent took the call meanwhile): the caller hears the music again. */
  void refused(RtpEndpoint customer, Codec codec) {
    step = Step.WAITING;
    customer.player().play(audio.holdMusic(), codec);
  }
}
