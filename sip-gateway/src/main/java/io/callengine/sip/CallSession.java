package io.callengine.sip;

import io.callengine.core.api.CallCenterEngine;
import io.callengine.core.call.CallEntity;
import io.callengine.core.call.CallLegs;
import io.callengine.core.call.CallView;
import io.callengine.core.call.Disposition;
import io.callengine.core.call.Party;
import io.callengine.core.events.Warning;
import io.callengine.core.queue.Admission;
import io.callengine.core.api.CallDecision;
import io.callengine.sip.media.CallAudio;
import io.callengine.sip.media.Codec;
import io.callengine.sip.media.MediaRelay;
import io.callengine.sip.media.Negotiation;
import io.callengine.sip.media.RtpEndpoint;
import io.callengine.sip.media.Sdp;
import io.callengine.sip.media.SessionDescription;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import javax.sip.header.CallIdHeader;
import javax.sip.header.FromHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;

/**
 * The back-to-back user agent of one customer call, node-local and not persistent: answers the
 * customer's INVITE once the CallEntity is queued, rings the agent the Router reserved, bridges
 * the two RTP legs, and relays the hang-up of either side. It implements {@link CallLegs} for
 * the domain; the domain hears from it only through CallEntity commands. {@link SipGateway}
 * spawns it and the {@link SipEventListener} routes its legs' SIP to it by Call-ID.
 *
 * <p>The actor is one behaviour per {@link Phase} of the call ({@link SettingUpPhase},
 * {@link IvrPhase}, {@link QueuedPhase}, {@link RingingPhase}, {@link ConnectedPhase},
 * {@link CallbackPhase}, each a {@link SessionPhase}); a phase change is the next behaviour. This
 * object is what they share: the call's route and ends, and the collaborators used on its thread
 * only, each with its own state and timers: {@link CustomerLeg} (the caller's INVITE and dialog),
 * {@link QueueWait} (music, announcements, exit key), {@link AgentOffer} (the agents being rung)
 * over {@link AgentLegs}, {@link SessionMedia}, {@link CallLiveness}, {@link CallRecording},
 * {@link CallMonitor} (a supervisor's listen, whisper or barge), {@link SessionHold} and
 * {@link CallTransferLeg}.
 */
public final class CallSession {

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
  enum Phase { ANSWERING, IVR, JOINING, QUEUED, RINGING, CONNECTED, CALLBACK }

