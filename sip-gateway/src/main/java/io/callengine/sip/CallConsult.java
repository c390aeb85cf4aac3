package io.callengine.sip;

import io.callengine.core.api.CallCenterEngine;
import io.callengine.core.call.CallEntity;
import io.callengine.core.call.CallLegs;
import io.callengine.core.call.ConsultView;
import io.callengine.core.call.TransferTarget;
import io.callengine.sip.media.CallAudio;
import io.callengine.sip.media.Codec;
import io.callengine.sip.media.MonitorMix;
import io.callengine.sip.media.MonitorMode;
import io.callengine.sip.media.Negotiation;
import io.callengine.sip.media.RtpEndpoint;
import io.callengine.sip.media.Sdp;
import io.callengine.sip.media.SessionDescription;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Supplier;
import javax.sip.ClientTransaction;
import javax.sip.Dialog;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * An agent's consult on one connected call: the customer on hold ({@link SessionHold}), the SIP leg
 * to the target's phone (an RTP port on the call's event loop, the INVITE, its answer, the BYE either
 * way), the agent's leg bridged to it once it answers; then a conference of three (a
 * {@link MonitorMix} in barge mode, the target as the third voice), a cancel (the customer back with
 * the agent), or the attended transfer (the target's leg becomes the call's agent leg). Owned by its
 * {@link CallSession} and used on its thread only; the CallEntity drives it ({@link CallLegs.Consult},
 * {@link CallLegs.ChangeConsult}) and hears from it the target's answer and an end of its own.
 *
 * <p>The agent's phone may start the consult itself ({@link PhoneCall}, from {@link PhoneConsults}):
 * it holds the customer, then calls the target through the engine. That call is the consult's
 * {@link PhoneLeg}: the engine starts the consult as the API would, rings the phone's INVITE while
 * the target rings, answers it when the target answers and bridges it (not the held leg) to the
 * target. The phone's REFER with {@code Replaces} naming that call completes it (or, sent in that
 * call, naming the held one); its BYE or CANCEL ends it, the customer held until the phone resumes.
 */
final class CallConsult implements DialedLeg.Listener {
  /** What the consult's own steps tell its session. */
  sealed interface Step extends CallSession.Message {}

  /** An agent's phone, authenticated, calls {@code target} on its own connected call ({@link PhoneConsults}). */
  record PhoneCall(SipIn.RequestIn invite, String agentId, TransferTarget target) implements CallSession.Message {}

  record PhonePortOpened(String phoneCallId, RtpEndpoint endpoint) implements Step {}

  /** The consult of the phone's call could not start: its INVITE hears {@code status}. */
  record PhoneRefused(String phoneCallId, int status, String reason) implements Step {}

  /** The phone's own call to the target while the consult lasts. */
  private static final class PhoneLeg {
    final PhoneCall call;
    final String sipCallId;
    final SessionDescription offer;
    final String toTag = SipMessages.newTag();
    RtpEndpoint media;
    String answerSdp;
    /** Whether the consult the entity started is this call's. */
    boolean attached;
    boolean cancelled;
    Dialog dialog;
    /** The phone sent its REFER in this call (naming the held one): its NOTIFYs go here. */
    AgentLegs.Leg referred;

    PhoneLeg(PhoneCall call, String sipCallId, SessionDescription offer) {
      this.call = call;
      this.sipCallId = sipCallId;
      this.offer = offer;
    }

    boolean answered() {
      return answerSdp != null && dialog != null;
    }
  }

  private static final String TIMER = "consult-ring";

  private final ActorContext<CallSession.Message> context;
  private final TimerScheduler<CallSession.Message> timers;
  private final CallCenterEngine engine;
  private final SipMessages messages;
  private final SipSettings settings;
  private final Map<String, ActorRef<CallSession.Message>> sessions;
  private final String callId;
  private final AgentLegs agents;
  private final SessionHold hold;
  private final CallTransferLeg transfer;
  private final Supplier<CompletableFuture<RtpEndpoint>> openPort;
  private final Supplier<CallAudio> audio;
  private final Supplier<RtpEndpoint> customer;
  private final Supplier<Negotiation> codecs;
  /** Bridges the caller to a new agent leg as an answer from the queue would (recording and audio follow it). */
  private final Consumer<AgentLegs.Leg> bridge;

