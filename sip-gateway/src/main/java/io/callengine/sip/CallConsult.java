package io.callengine.sip;

import io.callengine.core.api.CallCenterEngine;
import io.callengine.core.api.CallConsults;
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
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Supplier;
import javax.sip.ClientTransaction;
import javax.sip.header.CSeqHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.pattern.StatusReply;

/**
 * An agent's consult on one connected call: the customer on hold ({@link SessionHold}), the
 * {@link DialedLeg} to the target's phone, the agent's leg bridged to it once it answers; then a
 * conference of three (a {@link MonitorMix} in barge mode, the target as the third voice), a cancel
 * (the customer back with the agent), or the attended transfer (the target's leg becomes the call's
 * agent leg). Owned by its {@link CallSession} and used on its thread only; the CallEntity drives it
 * ({@link CallLegs.Consult}, {@link CallLegs.ChangeConsult}) and hears from it the target's answer
 * and an end of its own.
 *
 * <p>The agent's phone may start the consult itself ({@link PhoneCall}, from {@link PhoneConsults}):
 * it holds the customer, then calls the target through the engine. That call is the consult's
 * {@link PhoneConsultLeg}, bridged (not the held leg) to the target once it answers. The phone's
 * REFER with {@code Replaces} naming that call completes it (or, sent in that call, naming the held
 * one); its BYE or CANCEL ends it, the customer held until the phone resumes.
 */
final class CallConsult implements DialedLeg.Listener {
  /** An agent's phone, authenticated, calls {@code target} on its own connected call ({@link PhoneConsults}). */
  record PhoneCall(SipIn.RequestIn invite, String agentId, TransferTarget target) implements CallSession.Message {}

  private static final String TIMER = "consult-ring";
  private static final DialedLeg.Names NAMES = new DialedLeg.Names("the target's phone", "the target", "the target", "the consult");

  private final ActorContext<CallSession.Message> context;
  private final TimerScheduler<CallSession.Message> timers;
  private final GatewayParts parts;
  private final CallCenterEngine engine;
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
  /** The last consult handed over here: a repeat of the entity's ask is acknowledged again. */
  private String completedConsultId;
  /** The phone's own call to the target, when the phone started the consult. */
  private final PhoneConsultLeg phone;

  CallConsult(ActorContext<CallSession.Message> context, TimerScheduler<CallSession.Message> timers, GatewayParts parts, String callId,
      AgentLegs agents, SessionHold hold, CallTransferLeg transfer, Supplier<CompletableFuture<RtpEndpoint>> openPort, Supplier<CallAudio> audio,
      Supplier<RtpEndpoint> customer, Supplier<Negotiation> codecs, Consumer<AgentLegs.Leg> bridge) {
    this.context = context;
    this.timers = timers;
    this.parts = parts;
    this.engine = parts.engine();
    this.callId = callId;
    this.agents = agents;
    this.hold = hold;
    this.transfer = transfer;
    this.openPort = openPort;
    this.audio = audio;
    this.customer = customer;
    this.codecs = codecs;
    this.bridge = bridge;
    this.phone = new PhoneConsultLeg(context, parts, callId, transfer, this::codec);
  }

  /** Whether {@code command} is one of the consult's. */
  static boolean handles(CallLegs.Command command) {
    return command instanceof CallLegs.Consult || command instanceof CallLegs.ChangeConsult || command instanceof CallLegs.CompleteConsult;
  }

  void command(CallLegs.Command command) {
    if (command instanceof CallLegs.Consult m) {
      start(m);
    } else if (command instanceof CallLegs.CompleteConsult m) {
      complete(m);
    } else if (command instanceof CallLegs.ChangeConsult m && current(m.consultId())) {
      switch (m.to()) {
        case CONFERENCE -> conference();
        case ENDED -> cancel();
        default -> { }
      }
    }
  }

  /** The entity asks for the attended transfer before it stores it: done (or done before), or refused when the target is gone. */
  private void complete(CallLegs.CompleteConsult m) {
    if (m.consultId().equals(completedConsultId)) {
      m.replyTo().tell(StatusReply.ack());
    } else if (current(m.consultId()) && targetAnswered()) {
      complete();
      completedConsultId = m.consultId();
      m.replyTo().tell(StatusReply.ack());
    } else {
      m.replyTo().tell(StatusReply.error("the consult's target is no longer on the line"));
    }
  }

  private void start(CallLegs.Consult m) {
    if (request != null) stop(); // the entity ended it before: its change was lost
    AgentLegs.Leg connected = agents.connected();
    RtpEndpoint caller = customer.get();
    boolean phoneCalls = phone.calls(m.target().agentId());
    if (phoneCalls && phone.cancelled()) {
      phone.drop(0, null);
      reportEnd(m.consultId(), "the agent's phone cancelled its consult call");
      return;
    }
    if (connected == null || connected.dialog() == null || caller == null) {
      if (phoneCalls) phone.drop(Response.FORBIDDEN, "No connected call to consult on");
      reportEnd(m.consultId(), "the call is not connected on its node");
      return;
    }
    request = m;
    agent = connected;
    hold.forConsult(true, connected, caller, codec());
    if (phoneCalls) phone.attach();
    leg = new DialedLeg(context, timers, parts, agents, TIMER, NAMES, this);
    leg.dial(openPort.get(), m.target().contact(), m.target().sipUri(), connected.agentId(), codecs.get().codecs(), Duration.ofSeconds(m.ringTimeoutSeconds()));
  }

  /** The agent's phone calls {@code m.target()} while connected to this call ({@link PhoneConsultLeg}). */
  void phone(PhoneCall m) {
    if (phone.accept(m, agents.connected(), request != null)) phone.openPort(openPort.get());
  }

