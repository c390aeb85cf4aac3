package io.callengine.sip;

import io.callengine.core.api.CallCenterEngine;
import io.callengine.core.policy.IvrMenu;
import io.callengine.core.policy.RouteRequest;
import io.callengine.sip.media.Codec;
import io.callengine.sip.media.HoldAudio;
import io.callengine.sip.media.RtpEndpoint;
import java.time.Duration;
import java.util.Optional;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * The IVR menu of one answered call, while the caller chooses with keys: plays the menu, keeps
 * the keys and the tries, runs the wait for the next key, and asks the routing policies again
 * with the keys. Made by its {@link CallSession} when the route has a menu and used on its thread
 * only; the session hands it the keys and its two messages, and acts on the {@link Outcome}.
 */
final class CallIvr {
  /** The prompt has been heard (or was cut short). */
  enum PromptDone implements CallSession.Message { INSTANCE }

  /** No key came within the menu's timeout. */
  enum KeyTimedOut implements CallSession.Message { INSTANCE }

  /** What the keys so far decided. */
  sealed interface Outcome permits Listening, Chosen, NoChoice {}

  /** The menu waits for (more) keys. */
  enum Listening implements Outcome { INSTANCE }

  /** The keys chose a route other than the one without keys. */
  record Chosen(CallRoute route) implements Outcome {}

  /** Every try is used up without a valid choice: the route without keys applies. */
  enum NoChoice implements Outcome { INSTANCE }

  private static final String TIMER = "ivr";

  private final ActorContext<CallSession.Message> context;
  private final TimerScheduler<CallSession.Message> timers;
  private final CallCenterEngine engine;
  private final SessionMedia media;
  private final RtpEndpoint customer;
  private final Codec codec;
  /** The route without keys; its menu is the one played. */
  private final CallRoute route;
  private final String caller;
  private final StringBuilder digits = new StringBuilder();
  private int tries;

  CallIvr(ActorContext<CallSession.Message> context, TimerScheduler<CallSession.Message> timers, CallCenterEngine engine,
      SessionMedia media, RtpEndpoint customer, Codec codec, CallRoute route, String caller) {
    this.context = context;
    this.timers = timers;
    this.engine = engine;
    this.media = media;
    this.customer = customer;
    this.codec = codec;
    this.route = route;
    this.caller = caller;
  }

  /** Plays the menu for the first try. */
  void start() {
    tries++;
    play(promptOf(route.ivr()));
  }

  /** The wait for a key starts once the prompt has been heard, unless the caller already pressed one. */
  void promptDone() {
    if (digits.length() == 0) timers.startSingleTimer(TIMER, KeyTimedOut.INSTANCE, timeout());
  }

  Outcome key(char digit) {
    customer.player().stop(); // a caller who knows the menu need not hear it out
    digits.append(digit);
    if (digits.length() >= route.ivr().maxDigits()) return inputDone();
    timers.startSingleTimer(TIMER, KeyTimedOut.INSTANCE, timeout());
    return Listening.INSTANCE;
  }

  /** The caller finished (or stopped) pressing keys: the policies decide again, now with the digits. */
  Outcome inputDone() {
    timers.cancel(TIMER);
    if (digits.length() == 0) return retryOrNoChoice();
    Optional<CallRoute> choice = engine.route(new RouteRequest(route.dialed(), caller, null, digits.toString()))
        .map(d -> CallRoute.of(d, route.dialed()));
    return choice.filter(c -> !c.sameQueueAs(route)).<Outcome>map(Chosen::new).orElseGet(this::retryOrNoChoice);
  }

  /** No valid choice: try again while tries remain. */
  private Outcome retryOrNoChoice() {
    if (tries > route.ivr().retries()) return NoChoice.INSTANCE;
    tries++;
    digits.setLength(0);
    play(HoldAudio.Prompt.INVALID_CHOICE, promptOf(route.ivr()));
    return Listening.INSTANCE;
  }

  private void play(HoldAudio.Prompt... prompts) {
    context.pipeToSelf(media.prompt(customer, codec, prompts), (done, error) -> PromptDone.INSTANCE);
  }

  private Duration timeout() {
    return Duration.ofSeconds(route.ivr().timeoutSeconds());
  }

  private static HoldAudio.Prompt promptOf(IvrMenu menu) {
    for (HoldAudio.Prompt prompt : HoldAudio.Prompt.values()) if (prompt.file().equals(menu.prompt())) return prompt;
    return HoldAudio.Prompt.PLEASE_CHOOSE;
  }
}
