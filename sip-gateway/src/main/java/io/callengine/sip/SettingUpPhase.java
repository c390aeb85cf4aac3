package io.callengine.sip;

import io.callengine.core.Refusal;
import io.callengine.core.api.CallDecision;
import io.callengine.core.call.CallEntity;
import io.callengine.core.call.CallLegs;
import io.callengine.core.call.CallView;
import io.callengine.core.call.Disposition;
import io.callengine.core.call.Party;
import io.callengine.core.policy.IvrMenu;
import io.callengine.core.queue.Admission;
import io.callengine.core.queue.QueueEntity;
import io.callengine.core.queue.WaitingCall;
import io.callengine.sip.CallSession.Message;
import io.callengine.sip.CallSession.Phase;
import io.callengine.sip.media.Negotiation;
import io.callengine.sip.media.Sdp;
import io.callengine.sip.media.SdpException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import javax.sip.address.SipURI;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ReceiveBuilder;

/**
 * The set-up of a {@link CallSession}: in ANSWERING the caller's INVITE is routed (a call
 * handler's decision or the policies), his media opened, the call started and admitted to its
 * queue, and answered; in JOINING a caller the IVR answered is admitted to the queue he chose.
 * Admitted, the call waits in line ({@link QueuedPhase}); with a menu it goes to {@link IvrPhase}.
 */
final class SettingUpPhase extends SessionPhase {

  static SettingUpPhase answering(CallSession s) {
    return new SettingUpPhase(s, Phase.ANSWERING);
  }

  static SettingUpPhase joining(CallSession s) {
    return new SettingUpPhase(s, Phase.JOINING);
  }

  private final boolean answering;

  private SettingUpPhase(CallSession s, Phase phase) {
    super(s, phase);
    this.answering = phase == Phase.ANSWERING;
  }

  @Override
  ReceiveBuilder<Message> ownMessages(ReceiveBuilder<Message> builder) {
    return builder
        .onMessage(SipIn.RequestIn.class, this::isInvite, this::onInvite)
        .onMessage(CallSession.HandlerDecided.class, this::onHandlerDecided)
        .onMessage(CallSession.MediaOpened.class, this::onMediaOpened)
        .onMessage(CallSession.Started.class, this::onStarted)
        .onMessage(CallSession.Admitted.class, this::onAdmitted)
        .onMessage(CallSession.SetupFailed.class, s::setupFailed)
        .onMessage(CallSession.FromDomain.class, m -> answering && m.command() instanceof CallLegs.RingAgents,
            m -> onRingAgents((CallLegs.RingAgents) m.command()));
  }

  // --- the INVITE and its route ---

  private boolean isInvite(SipIn.RequestIn in) {
    return Request.INVITE.equals(in.request().getMethod()) && s.customer.invite() == null
        && s.sipCallId.equals(CallSession.callIdOf(in.request()));
  }

  private Behavior<Message> onInvite(SipIn.RequestIn in) {
    s.customer.invited(in);
    Request invite = in.request();
    if (!(invite.getRequestURI() instanceof SipURI uri) || uri.getUser() == null) return reject(Response.NOT_FOUND);
    if (s.liveness.negotiate(invite) instanceof SessionTimer.TooSmall small) {
      s.customer.refuseInterval(small);
      return s.finish();
    }
    String body = SipMessages.sdpBody(invite);
    if (body == null) return reject(Response.NOT_ACCEPTABLE_HERE);
    try {
      s.customerOffer = Sdp.parse(body);
    } catch (SdpException e) {
      return reject(Response.BAD_REQUEST);
    }
    Optional<Negotiation> chosen = Sdp.negotiate(s.customerOffer);
    if (chosen.isEmpty()) return reject(Response.NOT_ACCEPTABLE_HERE);
    s.negotiation = single(chosen.get());
    String dialedUser = uri.getUser();
    if (!s.engine.callHandlers().available()) return routed(CallRoute.byPolicies(s.engine, dialedUser, s.caller()));
    s.context.pipeToSelf(s.engine.callHandlers().decide(IncomingCalls.of(s.callId, invite)),
        (decision, error) -> new CallSession.HandlerDecided(dialedUser, error != null ? Optional.empty() : decision));
    return this;
  }

  /**
   * A rejection is answered at once; a queue or an IVR menu is routed like a policy's decision
   * (a menu without a valid choice falls back on what the policies say without keys). Without a
   * usable decision the policies decide, as without a handler.
   */
  private Behavior<Message> onHandlerDecided(CallSession.HandlerDecided m) {
    CallDecision decision = m.decision().orElse(null);
    if (decision instanceof CallDecision.Reject reject) {
      s.context.getLog().info("Call {} refused with {} by the call handler: {}", s.callId, reject.sipStatus(), reject.reason());
      s.customer.answer(reject.sipStatus(), reject.reason(), null);
      return s.finish();
    }
    if (decision instanceof CallDecision.ToQueue queue) {
      return onResolved(new CallRoute(queue.queueId(), m.dialed(), queue.priority(), queue.extraSkills(), null));
    }
    CallRoute byPolicies = CallRoute.byPolicies(s.engine, m.dialed(), s.caller());
    Optional<IvrMenu> menu = decision instanceof CallDecision.ToIvr ivr ? s.engine.callHandlers().ivrMenu(ivr.policyId()) : Optional.empty();
    return routed(menu.map(ivr -> new CallRoute(byPolicies.queueId(), m.dialed(), byPolicies.priority(), byPolicies.extraSkills(), ivr))
        .orElse(byPolicies));
  }