  private CallLegs.Consult request;
  /** The agent leg that consults. */
  private AgentLegs.Leg agent;
  /** The leg to the target's phone while consulting; null otherwise. */
  private DialedLeg leg;
  private MonitorMix mix;
  /** The phone's own call to the target, when the phone started the consult; null otherwise. */
  private PhoneLeg phone;
  /** A completed phone consult's call that still hears its last NOTIFY before its BYE; null otherwise. */
  private String notifiedPhoneCallId;

  CallConsult(ActorContext<CallSession.Message> context, TimerScheduler<CallSession.Message> timers, GatewayParts parts, String callId,
      AgentLegs agents, SessionHold hold, CallTransferLeg transfer, Supplier<CompletableFuture<RtpEndpoint>> openPort, Supplier<CallAudio> audio,
      Supplier<RtpEndpoint> customer, Supplier<Negotiation> codecs, Consumer<AgentLegs.Leg> bridge) {
    this.context = context;
    this.timers = timers;
    this.engine = parts.engine();
    this.messages = parts.messages();
    this.settings = parts.settings();
    this.sessions = parts.sessions();
    this.callId = callId;
    this.agents = agents;
    this.hold = hold;
    this.transfer = transfer;
    this.openPort = openPort;
    this.audio = audio;
    this.customer = customer;
    this.codecs = codecs;
    this.bridge = bridge;
  }

  /** Whether {@code command} is one of the consult's. */
  static boolean handles(CallLegs.Command command) {
    return command instanceof CallLegs.Consult || command instanceof CallLegs.ChangeConsult;
  }

  void command(CallLegs.Command command) {
    if (command instanceof CallLegs.Consult m) {
      start(m);
    } else if (command instanceof CallLegs.ChangeConsult m && current(m.consultId())) {
      switch (m.to()) {
        case CONFERENCE -> conference();
        case COMPLETED -> complete();
        case ENDED -> cancel();
        default -> { }
      }
    }
  }

  private void start(CallLegs.Consult m) {
    if (request != null) stop(); // the entity ended it before: its change was lost
    AgentLegs.Leg connected = agents.connected();
    RtpEndpoint caller = customer.get();
    boolean phoneCalls = phone != null && !phone.attached && targetOf(phone.call.target()).equals(m.target().agentId());
    if (phoneCalls && phone.cancelled) {
      dropPhone(0, null);
      reportEnd(m.consultId(), "the agent's phone cancelled its consult call");
      return;
    }
    if (connected == null || connected.dialog() == null || caller == null) {
      if (phoneCalls) dropPhone(Response.FORBIDDEN, "No connected call to consult on");
      reportEnd(m.consultId(), "the call is not connected on its node");
      return;
    }
    request = m;
    agent = connected;
    hold.forConsult(true, connected, caller, codec());
    if (phoneCalls) {
      phone.attached = true;
      messages.respond(phone.call.invite().transaction(), phone.call.invite().request(), Response.RINGING, phone.toTag, null, List.of());
    }
    leg = new DialedLeg(context, timers, messages, settings, sessions, TIMER, this);
    leg.dial(openPort.get(), m.target().contact(), m.target().sipUri(), connected.agentId(), codecs.get().codecs(), Duration.ofSeconds(m.ringTimeoutSeconds()));
  }

  /** One of the consult's own steps. */
  void step(Step step) {
    if (step instanceof PhonePortOpened opened) {
      if (isPhone(opened.phoneCallId()) && phone.media == null && !phone.cancelled) {
        startForPhone(opened.endpoint());
      } else {
        opened.endpoint().close();
        if (isPhone(opened.phoneCallId()) && phone.media == null) dropPhone(0, null); // cancelled before its port came
      }
    } else if (step instanceof PhoneRefused refused && isPhone(refused.phoneCallId()) && !phone.attached) {
      dropPhone(refused.status(), refused.reason());
    }
  }

