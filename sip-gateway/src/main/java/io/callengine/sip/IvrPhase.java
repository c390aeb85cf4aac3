package io.callengine.sip;

import io.callengine.core.call.CallEntity;
import io.callengine.core.call.CallView;
import io.callengine.core.call.Disposition;
import io.callengine.sip.CallSession.Message;
import io.callengine.sip.CallSession.Phase;
import javax.sip.message.Response;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ReceiveBuilder;

/**
 * The IVR phase of a {@link CallSession}: the caller is answered and hears the menu of his route
 * ({@link CallIvr}, which this phase owns); the keys he presses choose the queue, which he then
 * joins ({@link SettingUpPhase} in JOINING).
 */
final class IvrPhase extends SessionPhase {

  /** Answers the caller and plays the menu; the keys then pressed choose the queue. */
  static Behavior<Message> start(CallSession s) {
    s.answerCustomer();
    IvrPhase phase = new IvrPhase(s, new CallIvr(s.context, s.timers, s.engine, s.media, s.customerMedia, s.codec(), s.route, s.caller()));
    phase.ivr.start();
    return phase;
  }

  private final CallIvr ivr;

  private IvrPhase(CallSession s, CallIvr ivr) {
    super(s, Phase.IVR);
    this.ivr = ivr;
  }

  @Override
  ReceiveBuilder<Message> ownMessages(ReceiveBuilder<Message> builder) {
    return builder
        .onMessage(CallIvr.PromptDone.class, m -> { ivr.promptDone(); return this; })
        .onMessage(CallIvr.KeyTimedOut.class, m -> onOutcome(ivr.inputDone()));
  }

  @Override
  Behavior<Message> key(char digit) {
    return onOutcome(ivr.key(digit));
  }

  /** A choice enters its queue; without one the route without keys does, when it has a queue. */
  private Behavior<Message> onOutcome(CallIvr.Outcome outcome) {
    if (outcome instanceof CallIvr.Chosen chosen) return enterQueue(chosen.route());
    if (outcome == CallIvr.Listening.INSTANCE) return this;
    if (s.route.queueId() == null) { // a handler's menu, and the policies send the call nowhere without keys
      return s.setupFailed(new CallSession.SetupFailed(Response.NOT_FOUND, Disposition.REJECTED, "no choice in the IVR and no queue at " + s.dialed));
    }
    return enterQueue(s.route);
  }

  private Behavior<Message> enterQueue(CallRoute choice) {
    s.route = new CallRoute(choice.queueId(), s.dialed, choice.priority(), choice.extraSkills(), null, choice.recording());
    s.queueId = choice.queueId();
    s.context.pipeToSelf(s.engine.asks().<CallEntity.Command, CallView>ask(s.callEntity(),
            r -> new CallEntity.EnterQueue(choice.queueId(), choice.priority(), choice.extraSkills(), r)),
        (view, error) -> error != null ? new CallSession.SetupFailed(Response.SERVICE_UNAVAILABLE, Disposition.FAILED, "call could not enter its queue")
            : new CallSession.Started(view));
    return SettingUpPhase.joining(s);
  }
}
