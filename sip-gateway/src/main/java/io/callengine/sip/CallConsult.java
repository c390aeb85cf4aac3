package io.callengine.sip;

import io.callengine.core.api.CallCenterEngine;
import io.callengine.core.call.CallEntity;
import io.callengine.core.call.CallLegs;
import io.callengine.core.call.ConsultView;
import io.callengine.sip.media.CallAudio;
import io.callengine.sip.media.Codec;
import io.callengine.sip.media.MonitorMix;
import io.callengine.sip.media.MonitorMode;
import io.callengine.sip.media.Negotiation;
import io.callengine.sip.media.RtpEndpoint;
import io.callengine.sip.media.Sdp;
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
 */
final class CallConsult {
  /** What the consult's own steps tell its session. */
  sealed interface Step extends CallSession.Message {}

  record PortOpened(String consultId, RtpEndpoint endpoint) implements Step {}

  record PortFailed(String consultId) implements Step {}

  record Unreachable(String consultId, String reason) implements Step {}

  record RingTimedOut(String consultId) implements Step {}

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
  private RtpEndpoint media;
  private String sipCallId;
  private String offerSdp;
  private CompletableFuture<ClientTransaction> transaction;
  private boolean provisional;
  private Dialog dialog;
  private MonitorMix mix;

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
    if (connected == null || connected.dialog() == null || caller == null) {
      reportEnd(m.consultId(), "the call is not connected on its node");
      return;
    }
    request = m;
    agent = connected;
    hold.forConsult(true, connected, caller, codec());
    String consultId = m.consultId();
    context.pipeToSelf(openPort.get(), (endpoint, error) -> error != null ? new PortFailed(consultId) : new PortOpened(consultId, endpoint));
  }

  /** One of the consult's own steps. */
  void step(Step step) {
    if (step instanceof PortOpened opened) {
      if (current(opened.consultId()) && media == null) ring(opened.endpoint());
      else opened.endpoint().close();
    } else if (step instanceof PortFailed failed && current(failed.consultId()) && media == null) {
      end("no RTP port free for the consult");
    } else if (step instanceof Unreachable unreachable && current(unreachable.consultId())) {
      end("the target's phone could not be reached: " + unreachable.reason());
    } else if (step instanceof RingTimedOut timedOut && current(timedOut.consultId()) && dialog == null) {
      end("the target did not answer within " + request.ringTimeoutSeconds() + " s");
    }
  }

  private void ring(RtpEndpoint endpoint) {
    media = endpoint;
    String consultId = request.consultId();
    try {
      sipCallId = messages.stack().provider().getNewCallId().getCallId();
      offerSdp = Sdp.offer(settings.publicHost(), media.port(), codecs.get().codecs(), System.currentTimeMillis());
      Request invite = messages.agentInvite(request.target().contact(), request.target().sipUri(), agent.agentId(), sipCallId,
          SipMessages.newTag(), offerSdp);
      transaction = new CompletableFuture<>();
      CompletableFuture<ClientTransaction> made = transaction;
      sessions.put(sipCallId, context.getSelf());
      ActorRef<CallSession.Message> self = context.getSelf();
      messages.send(invite, () -> {
        ClientTransaction t = messages.stack().provider().getNewClientTransaction(invite);
        made.complete(t);
        t.sendRequest();
      }).whenComplete((sent, error) -> {
        if (error != null) self.tell(new Unreachable(consultId, String.valueOf(error.getMessage())));
      });
      timers.startSingleTimer(TIMER, new RingTimedOut(consultId), Duration.ofSeconds(request.ringTimeoutSeconds()));
    } catch (Exception e) {
      end("the target's phone could not be called: " + e.getMessage());
    }
  }

  /** Whether this SIP Call-ID is the consult's leg to the target (until a completed consult hands it to the call). */
  boolean owns(String callIdOfMessage) {
    return sipCallId != null && sipCallId.equals(callIdOfMessage);
  }

  /** An answer to the target's INVITE: ringing, answered (the agent talks to the target) or refused. */
  void response(SipIn.ResponseIn in) {
    int status = in.response().getStatusCode();
    if (!Request.INVITE.equals(((javax.sip.header.CSeqHeader) in.response().getHeader(javax.sip.header.CSeqHeader.NAME)).getMethod())) return;
    if (request == null || dialog != null) {
      lateAnswer(in);
      return;
    }
    if (status < 200) {
      provisional = provisional || status > 100;
      return;
    }
    if (status >= 300) {
      end("the target answered " + status);
      return;
    }
    timers.cancel(TIMER);
    dialog = in.transaction() != null ? in.transaction().getDialog() : null;
    try {
      messages.ack(dialog, in.response());
      var answer = Sdp.parse(SipMessages.sdpBody(in.response()));
      media.expectRemote(answer.audioTarget(), answer.rtcpTarget());
    } catch (Exception e) {
      end("the target answered without usable SDP: " + e.getMessage());
      return;
    }
    RtpEndpoint.bridge(agent.media(), media);
    context.getLog().info("Call {}: agent {} consults {}", callId, agent.agentId(), request.target().agentId());
    String consultId = request.consultId();
    engine.asks().<CallEntity.Command, Done>askRetrying(call(), r -> new CallEntity.ReportConsultAnswer(consultId, r));
  }

  /** A 200 to an INVITE given up on, or a retransmitted one: a dialog nobody wants is hung up. */
  private void lateAnswer(SipIn.ResponseIn in) {
    if (in.response().getStatusCode() / 100 != 2 || in.transaction() == null || in.transaction().getDialog() == null) return;
    Dialog late = in.transaction().getDialog();
    if (late == dialog) return;
    try {
      messages.ack(late, in.response());
    } catch (Exception e) {
      context.getLog().debug("Could not ACK a late answer of a consult's target: {}", e.getMessage());
    }
    messages.bye(late);
  }

  /** A request on the target's dialog: a BYE ends the consult (the customer stays on hold with the agent); a refresh gets the leg's SDP. */
  void request(SipIn.RequestIn in) {
    String method = in.request().getMethod();
    if (Request.ACK.equals(method)) return;
    boolean reInvite = Request.INVITE.equals(method);
    messages.respond(in.transaction(), in.request(), Response.OK, null, reInvite ? offerSdp : null, List.of());
    if (Request.BYE.equals(method) && request != null) {
      dialog = null; // over already: no BYE back
      end("the target hung up");
    }
  }

  /** The INVITE to the target timed out; false when it was not this leg's. */
  boolean timedOut(ClientTransaction timedOut) {
    if (request == null || transaction == null || transaction.getNow(null) != timedOut) return false;
    end("the target did not answer");
    return true;
  }

  /**
   * A REFER on the consulting agent's leg whose {@code Replaces} names the consult's leg to the
   * target, once answered: the phone completes the consult (an attended transfer). False for any
   * other REFER, which the blind transfer answers (a {@code Replaces} it does not know: 501).
   */
  boolean refer(SipIn.RequestIn in) {
    if (dialog == null || !agent.sipCallId().equals(callIdOf(in.request()))) return false;
    if (!(in.request().getHeader(javax.sip.header.ReferToHeader.NAME) instanceof javax.sip.header.ReferToHeader referTo)
        || !(referTo.getAddress().getURI() instanceof javax.sip.address.SipURI uri) || uri.getHeader("Replaces") == null) {
      return false;
    }
    String replaces = java.net.URLDecoder.decode(uri.getHeader("Replaces"), java.nio.charset.StandardCharsets.UTF_8);
    if (!sipCallId.equals(replaces.split(";", 2)[0].strip())) return false;
    String agentId = agent.agentId();
    transfer.referAttended(in, agent, () -> new io.callengine.core.api.CallConsults(engine).change(agentId, callId, ConsultView.State.COMPLETED));
    return true;
  }

  private static String callIdOf(javax.sip.message.Message message) {
    return ((javax.sip.header.CallIdHeader) message.getHeader(javax.sip.header.CallIdHeader.NAME)).getCallId();
  }

  /** All three hear each other: the customer comes off hold and the call's audio is mixed with the target as its third voice. */
  private void conference() {
    if (mix != null || dialog == null) return;
    media.unbridge();
    hold.forConsult(false, agent, customer.get(), codec());
    mix = MonitorMix.start(audio.get(), customer.get(), agent.media(), media, codec(), MonitorMode.BARGE, false);
    context.getLog().info("Call {}: conference of the customer, agent {} and {}", callId, agent.agentId(), request.target().agentId());
  }

  /** The attended transfer: the target's leg becomes the call's agent leg, bridged to the customer; the agent's leg gets BYE. */
  private void complete() {
    if (dialog == null) return;
    stopMix();
    media.unbridge();
    AgentLegs.Leg next = new AgentLegs.Leg(request.target().agentId(), sipCallId, transaction, media, offerSdp, provisional, dialog);
    hold.agentLegGone();
    transfer.handOver(agent.agentId(), customer.get()); // a REFER that asked for it hears 200 before the BYE
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
  }

  private boolean current(String consultId) {
    return request != null && request.consultId().equals(consultId);
  }

  /** The consult ended here: tear it down and tell the CallEntity why; the customer stays on hold unless conferenced. */
  private void end(String reason) {
    String consultId = request.consultId();
    context.getLog().info("Call {}: the consult with {} ends: {}", callId, request.target().agentId(), reason);
    stop();
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
    timers.cancel(TIMER);
    hold.consultEnded();
    stopMix();
    if (dialog != null) {
      messages.bye(dialog);
    } else if (transaction != null && provisional) {
      try {
        messages.cancel(transaction.getNow(null));
      } catch (Exception e) {
        context.getLog().debug("Could not cancel the INVITE to the consult's target: {}", e.getMessage());
      }
    }
    if (media != null) {
      media.unbridge();
      media.close();
    }
    if (sipCallId != null) sessions.remove(sipCallId);
    forget();
  }

  private void forget() {
    request = null;
    agent = null;
    mix = null;
    dialog = null;
    media = null;
    transaction = null;
    provisional = false;
    sipCallId = null;
    offerSdp = null;
  }
}