  // --- the consult an agent's phone places ---

  /**
   * The agent's phone calls {@code m.target()} while connected to this call: the phone's port first,
   * then the consult through the CallEntity, which checks and reserves the target as for the API.
   */
  void phone(PhoneCall m) {
    Request invite = m.invite().request();
    AgentLegs.Leg connected = agents.connected();
    if (connected == null || !connected.agentId().equals(m.agentId())) {
      refusePhone(m, Response.FORBIDDEN, "No connected call to consult on");
      return;
    }
    if (request != null || phone != null) {
      refusePhone(m, Response.BUSY_HERE, "A consult is running on the call");
      return;
    }
    SessionDescription offer;
    try {
      String body = SipMessages.sdpBody(invite);
      offer = body == null ? null : Sdp.parse(body);
    } catch (Exception e) {
      offer = null;
    }
    int payloadType = codec().payloadType();
    if (offer == null || offer.audioPort() == 0 || offer.codecs().stream().noneMatch(c -> c.payloadType() == payloadType)) {
      refusePhone(m, Response.NOT_ACCEPTABLE_HERE, "The consult call needs the call's codec " + codec().encoding());
      return;
    }
    String phoneCallId = callIdOf(invite);
    phone = new PhoneLeg(m, phoneCallId, offer);
    sessions.put(phoneCallId, context.getSelf());
    context.pipeToSelf(openPort.get(),
        (endpoint, error) -> error != null ? new PhoneRefused(phoneCallId, Response.SERVICE_UNAVAILABLE, "No RTP port free") : new PhonePortOpened(phoneCallId, endpoint));
  }

  /** A phone's call this session cannot take (the call is not connected here). */
  void refusePhone(PhoneCall m, int status, String reason) {
    messages.respond(m.invite().transaction(), m.invite().request(), status, reason, null, null, List.of());
  }

  private void startForPhone(RtpEndpoint endpoint) {
    phone.media = endpoint;
    endpoint.expectRemote(phone.offer.audioTarget(), phone.offer.rtcpTarget());
    phone.answerSdp = Sdp.offer(settings.publicHost(), endpoint.port(), List.of(codec()), System.currentTimeMillis());
    String phoneCallId = phone.sipCallId;
    ActorRef<CallSession.Message> self = context.getSelf();
    new io.callengine.core.api.CallConsults(engine).consult(phone.call.agentId(), callId, phone.call.target()).whenComplete((view, error) -> {
      if (error != null) self.tell(refusalOf(phoneCallId, error));
    });
  }

  /** The entity's refusal as the phone hears it: 404 unknown agent, 403 not allowed, 486 busy (a target who cannot take a call). */
  private static PhoneRefused refusalOf(String phoneCallId, Throwable error) {
    io.callengine.core.EngineException e = io.callengine.core.Refusal.toException(error);
    int status = switch (e.refusal()) {
      case NOT_FOUND -> Response.NOT_FOUND;
      case FORBIDDEN -> Response.FORBIDDEN;
      case CONFLICT -> Response.BUSY_HERE;
      case INVALID -> Response.BAD_REQUEST;
      default -> Response.SERVICE_UNAVAILABLE;
    };
    return new PhoneRefused(phoneCallId, status, phrase(e.getMessage()));
  }

  /** A reason phrase: one line, not too long. */
  private static String phrase(String text) {
    String line = text == null ? "" : text.replaceAll("[\\r\\n\\t]+", " ").strip();
    return line.length() > 120 ? line.substring(0, 120) : line;
  }

  private boolean isPhone(String sipCallIdOfMessage) {
    return phone != null && phone.sipCallId.equals(sipCallIdOfMessage);
  }

