package io.callengine.sip;

import io.callengine.core.api.CallCenterEngine;
import io.callengine.core.call.CallEntity;
import io.callengine.core.call.CallLegs;
import io.callengine.sip.media.CallAudio;
import io.callengine.sip.media.MonitorMix;
import io.callengine.sip.media.MonitorMode;
import io.callengine.sip.media.Negotiation;
import io.callengine.sip.media.RtpEndpoint;
import io.callengine.sip.media.Sdp;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
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
 * A supervisor's listen, whisper or barge on one connected call: the SIP leg to the supervisor's
 * phone (an RTP port on the call's event loop, the INVITE, its answer, the BYE either way) and,
 * once answered, the {@link MonitorMix} of the call's audio. Owned by its {@link CallSession} and
 * used on its thread only; the CallEntity starts, switches and ends it ({@link CallLegs.Monitor},
 * {@link CallLegs.ChangeMonitor}, {@link CallLegs.EndMonitor}) and hears from it when the
 * supervisor's side ends on its own ({@link CallEntity.EndMonitor}). One at a time per call.
 */
final class CallMonitor {
  /** What the monitor's own steps tell its session. */
  sealed interface Step extends CallSession.Message {}

  record PortOpened(String monitorId, RtpEndpoint endpoint) implements Step {}

  record PortFailed(String monitorId) implements Step {}

  record Unreachable(String monitorId, String reason) implements Step {}

  record RingTimedOut(String monitorId) implements Step {}

  private static final Duration RING_TIMEOUT = Duration.ofSeconds(30);
  private static final String TIMER = "monitor-ring";

  private final ActorContext<CallSession.Message> context;
  private final TimerScheduler<CallSession.Message> timers;
  private final CallCenterEngine engine;
  private final SipMessages messages;
  private final SipSettings settings;
  private final Map<String, ActorRef<CallSession.Message>> sessions;
  private final String callId;
  private final Supplier<CompletableFuture<RtpEndpoint>> openPort;
  private final Supplier<CallAudio> audio;

  private CallLegs.Monitor request;
  private MonitorMode mode;
  private RtpEndpoint customer;
  private RtpEndpoint agent;
  private Negotiation codecs;
  private RtpEndpoint media;
  private String sipCallId;
  private String offerSdp;
  private CompletableFuture<ClientTransaction> transaction;
  private boolean provisional;
  private Dialog dialog;
  private MonitorMix mix;
  /** Whether the call is on hold now, as its {@link SessionHold} said; kept across monitorings. */
  private boolean held;

  CallMonitor(ActorContext<CallSession.Message> context, TimerScheduler<CallSession.Message> timers, CallCenterEngine engine,
      SipMessages messages, SipSettings settings, Map<String, ActorRef<CallSession.Message>> sessions, String callId,
      Supplier<CompletableFuture<RtpEndpoint>> openPort, Supplier<CallAudio> audio) {
    this.context = context;
    this.timers = timers;
    this.engine = engine;
    this.messages = messages;
    this.settings = settings;
    this.sessions = sessions;
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
    context.pipeToSelf(openPort.get(), (endpoint, error) -> error != null ? new PortFailed(m.monitorId()) : new PortOpened(m.monitorId(), endpoint));
  }

  /** One of the monitor's own steps. */
  void step(Step step) {
    if (step instanceof PortOpened opened) {
      if (current(opened.monitorId()) && media == null) ring(opened.endpoint());
      else opened.endpoint().close();
    } else if (step instanceof PortFailed failed && current(failed.monitorId()) && media == null) {
      end("no RTP port free for the supervisor's phone");
    } else if (step instanceof Unreachable unreachable && current(unreachable.monitorId())) {
      end("the supervisor's phone could not be reached: " + unreachable.reason());
    } else if (step instanceof RingTimedOut timedOut && current(timedOut.monitorId()) && dialog == null) {
      end("the supervisor's phone did not answer within " + RING_TIMEOUT.toSeconds() + " s");
    }
  }

  private void ring(RtpEndpoint endpoint) {
    media = endpoint;
    String monitorId = request.monitorId();
    try {
      sipCallId = messages.stack().provider().getNewCallId().getCallId();
      offerSdp = Sdp.offer(settings.publicHost(), media.port(), codecs.codecs(), System.currentTimeMillis());
      Request invite = messages.agentInvite(request.contact(), request.sipUri(), "monitor", sipCallId, SipMessages.newTag(), offerSdp);
      transaction = new CompletableFuture<>();
      CompletableFuture<ClientTransaction> made = transaction;
      sessions.put(sipCallId, context.getSelf());
      ActorRef<CallSession.Message> self = context.getSelf();
      messages.send(invite, () -> {
        ClientTransaction t = messages.stack().provider().getNewClientTransaction(invite);
        made.complete(t);
        t.sendRequest();
      }).whenComplete((sent, error) -> {
        if (error != null) self.tell(new Unreachable(monitorId, String.valueOf(error.getMessage())));
      });
      timers.startSingleTimer(TIMER, new RingTimedOut(monitorId), RING_TIMEOUT);
    } catch (Exception e) {
      end("the supervisor's phone could not be called: " + e.getMessage());
    }
  }

  /** The call went on hold or was resumed: the mix, now or when it starts, keeps the customer apart while held. */
  void held(boolean onHold) {
    held = onHold;
    if (mix != null) mix.hold(onHold);
  }

  /** Whether this SIP Call-ID is the supervisor's leg. */
  boolean owns(String callIdOfMessage) {
    return sipCallId != null && sipCallId.equals(callIdOfMessage);
  }

  /** An answer to the INVITE of the supervisor's phone: ringing, answered (the mix starts) or refused. */
  void response(SipIn.ResponseIn in) {
    int status = in.response().getStatusCode();
    if (request == null || dialog != null) {
      lateAnswer(in);
      return;
    }
    if (status < 200) {
      provisional = provisional || status > 100;
      return;
    }
    if (status >= 300) {
      end("the supervisor's phone answered " + status);
      return;
    }
    timers.cancel(TIMER);
    dialog = in.transaction() != null ? in.transaction().getDialog() : null;
    try {
      messages.ack(dialog, in.response());
      var answer = Sdp.parse(SipMessages.sdpBody(in.response()));
      media.expectRemote(answer.audioTarget(), answer.rtcpTarget());
      mix = MonitorMix.start(audio.get(), customer, agent, media, codecs.audio().get(0), mode, held);
      context.getLog().info("Call {}: {} monitors it ({})", callId, request.supervisor(), mode);
    } catch (Exception e) {
      end("the supervisor's phone answered without usable SDP: " + e.getMessage());
    }
  }

  /** A 200 to an INVITE given up on, or a retransmitted one: a dialog nobody wants is hung up. */
  private void lateAnswer(SipIn.ResponseIn in) {
    if (in.response().getStatusCode() / 100 != 2 || in.transaction() == null || in.transaction().getDialog() == null) return;
    Dialog late = in.transaction().getDialog();
    if (late == dialog) return;
    try {
      messages.ack(late, in.response());
    } catch (Exception e) {
      context.getLog().debug("Could not ACK a late answer of a supervisor's phone: {}", e.getMessage());
    }
    messages.bye(late);
  }

  /** A request on the supervisor's dialog: a BYE ends the monitoring (the call goes on); a refresh gets the leg's SDP. */
  void request(SipIn.RequestIn in) {
    String method = in.request().getMethod();
    if (Request.ACK.equals(method)) return;
    boolean reInvite = Request.INVITE.equals(method);
    messages.respond(in.transaction(), in.request(), Response.OK, null, reInvite ? offerSdp : null, java.util.List.of());
    if (Request.BYE.equals(method) && request != null) {
      dialog = null; // over already: no BYE back
      end("the supervisor hung up");
    }
  }

  /** The INVITE to the supervisor's phone timed out; false when it was not this leg's. */
  boolean timedOut(ClientTransaction timedOut) {
    if (request == null || transaction == null || transaction.getNow(null) != timedOut) return false;
    end("the supervisor's phone did not answer");
    return true;
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
    engine.asks().<CallEntity.Command, Done>askRetrying(engine.sharding().entityRefFor(CallEntity.ENTITY_KEY, callId),
        r -> new CallEntity.EndMonitor(monitorId, reason, r));
  }

  /** Stops the mix (the direct relay comes back), hangs up the supervisor's phone (BYE, or CANCEL while it rings), returns the port. */
  private void stop() {
    timers.cancel(TIMER);
    if (mix != null) mix.stop();
    if (dialog != null) {
      messages.bye(dialog);
    } else if (transaction != null && provisional) {
      try {
        messages.cancel(transaction.getNow(null));
      } catch (Exception e) {
        context.getLog().debug("Could not cancel the INVITE to the supervisor's phone: {}", e.getMessage());
      }
    }
    if (media != null) media.close();
    if (sipCallId != null) sessions.remove(sipCallId);
    request = null;
    mix = null;
    dialog = null;
    media = null;
    transaction = null;
    provisional = false;
    sipCallId = null;
  }
}