  /** A call that goes nowhere (no queue and no menu) is refused 404. */
  private Behavior<Message> routed(CallRoute resolved) {
    return resolved.queueId() == null && resolved.ivr() == null
        ? s.setupFailed(new CallSession.SetupFailed(Response.NOT_FOUND, null, "no queue at " + resolved.dialed()))
        : onResolved(resolved);
  }

  /** Answer with one audio codec (plus telephone-event): both legs then carry the same payload, no transcoding. */
  private static Negotiation single(Negotiation n) {
    return new Negotiation(List.of(n.audio().get(0)), n.telephoneEvent());
  }

  private Behavior<Message> onResolved(CallRoute m) {
    s.dialed = m.dialed();
    s.route = m;
    s.context.pipeToSelf(s.openPort(), (endpoint, error) -> error != null
        ? new CallSession.SetupFailed(Response.SERVICE_UNAVAILABLE, null, "no RTP port free")
        : new CallSession.MediaOpened(endpoint));
    s.queueId = m.queueId();
    return this;
  }

  private Behavior<Message> onMediaOpened(CallSession.MediaOpened m) {
    s.customerMedia = m.endpoint();
    s.customerMedia.expectRemote(s.customerOffer.audioTarget(), s.customerOffer.rtcpTarget());
    CallRoute route = s.route;
    // Even a caller who already cancelled is recorded: the call starts, then ends ABANDONED.
    s.context.pipeToSelf(
        s.engine.asks().<CallEntity.Command, CallView>askRetrying(s.callEntity(),
            r -> new CallEntity.Start(s.caller(), s.dialed, route.ivr() != null ? null : s.queueId, route.priority(),
                route.extraSkills(), s.legs, r)),
        (view, error) -> error != null ? new CallSession.SetupFailed(Response.SERVICE_UNAVAILABLE, null, "call could not start")
            : new CallSession.Started(view));
    return this;
  }

  // --- the start and the admission ---

  /** Asks the queue to admit the call, saying whether anyone staffs it (this node's copy of the Router's word: its no-agent rule may refuse). */
  private Behavior<Message> onStarted(CallSession.Started m) {
    s.started = true;
    if (s.cancelled) return s.hangUpInDomain(Party.CUSTOMER, "customer cancelled before answer");
    if (s.route.ivr() != null) return IvrPhase.start(s);
    return enqueue(m.call());
  }

  private Behavior<Message> enqueue(CallView call) {
    WaitingCall waiting = new WaitingCall(s.callId, s.route.priority(), call.enqueuedAt(), call.enqueuedAt(), s.route.extraSkills());
    String queue = call.queueId();
    CompletionStage<Admission> admission = s.engine.asks().<QueueEntity.Command, Admission>askRetrying(
        s.engine.sharding().entityRefFor(QueueEntity.ENTITY_KEY, queue), r -> new QueueEntity.Enqueue(waiting, s.engine.lookups().staffed(queue), r));
    s.context.pipeToSelf(admission, (result, error) -> error == null ? new CallSession.Admitted(result, false)
        : Refusal.toException(error).refusal() == Refusal.NOT_FOUND
            ? new CallSession.SetupFailed(Response.NOT_FOUND, Disposition.REJECTED, "queue deleted")
            : new CallSession.SetupFailed(Response.SERVICE_UNAVAILABLE, Disposition.FAILED, "queue did not answer"));
    return this;
  }

  /** Queued: answer 200. Sent on: the CallEntity follows the overflow chain. Refused: the queue's status. */
  private Behavior<Message> onAdmitted(CallSession.Admitted m) {
    Admission admission = m.admission();
    if (s.cancelled) return s.hangUpInDomain(Party.CUSTOMER, "customer cancelled before answer");
    switch (admission.outcome()) {
      case QUEUED -> {
        // After a move the CallEntity recorded the admission itself.
        if (!m.afterMove()) {
          s.engine.asks().<CallEntity.Command, Done>askRetrying(s.callEntity(),
              r -> new CallEntity.RecordAdmission(admission.queue().id(), admission.queue().serviceLevelSeconds(), r));
        }
        return QueuedPhase.admitted(s, admission.queue());
      }
      case OVERFLOW -> {
        s.context.pipeToSelf(s.engine.asks().<CallEntity.Command, Admission>ask(s.callEntity(),
                r -> new CallEntity.MoveToQueue(admission.overflowQueueId(), admission.reason(), true, r)),
            (next, error) -> error == null ? new CallSession.Admitted(next, true)
                : new CallSession.SetupFailed(Response.SERVICE_UNAVAILABLE, Disposition.FAILED, "overflow did not answer"));
        return this;
      }
      default -> {
        // After a move the CallEntity has already ended the call; otherwise it is told here.
        return s.setupFailed(new CallSession.SetupFailed(admission.sipStatus(), m.afterMove() ? null : Disposition.REJECTED, admission.reason()));
      }
    }
  }

  /** An offer before the caller was answered is rung once he waits in line. */
  private Behavior<Message> onRingAgents(CallLegs.RingAgents ring) {
    s.pendingRing = ring;
    return this;
  }

  private Behavior<Message> reject(int status) {
    s.customer.answer(status, null, null);
    return s.finish();
  }
}