  /** A request in the phone's consult call: its BYE (or CANCEL before the answer) ends the consult, the customer held. */
  private void phoneRequest(SipIn.RequestIn in) {
    String method = in.request().getMethod();
    switch (method) {
      case Request.ACK -> { }
      case Request.CANCEL -> {
        messages.respond(in.transaction(), in.request(), Response.OK, null);
        if (phone.answered()) return;
        messages.respond(phone.call.invite().transaction(), phone.call.invite().request(), Response.REQUEST_TERMINATED, phone.toTag, null, List.of());
        phone.answerSdp = null;
        phoneGone("the agent's phone cancelled its consult call");
      }
      case Request.BYE -> {
        messages.respond(in.transaction(), in.request(), Response.OK, null);
        phone.dialog = null; // over already: no BYE back
        phoneGone("the agent's phone hung up its consult call");
      }
      case Request.INVITE -> messages.respond(in.transaction(), in.request(), Response.OK, null, phone.answerSdp, List.of());
      case "REFER" -> referInPhoneCall(in);
      default -> messages.respond(in.transaction(), in.request(), Response.OK, null);
    }
  }

  /**
   * A REFER in the phone's consult call whose {@code Replaces} names the held call (what some phones
   * send): completes the consult as the REFER in the held call does, its NOTIFYs in this call.
   */
  private void referInPhoneCall(SipIn.RequestIn in) {
    if (!phone.attached || !targetAnswered() || phone.dialog == null || !replacedCallId(in.request()).equals(agent.sipCallId())) {
      messages.respond(in.transaction(), in.request(), Response.NOT_IMPLEMENTED, "Replaces names no dialog of a consult of this call", null, null, List.of());
      return;
    }
    phone.referred = new AgentLegs.Leg(agent.agentId(), phone.sipCallId, null, phone.media, phone.answerSdp, false, phone.dialog);
    String agentId = agent.agentId();
    transfer.referAttended(in, phone.referred, () -> new io.callengine.core.api.CallConsults(engine).change(agentId, callId, ConsultView.State.COMPLETED));
  }

  /** The Call-ID a REFER's {@code Refer-To} names in {@code Replaces}; empty when none. */
  private static String replacedCallId(Request refer) {
    if (!(refer.getHeader(javax.sip.header.ReferToHeader.NAME) instanceof javax.sip.header.ReferToHeader referTo)
        || !(referTo.getAddress().getURI() instanceof javax.sip.address.SipURI uri) || uri.getHeader("Replaces") == null) {
      return "";
    }
    String replaces = java.net.URLDecoder.decode(uri.getHeader("Replaces"), java.nio.charset.StandardCharsets.UTF_8);
    return replaces.split(";", 2)[0].strip();
  }

  /** The phone left its consult call: the consult ends (or, not started yet, will end once the entity starts it). */
  private void phoneGone(String reason) {
    phone.cancelled = true;
    if (phone.attached) end(reason); // else the port's arrival, the entity's refusal or its start drops it
  }

  /**
   * The phone's call ends with the consult: its INVITE hears {@code status} when not answered yet
   * (none when 0 or answered already), an answered call gets BYE; its port is returned.
   */
  private void dropPhone(int status, String reason) {
    PhoneLeg dropped = phone;
    phone = null;
    if (dropped == null) return;
    if (!dropped.answered() && !dropped.cancelled && status > 0) {
      messages.respond(dropped.call.invite().transaction(), dropped.call.invite().request(), status, reason, dropped.toTag, null, List.of());
    } else if (dropped.dialog != null) {
      messages.bye(dropped.dialog);
    }
    if (dropped.media != null) {
      dropped.media.unbridge();
      dropped.media.close();
    }
    sessions.remove(dropped.sipCallId);
  }

  private static String targetOf(TransferTarget target) {
    return target.agentId() != null ? target.agentId() : target.address();
  }

  /** Whether this SIP Call-ID is the consult's leg to the target (until a completed consult hands it to the call). */
  boolean owns(String callIdOfMessage) {
    return leg != null && leg.owns(callIdOfMessage) || isPhone(callIdOfMessage) || callIdOfMessage.equals(notifiedPhoneCallId);
  }