  /** {@code setup} is the admission's count of this call until its INVITE's final answer. */
  static Behavior<Message> create(GatewayParts parts, String sipCallId, CallAdmission.Setup setup) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
        SettingUpPhase.answering(new CallSession(ctx, timers, parts, sipCallId, setup))));
  }

  final ActorContext<Message> context;
  final TimerScheduler<Message> timers;
  final CallCenterEngine engine;
  final SipMessages messages;
  final SipSettings settings;
  private final MediaRelay relay;
  final Map<String, ActorRef<Message>> sessions;
  private final Map<String, ActorRef<Message>> calls;
  final String sipCallId;
  final String callId = UUID.randomUUID().toString();
  final ActorRef<CallLegs.Command> legs;

  boolean cancelled;
  boolean started;
  /** Whether the CallEntity has heard (or said) that this call is over. */
  boolean domainKnowsEnd;
  /** Whether the call is past ANSWERING: from then on a hang-up says BYE to the caller. */
  private boolean pastAnswering;
  Negotiation negotiation;
  SessionDescription customerOffer;
  String dialed;
  String queueId;
  CallRoute route;
  RtpEndpoint customerMedia;
  /** An offer that came before the caller was answered: rung once he waits in line. */
  CallLegs.RingAgents pendingRing;
  final CustomerLeg customer;
  final QueueWait queueWait;
  final AgentOffer offer;
  final AgentLegs agents;
  final SessionMedia media;
  final CallLiveness liveness;
  final CallRecording recording;
  final CallMonitor monitor;
  /** The connected call's frames while something records or monitors it; null otherwise. */
  private CallAudio audio;
  final SessionHold hold;
  final CallTransferLeg transfer;
  final CallConsult consult;
  /** An agent handed the call over at least once: a BYE from its old leg is no hang-up of the call. */
  boolean transferred;
  /**
   * Every RTP port this session asked the relay for. A port that arrives after the session
   * stopped (its message goes nowhere) would be held for good: the stop closes them all.
   */
  private final List<CompletableFuture<RtpEndpoint>> portsAskedFor = new ArrayList<>();

  private CallSession(ActorContext<Message> context, TimerScheduler<Message> timers, GatewayParts parts, String sipCallId,
      CallAdmission.Setup setup) {
    // Named here: otherwise Pekko names the logger after a class it finds on the stack of the first
    // getLog, for this behavior one of its own, and the INFO lines below were never seen.
    context.setLoggerName(CallSession.class);
    this.context = context;
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
    this.monitor = new CallMonitor(context, timers, parts, agents, callId, this::openPort, this::callAudio);
    this.hold = new SessionHold(engine, messages, media, liveness, timers, callId, monitor::held);
    this.transfer = new CallTransferLeg(context, timers, engine, messages, settings, agents, callId);
    this.calls = parts.calls();
    calls.put(callId, context.getSelf());
    this.consult = new CallConsult(context, timers, parts, callId, agents, hold, transfer, this::openPort, this::callAudio, () -> customerMedia, () -> negotiation, this::bridge);
  }

  /**
   * 200 with the engine's SDP; the caller's keys are listened for before it leaves, so that a key
   * pressed as soon as the call is answered counts. The media is watched from then on.
   */
  void answerCustomer() {
    pastAnswering = true;
    if (customer.finalAnswerSent()) return;
    negotiation.telephoneEvent().ifPresent(te -> {
      ActorRef<Message> self = context.getSelf();
      customerMedia.detectDtmf(te.payloadType(), (digit, ms) -> self.tell(new DtmfPressed(digit, ms)));
    });
    customer.answerOk(Sdp.answer(settings.publicHost(), customerMedia.port(), negotiation, System.currentTimeMillis()));
    liveness.answered();
    liveness.awaitAck(sipCallId);
    timers.startTimerWithFixedDelay("media", MediaTick.INSTANCE, media.settings().qualityInterval());
    timers.startSingleTimer("first-rtp", FirstRtpDue.INSTANCE, media.settings().firstRtpTimeout());
  }

  Codec codec() {
    return negotiation.audio().get(0);
  }

  /** The set-up or the menu cannot go on: the caller hears {@code sipStatus} (or BYE once answered). */
  Behavior<Message> setupFailed(SetupFailed m) {
    context.getLog().info("Call {} refused with {}: {}", callId, m.sipStatus(), m.reason());
    if (customer.finalAnswerSent()) byeCustomer(); // answered in the IVR: the refusal can only be a hang-up now
    customer.answer(m.sipStatus(), null, null);
    if (started && m.disposition() != null) endInDomain(m.disposition(), m.reason());
    if (started && m.disposition() == null) domainKnowsEnd = true;
    return finish();
  }

  // --- hang-ups and ends ---

  Behavior<Message> hangUpInDomain(Party by, String reason) {
    if (started && !domainKnowsEnd) engine.asks().<CallEntity.Command, CallView>askRetrying(callEntity(), r -> new CallEntity.Hangup(by, reason, r));
    domainKnowsEnd = true;
    return finish();
  }

  void endInDomain(Disposition disposition, String reason) {
    engine.asks().<CallEntity.Command, CallView>askRetrying(callEntity(), r -> new CallEntity.End(disposition, reason, r));
    domainKnowsEnd = true;
  }

  void byeCustomer() {
    if (pastAnswering) customer.bye();
  }

  void hangUpAgent() {
    transfer.byeNow();
    agents.hangUp();
  }

  /** The engine ends the call on its own: a warning says why, both legs get BYE, and the call's record keeps the reason. */
  Behavior<Message> endByEngine(String code, Disposition disposition, String reason) {
    AgentLegs.Leg connected = agents.connected();
    context.getLog().info("Call {}: {}; ending it", callId, reason);
    engine.publish(new Warning(engine.clock().instant(), callId, queueId, connected == null ? null : connected.agentId(), code, reason));
    hangUpAgent();
    byeCustomer();
    if (started && !domainKnowsEnd) endInDomain(disposition, reason);
    domainKnowsEnd = true;
    return finish();
  }

  Behavior<Message> endWithoutMedia(String agentId, String when) {
    context.getLog().info("Call {}: no RTP from the caller {}; ending it", callId, when);
    engine.publish(new Warning(engine.clock().instant(), callId, queueId, agentId, "no-rtp", "no audio from the caller " + when + ": call ended"));
    hangUpAgent();
    byeCustomer();
    endInDomain(Disposition.FAILED, "media-timeout: no RTP from the caller " + when);
    return finish();
  }

  Behavior<Message> finish() {
    return Behaviors.stopped();
  }

  /**
   * Runs however the session stops, a failure included: no RTP port and no Call-ID is left
   * behind, and a call the domain still thinks alive is ended FAILED so nobody stays reserved.
   */
  void stopped() {
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
    calls.remove(callId);
    agents.close();
  }

  // --- media and legs ---

  /** The caller's port first; the agents' ports then on its event loop, so the call's audio can be tapped ({@link #callAudio}). */
  CompletableFuture<RtpEndpoint> openPort() {
    CompletableFuture<RtpEndpoint> port = customerMedia == null ? relay.open() : relay.openBeside(customerMedia);
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

  /** The caller and the agent hear each other; a recorded call starts writing. */
  void bridge(AgentLegs.Leg leg) {
    if (!hold.onHold()) RtpEndpoint.bridge(customerMedia, leg.media()); // held during the recording's notice: the resume bridges
    if (audio != null) audio.agentChanged(leg.media()); // a transfer's target took over: record and mix its side
    recording.bridged(this::callAudio, leg.agentId(), leg.media(), codec(),
        negotiation.telephoneEvent().map(te -> te.payloadType()).orElse(null));
  }

  /** A 200 for an agent INVITE we gave up on (or that lost the race): take it and hang up at once. */
  void lateAgentAnswer(SipIn.ResponseIn in) {
    if (agents.isConnected(callIdOf(in.response()))) return; // a retransmission: the dialog re-ACKs
    messages.hangUpUnwanted(in);
  }

  Behavior<Message> respondOk(SipIn.RequestIn in) {
    messages.respond(in.transaction(), in.request(), Response.OK, null);
    return Behaviors.same();
  }

  EntityRef<CallEntity.Command> callEntity() {
    return engine.sharding().entityRefFor(CallEntity.ENTITY_KEY, callId);
  }

  String caller() {
    return callerOf(customer.invite());
  }

  static String callerOf(Request request) {
    return ((FromHeader) request.getHeader(FromHeader.NAME)).getAddress().getURI().toString();
  }

  static String callIdOf(javax.sip.message.Message message) {
    return ((CallIdHeader) message.getHeader(CallIdHeader.NAME)).getCallId();
  }
}
