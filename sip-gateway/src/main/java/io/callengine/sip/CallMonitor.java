package io.callengine.sip;

import io.callengine.core.api.CallCenterEngine;
import io.callengine.core.call.CallEntity;
import io.callengine.core.call.CallLegs;
import io.callengine.sip.media.CallAudio;
import io.callengine.sip.media.MonitorMix;
import io.callengine.sip.media.MonitorMode;
import io.callengine.sip.media.Negotiation;
import io.callengine.sip.media.RtpEndpoint;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import javax.sip.ClientTransaction;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * A supervisor's listen, whisper or barge on one connected call: the {@link DialedLeg} to the supervisor's
 * phone and,
 * once answered, the {@link MonitorMix} of the call's audio. Owned by its {@link CallSession} and
 * used on its thread only; the CallEntity starts, switches and ends it ({@link CallLegs.Monitor},
 * {@link CallLegs.ChangeMonitor}, {@link CallLegs.EndMonitor}) and hears from it when the
 * supervisor's side ends on its own ({@link CallEntity.EndMonitor}). One at a time per call.
 */
final class CallMonitor implements DialedLeg.Listener {
  private static final Duration RING_TIMEOUT = Duration.ofSeconds(30);
  private static final String TIMER = "monitor-ring";
  private static final DialedLeg.Names NAMES =
      new DialedLeg.Names("the supervisor's phone", "the supervisor's phone", "the supervisor", "the supervisor's phone");

  private final ActorContext<CallSession.Message> context;
  private final TimerScheduler<CallSession.Message> timers;
  private final GatewayParts parts;
  private final AgentLegs agents;
  private final String callId;
  private final Supplier<CompletableFuture<RtpEndpoint>> openPort;
  private final Supplier<CallAudio> audio;

  private CallLegs.Monitor request;
  private MonitorMode mode;
  private RtpEndpoint customer;
  private RtpEndpoint agent;
  private Negotiation codecs;
  /** The leg to the supervisor's phone while monitoring; null otherwise. */
  private DialedLeg leg;
  private MonitorMix mix;
  /** Whether the call is on hold now, as its {@link SessionHold} said; kept across monitorings. */
  private boolean held;

  CallMonitor(ActorContext<CallSession.Message> context, TimerScheduler<CallSession.Message> timers, GatewayParts parts, AgentLegs agents,
      String callId, Supplier<CompletableFuture<RtpEndpoint>> openPort, Supplier<CallAudio> audio) {
    this.context = context;
    this.timers = timers;
    this.parts = parts;
    this.agents = agents;
    this.callId = callId;
    this.openPort = openPort;
    this.audio = audio;
  }

  /** Whether {@code command} is one of the monitor's. */
  static boolean handles(CallLegs.Command command) {
    return command instanceof CallLegs.Monitor || command instanceof CallLegs.ChangeMonitor || command instanceof CallLegs.EndMonitor;
  }

  /** A command of the CallEntity; {@code connected}: the call's customer and agent legs while it is connected, else null. */
  void command(CallLegs.Command command, RtpEndpoint connectedCustomer, RtpEndpoint connectedAgent, Negotiation callCodecs) {
    if (command instanceof CallLegs.Monitor m) {
      if (request != null) stop(); // the entity ended it before: its EndMonitor was lost
      if (connectedCustomer == null || connectedAgent == null) {
        reportEnd(m.monitorId(), "the call is not connected on its node");
        return;
      }
      start(m, connectedCustomer, connectedAgent, callCodecs);
    } else if (command instanceof CallLegs.ChangeMonitor m && current(m.monitorId())) {
      mode = MonitorMode.valueOf(m.mode().name());
      if (mix != null) mix.mode(mode);
    } else if (command instanceof CallLegs.EndMonitor m && current(m.monitorId())) {
      stop();
    }
  }

  private void start(CallLegs.Monitor m, RtpEndpoint connectedCustomer, RtpEndpoint connectedAgent, Negotiation callCodecs) {
    request = m;
    mode = MonitorMode.valueOf(m.mode().name());
    customer = connectedCustomer;
    agent = connectedAgent;
    codecs = callCodecs;
    leg = new DialedLeg(context, timers, parts, agents, TIMER, NAMES, this);
    leg.dial(openPort.get(), m.contact(), m.sipUri(), "monitor", codecs.codecs(), RING_TIMEOUT);
  }

  @Override
  public void answered() {
    try {
      mix = MonitorMix.start(audio.get(), customer, agent, leg.media(), codecs.audio().get(0), mode, held);
      context.getLog().info("Call {}: {} monitors it ({})", callId, request.supervisor(), mode);
    } catch (Exception e) {
      end("the supervisor's phone answered without usable SDP: " + e.getMessage());
    }
  }

  @Override
  public void ended(String reason) {
    end(reason);
  }

  /** The call went on hold or was resumed: the mix, now or when it starts, keeps the customer apart while held. */
  void held(boolean onHold) {
    held = onHold;
    if (mix != null) mix.hold(onHold);
  }

  /** Whether this SIP Call-ID is the supervisor's leg. */
  boolean owns(String callIdOfMessage) {
    return leg != null && leg.owns(callIdOfMessage);
  }

  /** An answer to the INVITE of the supervisor's phone: ringing, answered (the mix starts) or refused. */
  void response(SipIn.ResponseIn in) {
    leg.response(in);
  }

  /** A request on the supervisor's dialog: a BYE ends the monitoring (the call goes on); a refresh gets the leg's SDP. */
  void request(SipIn.RequestIn in) {
    leg.request(in);
  }

  /** The INVITE to the supervisor's phone timed out; false when it was not this leg's. */
  boolean timedOut(ClientTransaction timedOut) {
    return leg != null && leg.timedOut(timedOut);
  }

  /** The session stops (the call ended): the supervisor's phone is hung up, its port returned. */
  void close() {
    if (request != null) stop();
  }

  private boolean current(String monitorId) {
    return request != null && request.monitorId().equals(monitorId);
  }

  /** The supervisor's side ended here: tear it down and tell the CallEntity why. */
  private void end(String reason) {
    String monitorId = request.monitorId();
    context.getLog().info("Call {}: the monitoring by {} ends: {}", callId, request.supervisor(), reason);
    stop();
    reportEnd(monitorId, reason);
  }

  private void reportEnd(String monitorId, String reason) {
    CallCenterEngine engine = parts.engine();
    engine.asks().<CallEntity.Command, Done>askRetrying(engine.sharding().entityRefFor(CallEntity.ENTITY_KEY, callId),
        r -> new CallEntity.EndMonitor(monitorId, reason, r));
  }

  /** Stops the mix (the direct relay comes back), hangs up the supervisor's phone (BYE, or CANCEL while it rings), returns the port. */
  private void stop() {
    if (mix != null) mix.stop();
    if (leg != null) leg.hangUp();
    request = null;
    mix = null;
    leg = null;
  }
}
