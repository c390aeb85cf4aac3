package io.callengine.sip;

import io.callengine.core.Refusal;
import io.callengine.core.api.CallCenterEngine;
import io.callengine.core.api.CallDecision;
import io.callengine.core.call.CallEntity;
import io.callengine.core.call.CallLegs;
import io.callengine.core.call.CallView;
import io.callengine.core.call.Disposition;
import io.callengine.core.call.Party;
import io.callengine.core.events.Warning;
import io.callengine.core.policy.IvrMenu;
import io.callengine.core.queue.Admission;
import io.callengine.core.queue.QueueEntity;
import io.callengine.core.queue.WaitingCall;
import io.callengine.sip.media.CallAudio;
import io.callengine.sip.media.Codec;
import io.callengine.sip.media.MediaRelay;
import io.callengine.sip.media.Negotiation;
import io.callengine.sip.media.RtpEndpoint;
import io.callengine.sip.media.Sdp;
import io.callengine.sip.media.SdpException;
import io.callengine.sip.media.SessionDescription;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import javax.sip.Dialog;
import javax.sip.address.SipURI;
import javax.sip.header.CSeqHeader;
import javax.sip.header.FromHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.apache.pekko.Done;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * The back-to-back user agent of one customer call, node-local and not persistent: answers the
 * customer's INVITE once the CallEntity is queued, rings the agent the Router reserved, bridges
 * the two RTP legs, and relays the hang-up of either side. It implements {@link CallLegs} for
 * the domain; the domain hears from it only through CallEntity commands. {@link SipGateway}
 * spawns it and the {@link SipEventListener} routes its legs' SIP to it by Call-ID.
 *
 * <p>It keeps the call's {@link Phase} and route; each part of the call is a collaborator used on
 * its thread only, with its own state and timers: {@link CustomerLeg} (the caller's INVITE and
 * dialog), {@link CallIvr} (the menu), {@link QueueWait} (music, announcements, exit key),
 * {@link AgentOffer} (the agents being rung) over {@link AgentLegs}, {@link SessionMedia},
 * {@link CallLiveness} and {@link CallMonitor} (a supervisor's listen, whisper or barge).
 */
public final class CallSession extends AbstractBehavior<CallSession.Message> {

  /** Everything a session hears stays on its node: the domain's commands reach it wrapped, as {@link FromDomain}. */
  public interface Message extends NoSerializationVerificationNeeded {}

  record FromDomain(CallLegs.Command command) implements Message {}
  /** A call handler's decision for the call to {@code dialed}; empty: the routing policies decide. */
  record HandlerDecided(String dialed, Optional<CallDecision> decision) implements Message {}
  record MediaOpened(RtpEndpoint endpoint) implements Message {}
  record Started(CallView call) implements Message {}
  record Admitted(Admission admission, boolean afterMove) implements Message {}
  record SetupFailed(int sipStatus, Disposition disposition, String reason) implements Message {}
  record AnswerConfirmed(boolean accepted) implements Message {}
  record DtmfPressed(char digit, int durationMs) implements Message {}
  enum MediaTick implements Message { INSTANCE }
  /** The first-RTP limit after the answer has passed: a caller who sent nothing yet is ended. */
  enum FirstRtpDue implements Message { INSTANCE }
  /** The node is stopping and its drain limit has passed: hang up and end the call FAILED with {@code reason}. */
  record Drain(String reason) implements Message {}
  enum DrainRecorded implements Message { INSTANCE }

  /** ANSWERING until the 200; IVR while the menu collects keys; JOINING while an answered caller is admitted to his queue. */
  private enum Phase { ANSWERING, IVR, JOINING, QUEUED, RINGING, CONNECTED, CALLBACK }

  /** {@code setup} is the admission's count of this call until its INVITE's final answer. */
  static Behavior<Message> create(GatewayParts parts, String sipCallId, CallAdmission.Setup setup) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new CallSession(ctx, timers, parts, sipCallId, setup)));
  }

  private final TimerScheduler<Message> timers;
  private final CallCenterEngine engine;
  private final SipMessages messages;
  private final SipSettings settings;
  private final MediaRelay relay;
  private final Map<String, ActorRef<Message>> sessions;
  private final String sipCallId;
  private final String callId = UUID.randomUUID().toString();
  private final ActorRef<CallLegs.Command> legs;

  private Phase phase = Phase.ANSWERING;
  private boolean cancelled;
  private boolean started;
  /** Whether the CallEntity has heard (or said) that this call is over. */
  private boolean domainKnowsEnd;
  private Negotiation negotiation;
  private SessionDescription customerOffer;
  private String dialed;
  private String queueId;
  private CallRoute route;
  private RtpEndpoint customerMedia;
  /** An offer that came before the caller was answered: rung once he waits in line. */
  private CallLegs.RingAgents pendingRing;
  private final CustomerLeg customer;
  /** The menu the caller is choosing in; null outside the IVR. */
  private CallIvr ivr;
  private final QueueWait queueWait;
  private final AgentOffer offer;
  private final AgentLegs agents;
  private final SessionMedia media;
  private final CallLiveness liveness;
  private final CallRecording recording;
  private final CallMonitor monitor;
  /** The connected call's frames while something records or monitors it; null otherwise. */
  private CallAudio audio;
  private final SessionHold hold;
  private final CallTransferLeg transfer;
  private final CallConsult consult;
  /** An agent handed the call over at least once: a BYE from its old leg is no hang-up of the call. */
  private boolean transferred;
  /**
   * Every RTP port this session asked the relay for. A port that arrives after the session
   * stopped (its message goes nowhere) would be held for good: the stop closes them all.
   */
  private final List<java.util.concurrent.CompletableFuture<RtpEndpoint>> portsAskedFor = new java.util.ArrayList<>();

  private CallSession(ActorContext<Message> context, TimerScheduler<Message> timers, GatewayParts parts, String sipCallId,
      CallAdmission.Setup setup) {
    super(context);
    // Named here: otherwise Pekko names the logger after a class it finds on the stack of the first
    // getLog, for this behavior one of its own, and the INFO lines below were never seen.
    context.setLoggerName(CallSession.class);
    this.timers = timers;
    this.engine = parts.engine();
    this.messages = parts.messages();
    this.settings = parts.settings();
    this.relay = parts.relay();
    this.sessions = parts.sessions();
    this.sipCallId = sipCallId;
    this.legs = context.messageAdapter(CallLegs.Command.class, FromDomain::new);
    this.agents = new AgentLegs(messages, settings, sessions, context.getSelf());
    this.offer = new AgentOffer(context, timers, engine, messages, agents, callId, this::openPort);
    this.media = new SessionMedia(parts.holdAudio(), settings.media());
    this.liveness = new CallLiveness(settings.liveness(), timers);
    this.customer = new CustomerLeg(messages, liveness, setup, sipCallId);
    this.queueWait = new QueueWait(context, timers, engine, media, callId);
    this.recording = new CallRecording(context, engine, parts.recorders(), media, callId);
    this.monitor = new CallMonitor(context, timers, engine, messages, settings, sessions, callId, this::openPort, this::callAudio);
    this.hold = new SessionHold(engine, messages, media, liveness, timers, callId, monitor::held);
    this.transfer = new CallTransferLeg(context, timers, engine, messages, settings, agents, callId);
    this.consult = new CallConsult(context, timers, parts, callId, agents, hold, transfer, this::openPort, this::callAudio, () -> customerMedia, () -> negotiation, this::bridge);
  }

  @Override
  public Receive<Message> createReceive() {
    return newReceiveBuilder()
        // in any phase: SIP of both legs, the domain, the caller's keys, the watches, the drain
        .onMessage(SipIn.RequestIn.class, this::onRequest)
        .onMessage(SipIn.ResponseIn.class, this::onResponse)
        .onMessage(SipIn.TimeoutIn.class, this::onAgentTimeout)
        .onMessage(FromDomain.class, this::onDomain)
        .onMessage(DtmfPressed.class, this::onDtmf)
        .onMessage(CallLiveness.AckMissing.class, this::onAckTimeout)
        .onMessage(CallLiveness.SessionExpired.class, m -> onSessionExpired())
        .onMessage(CallLiveness.RefreshDue.class, m -> onRefreshDue())
        .onMessage(CallLiveness.MaxDurationReached.class, m -> onMaxDuration())
        .onMessage(MediaTick.class, m -> onMediaTick())
        .onMessage(FirstRtpDue.class, m -> onFirstRtpDue())
        .onMessage(Drain.class, this::onDrain)
        .onMessage(DrainRecorded.class, m -> finish())
        // ANSWERING and JOINING: route, open the caller's media, start the call, join the queue
        .onMessage(HandlerDecided.class, this::onHandlerDecided)
        .onMessage(MediaOpened.class, this::onMediaOpened)
        .onMessage(Started.class, this::onStarted)
        .onMessage(Admitted.class, this::onAdmitted)
        .onMessage(SetupFailed.class, this::onSetupFailed)
        // IVR
        .onMessage(CallIvr.PromptDone.class, m -> onIvrPromptDone())
        .onMessage(CallIvr.KeyTimedOut.class, m -> ivr == null ? this : onIvrOutcome(ivr.inputDone()))
        // QUEUED
        .onMessage(QueueWait.AnnounceDue.class, m -> onAnnounceDue())
        .onMessage(QueueWait.PlaceFound.class, this::onPlaceFound)
        .onMessage(CallbackOffer.ConfirmTimedOut.class, m -> { queueWait.callbackConfirmTimedOut(); return this; })
        .onMessage(CallbackOffer.Due.class, m -> { if (phase == Phase.QUEUED) queueWait.callbackDue(); return this; })
        .onMessage(CallbackOffer.Answered.class, this::onCallbackAnswered)
        .onMessage(CallbackOffer.GoodbyeHeard.class, m -> { byeCustomer(); return finish(); })
        // RINGING
        .onMessage(AgentOffer.PortOpened.class, m -> offerOver(offer.portOpened(m)))
        .onMessage(AgentOffer.PortFailed.class, m -> offerOver(offer.failed(m.target().agentId(), "no RTP port free", false)))
        .onMessage(AgentOffer.Unreachable.class, m -> offerOver(offer.unreachable(m)))
        .onMessage(AgentOffer.RingTimedOut.class, m -> onRingTimedOut())
        // CONNECTED
        .onMessage(AnswerConfirmed.class, this::onAnswerConfirmed)
        .onMessage(CallRecording.Announced.class, m -> onRecordingAnnounced())
        .onMessage(CallRecording.AgentKey.class, m -> { recording.agentKey(m.digit()); return this; })
        .onMessage(CallMonitor.Step.class, m -> { monitor.step(m); return this; })
        .onMessage(SessionHold.RetryDue.class, m -> { hold.retry(); return this; })
        .onMessage(CallTransferLeg.ReferAnswered.class, m -> { transfer.referAnswered(m); return this; })
        .onMessage(CallTransferLeg.ByeDue.class, m -> { transfer.byeDue(); return this; })
        .onMessage(CallConsult.Step.class, m -> { consult.step(m); return this; })
        .onSignal(PostStop.class, signal -> onPostStop())
        .build();
  }

  // --- customer leg set-up: resolve the queue, open media, start the call, enqueue, answer ---

  private Behavior<Message> onRequest(SipIn.RequestIn in) {
    Request request = in.request();
    if (monitor.owns(callIdOf(request))) {
      monitor.request(in);
      return this;
    }
    if (consult.owns(callIdOf(request))) { consult.request(in); return this; }
    if ("REFER".equals(request.getMethod()) && consult.refer(in)) return this;
    boolean customerLeg = sipCallId.equals(callIdOf(request));
    return switch (request.getMethod()) {
      case Request.INVITE -> customerLeg && customer.invite() == null ? onInvite(in) : onReInvite(in, customerLeg);
      case Request.CANCEL -> onCancel(in);
      case Request.BYE -> customerLeg || agents.isConnected(callIdOf(request)) || agents.connected() == null && !transferred
          ? onBye(in, customerLeg) : respondOk(in); // a leg handed over by a transfer is over already
      case "REFER" -> { transfer.refer(in, customerLeg); yield this; }
      case Request.ACK -> { liveness.acked(callIdOf(request)); yield this; }
      case Request.INFO -> customerLeg ? onInfo(in) : onAgentInfo(in);
      case Request.UPDATE -> customerLeg ? onRefresh(in, SipMessages.sdpBody(request) != null ? customer.answerSdp() : null) : respondOk(in);
      default -> { messages.respond(in.transaction(), request, Response.OK, null); yield this; }
    };
  }

  private Behavior<Message> onInvite(SipIn.RequestIn in) {
    customer.invited(in);
    Request invite = in.request();
    if (!(invite.getRequestURI() instanceof SipURI uri) || uri.getUser() == null) return reject(Response.NOT_FOUND);
    if (liveness.negotiate(invite) instanceof SessionTimer.TooSmall small) {
      customer.refuseInterval(small);
      return finish();
    }
    String body = SipMessages.sdpBody(invite);
    if (body == null) return reject(Response.NOT_ACCEPTABLE_HERE);
    try {
      customerOffer = Sdp.parse(body);
    } catch (SdpException e) {
      return reject(Response.BAD_REQUEST);
    }
    Optional<Negotiation> chosen = Sdp.negotiate(customerOffer);
    if (chosen.isEmpty()) return reject(Response.NOT_ACCEPTABLE_HERE);
    negotiation = single(chosen.get());
    String dialedUser = uri.getUser();
    if (!engine.callHandlers().available()) return routed(CallRoute.byPolicies(engine, dialedUser, callerOf(customer.invite())));
    getContext().pipeToSelf(engine.callHandlers().decide(IncomingCalls.of(callId, invite)),
        (decision, error) -> new HandlerDecided(dialedUser, error != null ? Optional.empty() : decision));
    return this;
  }

  /**
   * A rejection is answered at once; a queue or an IVR menu is routed like a policy's decision
   * (a menu without a valid choice falls back on what the policies say without keys). Without a
   * usable decision the policies decide, as without a handler.
   */
  private Behavior<Message> onHandlerDecided(HandlerDecided m) {
    CallDecision decision = m.decision().orElse(null);
    if (decision instanceof CallDecision.Reject reject) {
      getContext().getLog().info("Call {} refused with {} by the call handler: {}", callId, reject.sipStatus(), reject.reason());
      customer.answer(reject.sipStatus(), reject.reason(), null);
      return finish();
    }
    if (decision instanceof CallDecision.ToQueue queue) {
      return onResolved(new CallRoute(queue.queueId(), m.dialed(), queue.priority(), queue.extraSkills(), null));
    }
    CallRoute byPolicies = CallRoute.byPolicies(engine, m.dialed(), callerOf(customer.invite()));
    Optional<IvrMenu> menu = decision instanceof CallDecision.ToIvr ivr ? engine.callHandlers().ivrMenu(ivr.policyId()) : Optional.empty();
    return routed(menu.map(ivr -> new CallRoute(byPolicies.queueId(), m.dialed(), byPolicies.priority(), byPolicies.extraSkills(), ivr))
        .orElse(byPolicies));
  }

  /** A call that goes nowhere (no queue and no menu) is refused 404. */
  private Behavior<Message> routed(CallRoute resolved) {
    return resolved.queueId() == null && resolved.ivr() == null
        ? onSetupFailed(new SetupFailed(Response.NOT_FOUND, null, "no queue at " + resolved.dialed()))
        : onResolved(resolved);
  }

  private static String callerOf(Request request) {
    return ((FromHeader) request.getHeader(FromHeader.NAME)).getAddress().getURI().toString();
  }

  /** Answer with one audio codec (plus telephone-event): both legs then carry the same payload, no transcoding. */
  private static Negotiation single(Negotiation n) {
    return new Negotiation(List.of(n.audio().get(0)), n.telephoneEvent());
  }

  private Behavior<Message> onResolved(CallRoute m) {
    dialed = m.dialed();
    route = m;
    getContext().pipeToSelf(openPort(), (endpoint, error) -> error != null
        ? new SetupFailed(Response.SERVICE_UNAVAILABLE, null, "no RTP port free")
        : new MediaOpened(endpoint));
    queueId = m.queueId();
    return this;
  }

  private Behavior<Message> onMediaOpened(MediaOpened m) {
    customerMedia = m.endpoint();
    customerMedia.expectRemote(customerOffer.audioTarget(), customerOffer.rtcpTarget());
    // Even a caller who already cancelled is recorded: the call starts, then ends ABANDONED.
    getContext().pipeToSelf(
        engine.asks().<CallEntity.Command, CallView>askRetrying(callEntity(),
            r -> new CallEntity.Start(callerOf(customer.invite()), dialed, route.ivr() != null ? null : queueId, route.priority(),
                route.extraSkills(), legs, r)),
        (view, error) -> error != null ? new SetupFailed(Response.SERVICE_UNAVAILABLE, null, "call could not start")
            : new Started(view));
    return this;
  }

  /** Asks the queue to admit the call, saying whether anyone staffs it (this node's copy of the Router's word: its no-agent rule may refuse). */
  private Behavior<Message> onStarted(Started m) {
    started = true;
    if (cancelled) return hangUpInDomain(Party.CUSTOMER, "customer cancelled before answer");
    if (route.ivr() != null) return startIvr();
    return enqueue(m.call());
  }

  private Behavior<Message> enqueue(CallView call) {
    WaitingCall waiting = new WaitingCall(callId, route.priority(), call.enqueuedAt(), call.enqueuedAt(), route.extraSkills());
    String queue = call.queueId();
    CompletionStage<Admission> admission = engine.asks().<QueueEntity.Command, Admission>askRetrying(
        engine.sharding().entityRefFor(QueueEntity.ENTITY_KEY, queue), r -> new QueueEntity.Enqueue(waiting, engine.lookups().staffed(queue), r));
    getContext().pipeToSelf(admission, (result, error) -> error == null ? new Admitted(result, false)
        : Refusal.toException(error).refusal() == Refusal.NOT_FOUND
            ? new SetupFailed(Response.NOT_FOUND, Disposition.REJECTED, "queue deleted")
            : new SetupFailed(Response.SERVICE_UNAVAILABLE, Disposition.FAILED, "queue did not answer"));
    return this;
  }

  /** Queued: answer 200. Sent on: the CallEntity follows the overflow chain. Refused: the queue's status. */
  private Behavior<Message> onAdmitted(Admitted m) {
    Admission admission = m.admission();
    if (cancelled) return hangUpInDomain(Party.CUSTOMER, "customer cancelled before answer");
    switch (admission.outcome()) {
      case QUEUED -> {
        // After a move the CallEntity recorded the admission itself.
        if (!m.afterMove()) {
          engine.asks().<CallEntity.Command, Done>askRetrying(callEntity(),
              r -> new CallEntity.RecordAdmission(admission.queue().id(), admission.queue().serviceLevelSeconds(), r));
        }
        answerCustomer();
        phase = Phase.QUEUED;
        queueWait.start(admission.queue(), customerMedia, codec(), callerOf(customer.invite()));
        if (pendingRing != null) {
          CallLegs.RingAgents ring = pendingRing;
          pendingRing = null;
          onRingAgents(ring);
        }
        return this;
      }
      case OVERFLOW -> {
        getContext().pipeToSelf(engine.asks().<CallEntity.Command, Admission>ask(callEntity(),
                r -> new CallEntity.MoveToQueue(admission.overflowQueueId(), admission.reason(), true, r)),
            (next, error) -> error == null ? new Admitted(next, true)
                : new SetupFailed(Response.SERVICE_UNAVAILABLE, Disposition.FAILED, "overflow did not answer"));
        return this;
      }
      default -> {
        // After a move the CallEntity has already ended the call; otherwise it is told here.
        return onSetupFailed(new SetupFailed(admission.sipStatus(), m.afterMove() ? null : Disposition.REJECTED, admission.reason()));
      }
    }
  }

  private Behavior<Message> onSetupFailed(SetupFailed m) {
    getContext().getLog().info("Call {} refused with {}: {}", callId, m.sipStatus(), m.reason());
    if (customer.finalAnswerSent()) byeCustomer(); // answered in the IVR: the refusal can only be a hang-up now
    customer.answer(m.sipStatus(), null, null);
    if (started && m.disposition() != null) endInDomain(m.disposition(), m.reason());
    if (started && m.disposition() == null) domainKnowsEnd = true;
    return finish();
  }

  /**
   * 200 with the engine's SDP; the caller's keys are listened for before it leaves, so that a key
   * pressed as soon as the call is answered counts. The media is watched from then on.
   */
  private void answerCustomer() {
    if (customer.finalAnswerSent()) return;
    negotiation.telephoneEvent().ifPresent(te -> {
      ActorRef<Message> self = getContext().getSelf();
      customerMedia.detectDtmf(te.payloadType(), (digit, ms) -> self.tell(new DtmfPressed(digit, ms)));
    });
    customer.answerOk(Sdp.answer(settings.publicHost(), customerMedia.port(), negotiation, System.currentTimeMillis()));
    liveness.answered();
    liveness.awaitAck(sipCallId);
    timers.startTimerWithFixedDelay("media", MediaTick.INSTANCE, media.settings().qualityInterval());
    timers.startSingleTimer("first-rtp", FirstRtpDue.INSTANCE, media.settings().firstRtpTimeout());
  }

  private Codec codec() {
    return negotiation.audio().get(0);
  }

  private Behavior<Message> reject(int status) {
    customer.answer(status, null, null);
    return finish();
  }

  // --- hang-ups ---

  private Behavior<Message> onCancel(SipIn.RequestIn in) {
    messages.respond(in.transaction(), in.request(), Response.OK, null);
    if (customer.finalAnswerSent() || cancelled) return this;
    cancelled = true;
    customer.answer(Response.REQUEST_TERMINATED, null, null);
    return started ? hangUpInDomain(Party.CUSTOMER, "customer cancelled before answer") : this;
  }

  private Behavior<Message> onBye(SipIn.RequestIn in, boolean customerLeg) {
    messages.respond(in.transaction(), in.request(), Response.OK, null);
    if (customerLeg && phase == Phase.CALLBACK) return finish(); // hung up during the goodbye: the callback stands
    if (customerLeg) {
      hangUpAgent();
      return hangUpInDomain(Party.CUSTOMER, null);
    }
    byeCustomer();
    return hangUpInDomain(Party.AGENT, null);
  }

  private Behavior<Message> hangUpInDomain(Party by, String reason) {
    if (started && !domainKnowsEnd) engine.asks().<CallEntity.Command, CallView>askRetrying(callEntity(), r -> new CallEntity.Hangup(by, reason, r));
    domainKnowsEnd = true;
    return finish();
  }

  private void endInDomain(Disposition disposition, String reason) {
    engine.asks().<CallEntity.Command, CallView>askRetrying(callEntity(), r -> new CallEntity.End(disposition, reason, r));
    domainKnowsEnd = true;
  }

  private void byeCustomer() {
    if (phase != Phase.ANSWERING) customer.bye();
  }

  private void hangUpAgent() {
    transfer.byeNow();
    agents.hangUp();
  }

  /**
   * BYE to both legs (CANCEL to ringing agents, 503 to an INVITE not answered yet), then the call
   * ends FAILED; the session stops once the domain has recorded that (or the ask failed), so the
   * node leaves its cluster only after its calls' ends are stored.
   */
  private Behavior<Message> onDrain(Drain m) {
    getContext().getLog().info("Call {}: the node is stopping; hanging up", callId);
    hangUpAgent();
    byeCustomer();
    customer.answer(Response.SERVICE_UNAVAILABLE, null, null);
    if (!started || domainKnowsEnd) return finish();
    domainKnowsEnd = true;
    getContext().pipeToSelf(engine.asks().<CallEntity.Command, CallView>ask(callEntity(), r -> new CallEntity.End(Disposition.FAILED, m.reason(), r)),
        (view, error) -> DrainRecorded.INSTANCE);
    return this;
  }

  /** The caller's port first; the agents' ports then on its event loop, so the call's audio can be tapped ({@link #callAudio}). */
  private java.util.concurrent.CompletableFuture<RtpEndpoint> openPort() {
    java.util.concurrent.CompletableFuture<RtpEndpoint> port = customerMedia == null ? relay.open() : relay.openBeside(customerMedia);
    portsAskedFor.add(port);
    return port;
  }

  /**
   * Both sides of the connected call as 20 ms frames, for the recording and the monitor: tapped
   * on first use, stopped with the session; null before an agent answers.
   */
  CallAudio callAudio() {
    AgentLegs.Leg connected = agents.connected();
    if (connected == null) return null;
    if (audio == null) audio = CallAudio.tap(customerMedia, connected.media(), codec().payloadType());
    else audio.agentChanged(connected.media());
    return audio;
  }

  private Behavior<Message> finish() {
    return Behaviors.stopped();
  }

  /**
   * Runs however the session stops, a failure included: no RTP port and no Call-ID is left
   * behind, and a call the domain still thinks alive is ended FAILED so nobody stays reserved.
   */
  private Behavior<Message> onPostStop() {
    if (started && !domainKnowsEnd) {
      hangUpAgent();
      byeCustomer();
      endInDomain(Disposition.FAILED, "the call's SIP session failed");
    }
    customer.stopped();
    recording.stop();
    monitor.close();
    consult.close();
    if (audio != null) audio.stop();
    if (customerMedia != null) customerMedia.close();
    portsAskedFor.forEach(port -> port.thenAccept(RtpEndpoint::close)); // closing twice is harmless
    sessions.remove(sipCallId);
    agents.close();
    return this;
  }

  // --- the agent legs ---

  private Behavior<Message> onDomain(FromDomain m) {
    if (CallConsult.handles(m.command())) { consult.command(m.command()); return this; }
    if (m.command() instanceof CallLegs.Ping ping) {
      ping.replyTo().tell(Done.getInstance());
    } else if (m.command() instanceof CallLegs.Hangup) {
      domainKnowsEnd = true;
      hangUpAgent();
      byeCustomer();
      customer.answer(Response.TEMPORARILY_UNAVAILABLE, null, null);
      return finish();
    } else if (m.command() instanceof CallLegs.RingAgents ring) {
      onRingAgents(ring);
    } else if (m.command() instanceof CallLegs.PauseRecording pause) {
      recording.pause(pause.paused());
    } else if (CallMonitor.handles(m.command())) {
      AgentLegs.Leg connected = phase == Phase.CONNECTED ? agents.connected() : null;
      monitor.command(m.command(), connected == null ? null : customerMedia, connected == null ? null : connected.media(), negotiation);
    } else if (m.command() instanceof CallLegs.HoldLegs h) {
      onHoldLegs(h);
    } else if (m.command() instanceof CallLegs.Transferred transferred) {
      onTransferred(transferred);
    } else if (m.command() instanceof CallLegs.Moved moved) {
      queueId = moved.queueId();
      queueWait.moved(moved.queue());
    }
    return this;
  }

  /** The connected agent handed the call over: its leg is hung up and the caller waits on hold music for the next one. */
  private void onTransferred(CallLegs.Transferred m) {
    if (phase != Phase.CONNECTED || !transfer.handOver(m.fromAgentId(), customerMedia)) return;
    hold.agentLegGone();
    transferred = true;
    phase = Phase.QUEUED;
    queueWait.resume();
  }

  /** Rings the reserved agents once the caller waits in line; an offer to a call in any other phase is refused. */
  private void onRingAgents(CallLegs.RingAgents ring) {
    if (phase == Phase.ANSWERING) {
      pendingRing = ring;
      return;
    }
    if (phase != Phase.QUEUED) {
      ring.agents().forEach(target -> offer.refuse(target.agentId(), "call is already " + phase, false));
      return;
    }
    phase = Phase.RINGING;
    offer.ring(ring, dialed, negotiation);
  }

  private Behavior<Message> onResponse(SipIn.ResponseIn in) {
    Response response = in.response();
    String method = ((CSeqHeader) response.getHeader(CSeqHeader.NAME)).getMethod();
    String agentCallId = callIdOf(response);
    if (sipCallId.equals(agentCallId)) return onRefreshAnswer(in);
    if (monitor.owns(agentCallId)) {
      monitor.response(in);
      return this;
    }
    if (consult.owns(agentCallId)) { consult.response(in); return this; }
    if (isConnectedLeg(agentCallId) && hold.answers(response)) {
      hold.answered(response, in.transaction() != null ? in.transaction().getDialog() : null);
      return this;
    }
    if (Request.NOTIFY.equals(method)) {
      if (in.response().getStatusCode() >= 200) transfer.notifyAnswered(agentCallId);
      return this;
    }
    if (!Request.INVITE.equals(method) || !offer.isRinging(agentCallId)) {
      if (response.getStatusCode() < 200) agents.provisionalAfterCancel(agentCallId);
      lateAgentAnswer(in);
      return this;
    }
    int status = response.getStatusCode();
    if (status < 200) {
      offer.provisional(agentCallId, status);
      return this;
    }
    if (status >= 300) return offerOver(offer.refused(agentCallId, status));
    return onAgentAnswered(in, agentCallId);
  }

  /** The first agent to answer gets the call: ACK, bridge, and cancel everyone else still ringing. */
  private Behavior<Message> onAgentAnswered(SipIn.ResponseIn in, String agentCallId) {
    AgentLegs.Answer answer = agents.answer(in, agentCallId);
    AgentLegs.Leg leg = answer.leg();
    if (answer.unusable() != null) {
      getContext().getLog().info("Agent {} answered call {} without usable SDP: {}", leg.agentId(), callId, answer.unusable());
      return offerOver(offer.failed(leg.agentId(), "agent answer unusable", false));
    }
    offer.answered();
    if (!recording.answered(route.recording(), queueWait.queue(), customerMedia, codec())) bridge(leg);
    queueWait.stop();
    phase = Phase.CONNECTED;
    getContext().pipeToSelf(
        engine.asks().<CallEntity.Command, Done>ask(callEntity(), r -> new CallEntity.AgentAnswered(leg.agentId(), r)),
        (done, error) -> new AnswerConfirmed(error == null));
    return this;
  }

  /** The caller and the agent hear each other; a recorded call starts writing. */
  private void bridge(AgentLegs.Leg leg) {
    if (!hold.onHold()) RtpEndpoint.bridge(customerMedia, leg.media()); // held during the recording's notice: the resume bridges
    if (audio != null) audio.agentChanged(leg.media()); // a transfer's target took over: record and mix its side
    recording.bridged(this::callAudio, leg.agentId(), leg.media(), codec(),
        negotiation.telephoneEvent().map(te -> te.payloadType()).orElse(null));
  }

  /** The caller heard that the call may be recorded: now the bridge. */
  private Behavior<Message> onRecordingAnnounced() {
    AgentLegs.Leg connected = agents.connected();
    if (phase == Phase.CONNECTED && connected != null) bridge(connected);
    return this;
  }

  /** SIP INFO keys from the agent's phone (the pause key). */
  private Behavior<Message> onAgentInfo(SipIn.RequestIn in) {
    messages.respond(in.transaction(), in.request(), Response.OK, null);
    DtmfInfo.parse(SipMessages.sdpBody(in.request())).ifPresent(key -> recording.agentKey(key.digit()));
    return this;
  }

  private Behavior<Message> onAnswerConfirmed(AnswerConfirmed m) {
    if (m.accepted()) {
      recording.answerStored();
      return this;
    }
    getContext().getLog().info("Call {} ended before agent's answer was recorded; hanging up", callId);
    domainKnowsEnd = true;
    hangUpAgent();
    byeCustomer();
    return finish();
  }

  /** A 200 for an agent INVITE we gave up on (or that lost the race): take it and hang up at once. */
  private void lateAgentAnswer(SipIn.ResponseIn in) {
    if (in.response().getStatusCode() / 100 != 2 || in.transaction() == null || in.transaction().getDialog() == null) return;
    AgentLegs.Leg connected = agents.connected();
    if (connected != null && connected.sipCallId().equals(callIdOf(in.response()))) return; // a retransmission: the dialog re-ACKs
    Dialog dialog = in.transaction().getDialog();
    try {
      messages.ack(dialog, in.response());
    } catch (Exception e) {
      getContext().getLog().debug("Could not ACK a late answer: {}", e.getMessage());
    }
    messages.bye(dialog);
  }

  private Behavior<Message> onAgentTimeout(SipIn.TimeoutIn m) {
    if (Request.NOTIFY.equals(m.transaction().getRequest().getMethod())) {
      transfer.notifyAnswered(callIdOf(m.transaction().getRequest()));
      return this;
    }
    if (sipCallId.equals(callIdOf(m.transaction().getRequest())) && Request.INVITE.equals(m.transaction().getRequest().getMethod())) {
      return endByEngine("session-expired", Disposition.FAILED, "session-expired: the caller did not answer the session refresh");
    }
    if (consult.timedOut(m.transaction())) return this;
    if (monitor.timedOut(m.transaction())) return this;
    return offer.transactionTimedOut(m.transaction()).map(this::offerOver).orElse(this);
  }

  private Behavior<Message> onRingTimedOut() {
    if (phase != Phase.RINGING) return this;
    offer.timedOut();
    phase = Phase.QUEUED;
    return this;
  }

  /** When no agent is left ringing the call waits in line again. */
  private Behavior<Message> offerOver(boolean over) {
    if (over && phase == Phase.RINGING) phase = Phase.QUEUED;
    return this;
  }

  // --- the IVR menu of a routing policy ---

  /** Answers the caller and plays the menu; the keys then pressed choose the queue. */
  private Behavior<Message> startIvr() {
    answerCustomer();
    phase = Phase.IVR;
    ivr = new CallIvr(getContext(), timers, engine, media, customerMedia, codec(), route, callerOf(customer.invite()));
    ivr.start();
    return this;
  }

  private Behavior<Message> onIvrPromptDone() {
    if (ivr != null) ivr.promptDone();
    return this;
  }

  /** A choice enters its queue; without one the route without keys does, when it has a queue. */
  private Behavior<Message> onIvrOutcome(CallIvr.Outcome outcome) {
    if (outcome instanceof CallIvr.Chosen chosen) return enterQueue(chosen.route());
    if (outcome == CallIvr.Listening.INSTANCE) return this;
    if (route.queueId() == null) { // a handler's menu, and the policies send the call nowhere without keys
      return onSetupFailed(new SetupFailed(Response.NOT_FOUND, Disposition.REJECTED, "no choice in the IVR and no queue at " + dialed));
    }
    return enterQueue(route);
  }

  private Behavior<Message> enterQueue(CallRoute choice) {
    phase = Phase.JOINING;
    ivr = null;
    route = new CallRoute(choice.queueId(), dialed, choice.priority(), choice.extraSkills(), null, choice.recording());
    queueId = choice.queueId();
    getContext().pipeToSelf(engine.asks().<CallEntity.Command, CallView>ask(callEntity(),
            r -> new CallEntity.EnterQueue(choice.queueId(), choice.priority(), choice.extraSkills(), r)),
        (view, error) -> error != null ? new SetupFailed(Response.SERVICE_UNAVAILABLE, Disposition.FAILED, "call could not enter its queue")
            : new Started(view));
    return this;
  }

  // --- liveness: the lost ACK, the session timer, the maximum duration ---

  /** A re-INVITE (answered with the call's SDP, as set up) or UPDATE from the caller; it refreshes a session timer in force. */
  private Behavior<Message> onRefresh(SipIn.RequestIn in, String sdp) {
    customer.answerRefresh(in, sdp);
    return this;
  }

  /** The caller made the engine the refresher: a re-INVITE with the call's SDP, which the caller must answer before the session expires. */
  private Behavior<Message> onRefreshDue() {
    try {
      customer.sendRefresh();
      return this;
    } catch (Exception e) {
      return endByEngine("session-expired", Disposition.FAILED, "session-expired: the session refresh could not be sent (" + e.getMessage() + ")");
    }
  }

  /** An answer to the engine's own session refresh. */
  private Behavior<Message> onRefreshAnswer(SipIn.ResponseIn in) {
    int status = in.response().getStatusCode();
    if (status < 200 || in.transaction() == null) return this;
    if (status == Response.REQUEST_PENDING) { // the caller's own re-INVITE crossed ours: try again shortly (RFC 3261 14.1)
      liveness.refreshSoon();
      return this;
    }
    if (status >= 300) {
      return endByEngine("session-expired", Disposition.FAILED, "session-expired: the caller answered the session refresh with " + status);
    }
    customer.ackRefresh(in.response());
    liveness.refreshAnswered();
    return this;
  }

  private Behavior<Message> onAckTimeout(CallLiveness.AckMissing m) {
    boolean caller = sipCallId.equals(m.sipCallId());
    return endByEngine("ack-timeout", Disposition.FAILED, "ack-timeout: " + (caller ? "the caller" : "the agent's phone")
        + " sent no ACK for the engine's 200 within " + liveness.settings().ackTimeout().toSeconds() + " s");
  }

  private Behavior<Message> onSessionExpired() {
    int seconds = liveness.session().seconds();
    return endByEngine("session-expired", Disposition.FAILED, "uas".equals(liveness.session().refresher())
        ? "session-expired: the caller did not answer the engine's session refresh within " + (seconds / 2) + " s"
        : "session-expired: no session refresh within the session interval of " + seconds + " s");
  }

  private Behavior<Message> onMaxDuration() {
    return endByEngine("max-duration", phase == Phase.CONNECTED ? Disposition.COMPLETED : Disposition.TIMED_OUT,
        "max-duration: the call reached the limit of " + liveness.settings().maxCallDuration().toSeconds() + " s");
  }

  /** The engine ends the call on its own: a warning says why, both legs get BYE, and the call's record keeps the reason. */
  private Behavior<Message> endByEngine(String code, Disposition disposition, String reason) {
    AgentLegs.Leg connected = agents.connected();
    getContext().getLog().info("Call {}: {}; ending it", callId, reason);
    engine.publish(new Warning(engine.clock().instant(), callId, queueId, connected == null ? null : connected.agentId(), code, reason));
    hangUpAgent();
    byeCustomer();
    if (started && !domainKnowsEnd) endInDomain(disposition, reason);
    domainKnowsEnd = true;
    return finish();
  }

  // --- keys, quality, watchdog, announcements ---

  private Behavior<Message> respondOk(SipIn.RequestIn in) {
    messages.respond(in.transaction(), in.request(), Response.OK, null);
    return this;
  }

  /** SIP INFO with {@code application/dtmf-relay} ({@code Signal=5}) or {@code application/dtmf}: the fallback for phones without RFC 4733. */
  private Behavior<Message> onInfo(SipIn.RequestIn in) {
    messages.respond(in.transaction(), in.request(), Response.OK, null);
    return DtmfInfo.parse(SipMessages.sdpBody(in.request()))
        .map(key -> onDtmf(new DtmfPressed(key.digit(), key.durationMs())))
        .orElse(this);
  }

  /** A key from the caller: recorded on the call; in line, the queue's exit key sends him to the overflow queue. */
  private Behavior<Message> onDtmf(DtmfPressed m) {
    if (!started) return this;
    engine.asks().<CallEntity.Command, Done>ask(callEntity(), r -> new CallEntity.RecordDtmf("customer", m.digit(), m.durationMs(), r));
    AgentLegs.Leg talking = agents.connected();
    engine.publish(new io.callengine.core.events.DtmfPressed(engine.clock().instant(), callId, queueId,
        talking == null ? null : talking.agentId(), "customer", String.valueOf(m.digit()), m.durationMs()));
    if (ivr != null) return onIvrOutcome(ivr.key(m.digit()));
    Optional<String> exit = phase == Phase.QUEUED ? queueWait.exitTo(m.digit()) : Optional.empty();
    if (phase == Phase.QUEUED && exit.isEmpty()) queueWait.callbackKey(m.digit()).ifPresent(this::requestCallback);
    exit.ifPresent(target -> {
      getContext().getLog().info("Call {}: caller pressed the exit key, moving to {}", callId, target);
      engine.asks().<CallEntity.Command, Admission>ask(callEntity(),
          r -> new CallEntity.MoveToQueue(target, "caller pressed the exit key", false, r));
    });
    return this;
  }

  /** Samples each leg's quality into the call, and ends a call whose caller has gone silent. */
  private Behavior<Message> onMediaTick() {
    AgentLegs.Leg connected = agents.connected();
    String agentId = connected == null ? null : connected.agentId();
    media.report(media.look(customerMedia, connected == null ? null : connected.media()), engine, callId, queueId, agentId);
    boolean onHold = phase == Phase.QUEUED || phase == Phase.RINGING || hold.customerHolding();
    if (started && !domainKnowsEnd && media.silent(customerMedia, onHold, System.nanoTime())) {
      Duration limit = onHold ? media.settings().noRtpTimeoutOnHold() : media.settings().noRtpTimeout();
      return endWithoutMedia(agentId, "for " + limit.toSeconds() + " s");
    }
    return this;
  }

  /** Frees the RTP port of a caller who has sent no RTP at all since the answer, long before the no-RTP limits. */
  private Behavior<Message> onFirstRtpDue() {
    if (!started || domainKnowsEnd || customerMedia == null || customerMedia.packetsReceived() > 0) return this;
    AgentLegs.Leg connected = agents.connected();
    return endWithoutMedia(connected == null ? null : connected.agentId(),
        "in the " + media.settings().firstRtpTimeout().toSeconds() + " s after the answer");
  }

  private Behavior<Message> endWithoutMedia(String agentId, String when) {
    getContext().getLog().info("Call {}: no RTP from the caller {}; ending it", callId, when);
    engine.publish(new Warning(engine.clock().instant(), callId, queueId, agentId, "no-rtp", "no audio from the caller " + when + ": call ended"));
    hangUpAgent();
    byeCustomer();
    endInDomain(Disposition.FAILED, "media-timeout: no RTP from the caller " + when);
    return finish();
  }

  private Behavior<Message> onAnnounceDue() {
    if (phase == Phase.QUEUED) queueWait.announceDue();
    return this;
  }

  private Behavior<Message> onPlaceFound(QueueWait.PlaceFound m) {
    if (phase == Phase.QUEUED) queueWait.placeFound(m);
    return this;
  }

  // --- callback: the caller hangs up and the call keeps its place ---

  private void requestCallback(String number) {
    getContext().getLog().info("Call {}: caller asked to be called back at {}", callId, number);
    var policy = queueWait.callbackPolicy();
    getContext().pipeToSelf(engine.asks().<CallEntity.Command, CallView>ask(callEntity(),
            r -> new CallEntity.RequestCallback(number, policy.maxAttempts(), policy.retryAfterSeconds(), r)),
        (view, error) -> new CallbackOffer.Answered(error == null));
  }

  /** The call is a callback now: its end is no longer this session's; the caller hears goodbye and is hung up. */
  private Behavior<Message> onCallbackAnswered(CallbackOffer.Answered m) {
    if (phase != Phase.QUEUED) return this;
    if (!m.accepted()) {
      queueWait.callbackRefused();
      return this;
    }
    domainKnowsEnd = true;
    phase = Phase.CALLBACK;
    queueWait.stop();
    ActorRef<Message> self = getContext().getSelf();
    customerMedia.player().play(CallbackOffer.goodbye(media.holdAudio()), codec())
        .whenComplete((done, error) -> self.tell(CallbackOffer.GoodbyeHeard.INSTANCE));
    return this;
  }

  private Behavior<Message> onReInvite(SipIn.RequestIn in, boolean customerLeg) {
    String answerSdp = customer.answerSdp();
    if (customerLeg && answerSdp != null) {
      customer.answered(hold.fromCustomer(in.request(), answerSdp));
      return onRefresh(in, customer.answerSdp());
    }
    AgentLegs.Leg connected = agents.connected();
    if (!customerLeg && phase == Phase.CONNECTED && isConnectedLeg(callIdOf(in.request()))) {
      hold.fromAgentPhone(in, connected, customerMedia, codec());
      return this;
    }
    String sdp = customerLeg ? answerSdp : connected != null ? connected.offerSdp() : null;
    messages.respond(in.transaction(), in.request(), sdp == null ? Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST : Response.OK, null, sdp, List.of());
    if (sdp != null) liveness.awaitAck(callIdOf(in.request()));
    return this;
  }

  // --- hold and resume ---

  /** The API held or resumed the call (the CallEntity has recorded it). */
  private void onHoldLegs(CallLegs.HoldLegs m) {
    AgentLegs.Leg connected = agents.connected();
    if (phase == Phase.CONNECTED && connected != null && connected.dialog() != null) hold.fromApi(m.onHold(), connected, customerMedia, codec());
  }

  private boolean isConnectedLeg(String agentCallId) {
    AgentLegs.Leg connected = agents.connected();
    return connected != null && connected.sipCallId().equals(agentCallId);
  }

  private org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef<CallEntity.Command> callEntity() {
    return engine.sharding().entityRefFor(CallEntity.ENTITY_KEY, callId);
  }

  private static String callIdOf(javax.sip.message.Message message) {
    return ((javax.sip.header.CallIdHeader) message.getHeader(javax.sip.header.CallIdHeader.NAME)).getCallId();
  }
}