  /** One of the phone's consult call's own steps. */
  void step(PhoneConsultLeg.Step step) {
    phone.step(step);
  }

  /** A phone's call this session cannot take (the call is not connected here). */
  void refusePhone(PhoneCall m, int status, String reason) {
    phone.refuse(m, status, reason);
  }

  /**
   * A REFER in the phone's consult call whose {@code Replaces} names the held call (what some phones
   * send): completes the consult as the REFER in the held call does, its NOTIFYs in this call.
   */
  private void referInPhoneCall(SipIn.RequestIn in) {
    boolean namesHeld = targetAnswered() && SipMessages.replacedCallId(in.request()).equals(agent.sipCallId());
    AgentLegs.Leg referred = namesHeld ? phone.referredAs(agent.agentId()) : null;
    if (referred == null) {
      parts.messages().respond(in, Response.FORBIDDEN, "Replaces names no dialog of a consult of this call");
      return;
    }
    String agentId = agent.agentId();
    transfer.referAttended(in, referred, () -> new CallConsults(engine).change(agentId, callId, ConsultView.State.COMPLETED));
  }

  /** Whether this SIP Call-ID is the consult's leg to the target (until a completed consult hands it to the call). */
  boolean owns(String callIdOfMessage) {
    return leg != null && leg.owns(callIdOfMessage) || phone.owns(callIdOfMessage);
  }

  /** An answer to the target's INVITE: ringing, answered (the agent talks to the target) or refused. */
  void response(SipIn.ResponseIn in) {
    if (phone.owns(CallSession.callIdOf(in.response()))) { // the NOTIFYs of a REFER sent in the phone's consult call
      phone.response(in);
      return;
    }
    if (!Request.INVITE.equals(((CSeqHeader) in.response().getHeader(CSeqHeader.NAME)).getMethod())) return;
    leg.response(in);
  }

  @Override
  public void answered() {
    if (phone.attached()) phone.answer();
    RtpEndpoint.bridge(talker(), leg.media());
    context.getLog().info("Call {}: agent {} consults {}", callId, agent.agentId(), request.target().agentId());
    String consultId = request.consultId();
    engine.asks().<CallEntity.Command, Done>askRetrying(call(), r -> new CallEntity.ReportConsultAnswer(consultId, r));
  }

  /** The media that talks to the target: the phone's consult call, or the agent's leg for the API's consult. */
  private RtpEndpoint talker() {
    return phone.attached() ? phone.media() : agent.media();
  }

  /** A request on the target's dialog: a BYE ends the consult (the customer stays on hold with the agent); a refresh gets the leg's SDP. */
  void request(SipIn.RequestIn in) {
    if (phone.isPhone(CallSession.callIdOf(in.request()))) {
      if ("REFER".equals(in.request().getMethod())) {
        referInPhoneCall(in);
        return;
      }
      String gone = phone.request(in);
      if (gone != null && phone.attached()) end(gone); // else the port's arrival, the entity's refusal or its start drops it
      return;
    }
    leg.request(in);
  }

  /** The INVITE to the target timed out; false when it was not this leg's. */
  boolean timedOut(ClientTransaction timedOut) {
    return leg != null && leg.timedOut(timedOut);
  }

  @Override
  public void ended(String reason) {
    end(reason);
  }


  /**
   * A REFER on the consulting agent's leg whose {@code Replaces} names the consult's leg to the
   * target, once answered: the phone completes the consult (an attended transfer). False for any
   * other REFER, which the blind transfer answers (a {@code Replaces} it does not know: 403).
   */
  boolean refer(SipIn.RequestIn in) {
    if (!targetAnswered() || !agent.sipCallId().equals(CallSession.callIdOf(in.request()))) return false;
    String replaced = SipMessages.replacedCallId(in.request());
    if (replaced.isEmpty()) return false;
    if (!leg.sipCallId().equals(replaced) && !(phone.attached() && phone.isPhone(replaced))) return false;
    String agentId = agent.agentId();
    transfer.referAttended(in, agent, () -> new CallConsults(engine).change(agentId, callId, ConsultView.State.COMPLETED));
    return true;
  }

  /** All three hear each other: the customer comes off hold and the call's audio is mixed with the target as its third voice. */
  private void conference() {
    if (mix != null || !targetAnswered()) return;
    leg.media().unbridge();
    hold.forConsult(false, agent, customer.get(), codec());
    CallAudio callAudio = audio.get();
    callAudio.agentChanged(talker()); // a phone's consult: its second call carries the agent's voice now, to mix and record
    mix = MonitorMix.start(callAudio, customer.get(), talker(), leg.media(), codec(), MonitorMode.BARGE, false);
    context.getLog().info("Call {}: conference of the customer, agent {} and {}", callId, agent.agentId(), request.target().agentId());
  }

  /** The attended transfer: the target's leg becomes the call's agent leg, bridged to the customer; the agent's leg gets BYE. */
  private void complete() {
    if (!targetAnswered()) return;
    stopMix();
    leg.media().unbridge();
    AgentLegs.Leg referredInPhoneCall = phone.completed(); // its BYE waits for the final NOTIFY, below
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
    phone.close();
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

  private EntityRef<CallEntity.Command> call() {
    return engine.sharding().entityRefFor(CallEntity.ENTITY_KEY, callId);
  }

  private Codec codec() {
    return codecs.get().audio().get(0);
  }

  private void stopMix() {
    if (mix == null) return;
    mix.stop();
    mix = null;
    CallAudio callAudio = audio.get(); // null once the call has no agent leg (it is ending)
    if (callAudio != null && phone.attached()) callAudio.agentChanged(agent.media()); // the agent's own leg is its voice again
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
    phone.consultEnded(reason);
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