  /** An answer to the target's INVITE: ringing, answered (the agent talks to the target) or refused. */
  void response(SipIn.ResponseIn in) {
    int status = in.response().getStatusCode();
    String of = callIdOf(in.response());
    if (isPhone(of) || of.equals(notifiedPhoneCallId)) { // the NOTIFYs of a REFER sent in the phone's consult call
      if (status >= 200 && Request.NOTIFY.equals(((javax.sip.header.CSeqHeader) in.response().getHeader(javax.sip.header.CSeqHeader.NAME)).getMethod())) {
        transfer.notifyAnswered(of);
      }
      return;
    }
    if (!Request.INVITE.equals(((javax.sip.header.CSeqHeader) in.response().getHeader(javax.sip.header.CSeqHeader.NAME)).getMethod())) return;
    leg.response(in);
  }

  @Override
  public void answered() {
    if (phone != null && phone.attached) answerPhone();
    RtpEndpoint.bridge(talker(), leg.media());
    context.getLog().info("Call {}: agent {} consults {}", callId, agent.agentId(), request.target().agentId());
    String consultId = request.consultId();
    engine.asks().<CallEntity.Command, Done>askRetrying(call(), r -> new CallEntity.ReportConsultAnswer(consultId, r));
  }

  /** The target answered: so does the engine the phone's consult call, which talks to it from now on. */
  private void answerPhone() {
    SipIn.RequestIn invite = phone.call.invite();
    messages.respond(invite.transaction(), invite.request(), Response.OK, null, phone.toTag, phone.answerSdp, List.of());
    phone.dialog = invite.transaction().getDialog();
  }

  /** The media that talks to the target: the phone's consult call, or the agent's leg for the API's consult. */
  private RtpEndpoint talker() {
    return phone != null && phone.attached ? phone.media : agent.media();
  }

  /** A request on the target's dialog: a BYE ends the consult (the customer stays on hold with the agent); a refresh gets the leg's SDP. */
  void request(SipIn.RequestIn in) {
    if (isPhone(callIdOf(in.request()))) {
      phoneRequest(in);
      return;
    }
    leg.request(in);
  }

  /** The INVITE to the target timed out; false when it was not this leg's. */
  boolean timedOut(ClientTransaction timedOut) {
    return leg != null && leg.timedOut(timedOut);
  }

  @Override
  public void ended(DialedLeg.End end, String detail) {
    end(switch (end) {
      case NO_PORT -> "no RTP port free for the consult";
      case NOT_CALLED -> "the target's phone could not be called: " + detail;
      case UNREACHABLE -> "the target's phone could not be reached: " + detail;
      case RING_TIMEOUT -> "the target did not answer within " + request.ringTimeoutSeconds() + " s";
      case NO_ANSWER -> "the target did not answer";
      case REFUSED -> "the target answered " + detail;
      case BAD_ANSWER -> "the target answered without usable SDP: " + detail;
      case HUNG_UP -> "the target hung up";
    });
  }

  /**
   * A REFER on the consulting agent's leg whose {@code Replaces} names the consult's leg to the
   * target, once answered: the phone completes the consult (an attended transfer). False for any
   * other REFER, which the blind transfer answers (a {@code Replaces} it does not know: 501).
   */
  boolean refer(SipIn.RequestIn in) {
    if (!targetAnswered() || !agent.sipCallId().equals(callIdOf(in.request()))) return false;
    String replaced = replacedCallId(in.request());
    if (replaced.isEmpty()) return false;
    if (!leg.sipCallId().equals(replaced) && !(phone != null && phone.attached && phone.sipCallId.equals(replaced))) return false;
    String agentId = agent.agentId();
    transfer.referAttended(in, agent, () -> new io.callengine.core.api.CallConsults(engine).change(agentId, callId, ConsultView.State.COMPLETED));
    return true;
  }

  private static String callIdOf(javax.sip.message.Message message) {
    return ((javax.sip.header.CallIdHeader) message.getHeader(javax.sip.header.CallIdHeader.NAME)).getCallId();
  }

  /** All three hear each other: the customer comes off hold and the call's audio is mixed with the target as its third voice. */
  private void conference() {
    if (mix != null || !targetAnswered()) return;
    leg.media().unbridge();
    hold.forConsult(false, agent, customer.get(), codec());
    mix = MonitorMix.start(audio.get(), customer.get(), talker(), leg.media(), codec(), MonitorMode.BARGE, false);
    context.getLog().info("Call {}: conference of the customer, agent {} and {}", callId, agent.agentId(), request.target().agentId());
  }

  /** The attended transfer: the target's leg becomes the call's agent leg, bridged to the customer; the agent's leg gets BYE. */
  private void complete() {
    if (!targetAnswered()) return;
    stopMix();
    leg.media().unbridge();
    AgentLegs.Leg referredInPhoneCall = phone != null && phone.attached ? phone.referred : null;
    if (referredInPhoneCall != null) {
      phone.dialog = null; // its BYE waits for the final NOTIFY, below
      notifiedPhoneCallId = phone.sipCallId;
    }
    if (phone != null && phone.attached) dropPhone(0, null); // the phone's consult call is over: BYE
    if (referredInPhoneCall != null) sessions.put(notifiedPhoneCallId, context.getSelf()); // its NOTIFY's answer still comes here
    AgentLegs.Leg next = leg.handOver(request.target().agentId());
    hold.agentLegGone();
    transfer.handOver(agent.agentId(), customer.get()); // a REFER that asked for it hears 200 before the BYE
    if (referredInPhoneCall != null) transfer.byeAfterNotify(referredInPhoneCall);
    agents.adopt(next);
    bridge.accept(next);
    context.getLog().info("Call {}: agent {} handed it to {} after a consult", callId, agent.agentId(), next.agentId());
    forget();
  }

  /** The target's leg ends and the customer is back with the agent. */
  private void cancel() {
    boolean conferenced = mix != null;
    stop();
    if (!conferenced) hold.forConsult(false, agents.connected(), customer.get(), codec());
  }

  /** The session stops (the call ended): the target's phone is hung up, its port returned. */
  void close() {
    if (request != null) stop();
    dropPhone(Response.TEMPORARILY_UNAVAILABLE, "The call ended");
    if (notifiedPhoneCallId != null) sessions.remove(notifiedPhoneCallId);
  }

  private boolean current(String consultId) {
    return request != null && request.consultId().equals(consultId);
  }

  /** The consult ended here: tear it down and tell the CallEntity why; the customer stays on hold unless conferenced. */
  private void end(String reason) {
    String consultId = request.consultId();
    context.getLog().info("Call {}: the consult with {} ends: {}", callId, request.target().agentId(), reason);
    stop(reason);
    reportEnd(consultId, reason);
  }

  private void reportEnd(String consultId, String reason) {
    engine.asks().<CallEntity.Command, Done>askRetrying(call(), r -> new CallEntity.ReportConsultEnd(consultId, reason, r));
  }

  private org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef<CallEntity.Command> call() {
    return engine.sharding().entityRefFor(CallEntity.ENTITY_KEY, callId);
  }

  private Codec codec() {
    return codecs.get().audio().get(0);
  }

  private void stopMix() {
    if (mix != null) mix.stop();
    mix = null;
  }

  /** Hangs up the target (BYE, or CANCEL while it rings), unbridges the agent from it and returns its port. */
  private void stop() {
    stop("The consult ended");
  }

  /** As {@link #stop()}; a phone's consult call not answered yet hears 480 with {@code reason}. */
  private void stop(String reason) {
    hold.consultEnded();
    stopMix();
    if (leg != null) leg.hangUp();
    if (phone != null && phone.attached) dropPhone(Response.TEMPORARILY_UNAVAILABLE, phrase(reason));
    forget();
  }

  private void forget() {
    request = null;
    agent = null;
    mix = null;
    leg = null;
  }

  /** Whether the target answered the consult's leg. */
  private boolean targetAnswered() {
    return leg != null && leg.answered();
  }
}
