package io.callengine.sip;

import io.callengine.sip.media.Codec;
import io.callengine.sip.media.RtpEndpoint;
import io.callengine.sip.media.Sdp;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import javax.sip.ClientTransaction;
import javax.sip.Dialog;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * One leg the engine dials to a phone on a call's event loop: an RTP port, the INVITE, a ring
 * timer, the answer (ACK, the phone's SDP), late answers, and the hang-up (CANCEL while it rings,
 * BYE after). Used by {@link CallMonitor} (the supervisor's phone) and {@link CallConsult} (the
 * target's phone) on their session's thread; it tells its {@link Listener} when the phone answers
 * and when the leg ends on its own, and the owner then hangs it up with {@link #hangUp()}.
 */
final class DialedLeg {
  /** What the leg's own steps tell its session, which hands them back to {@link #step}. */
  sealed interface Step extends CallSession.Message {
    DialedLeg leg();
  }

  record PortOpened(DialedLeg leg, RtpEndpoint endpoint) implements Step {}

  record PortFailed(DialedLeg leg) implements Step {}

  record Unreachable(DialedLeg leg, String reason) implements Step {}

  record RingTimedOut(DialedLeg leg) implements Step {}

  /**
   * How a leg's reasons name its side: {@code phone} is called and reached ("the target's phone"),
   * {@code answerer} answers or not ("the target"), {@code person} hangs up, and a port is missing
   * for {@code portFor}.
   */
  record Names(String phone, String answerer, String person, String portFor) {}

  /** The owner of a leg. */
  interface Listener {
    /** The phone answered: ACKed, its media expected at the port. */
    void answered();

    /** The leg ended on its own for {@code reason}; the owner hangs it up. */
    void ended(String reason);
  }

  private final ActorContext<CallSession.Message> context;
  private final TimerScheduler<CallSession.Message> timers;
  private final SipMessages messages;
  private final SipSettings settings;
  private final Map<String, ActorRef<CallSession.Message>> sessions;
  private final AgentLegs agents;
  private final String timer;
  private final Names names;
  private final Listener listener;

  private String contact;
  private String sipUri;
  private String fromUser;
  private List<Codec> codecs;
  private Duration ringTimeout;

  private boolean over;
  private RtpEndpoint media;
  private String sipCallId;
  private String offerSdp;
  private CompletableFuture<ClientTransaction> transaction;
  private boolean provisional;
  private Dialog dialog;

  /** {@code timer}: the key of the ring timer, one per owner. */
  DialedLeg(ActorContext<CallSession.Message> context, TimerScheduler<CallSession.Message> timers, GatewayParts parts, AgentLegs agents,
      String timer, Names names, Listener listener) {
    this.context = context;
    this.timers = timers;
    this.messages = parts.messages();
    this.settings = parts.settings();
    this.sessions = parts.sessions();
    this.agents = agents;
    this.timer = timer;
    this.names = names;
    this.listener = listener;
  }

  /** Opens the port; the INVITE to {@code contact} (From: {@code fromUser}) follows once it is open. */
  void dial(CompletableFuture<RtpEndpoint> port, String contact, String sipUri, String fromUser, List<Codec> codecs, Duration ringTimeout) {
    this.contact = contact;
    this.sipUri = sipUri;
    this.fromUser = fromUser;
    this.codecs = codecs;
    this.ringTimeout = ringTimeout;
    context.pipeToSelf(port, (endpoint, error) -> error != null ? new PortFailed(this) : new PortOpened(this, endpoint));
  }

  /** One of the leg's own steps. */
  void step(Step step) {
    if (step instanceof PortOpened opened) {
      if (!over && media == null) ring(opened.endpoint());
      else opened.endpoint().close();
    } else if (step instanceof PortFailed && !over && media == null) {
      listener.ended("no RTP port free for " + names.portFor());
    } else if (step instanceof Unreachable unreachable && !over) {
      listener.ended(names.phone() + " could not be reached: " + unreachable.reason());
    } else if (step instanceof RingTimedOut && !over && dialog == null) {
      listener.ended(names.answerer() + " did not answer within " + ringTimeout.toSeconds() + " s");
    }
  }

  private void ring(RtpEndpoint endpoint) {
    media = endpoint;
    try {
      sipCallId = messages.stack().provider().getNewCallId().getCallId();
      offerSdp = Sdp.offer(settings.publicHost(), media.port(), codecs, System.currentTimeMillis());
      Request invite = messages.agentInvite(contact, sipUri, fromUser, sipCallId, SipMessages.newTag(), offerSdp);
      transaction = new CompletableFuture<>();
      CompletableFuture<ClientTransaction> made = transaction;
      sessions.put(sipCallId, context.getSelf());
      ActorRef<CallSession.Message> self = context.getSelf();
      messages.send(invite, () -> {
        ClientTransaction t = messages.stack().provider().getNewClientTransaction(invite);
        made.complete(t);
        t.sendRequest();
      }).whenComplete((sent, error) -> {
        if (error != null) self.tell(new Unreachable(this, String.valueOf(error.getMessage())));
      });
      timers.startSingleTimer(timer, new RingTimedOut(this), ringTimeout);
    } catch (Exception e) {
      listener.ended(names.phone() + " could not be called: " + e.getMessage());
    }
  }

  /** Whether this SIP Call-ID is this leg's. */
  boolean owns(String callIdOfMessage) {
    return sipCallId != null && sipCallId.equals(callIdOfMessage);
  }

  /** Whether the phone answered. */
  boolean answered() {
    return dialog != null;
  }

  RtpEndpoint media() {
    return media;
  }

  String sipCallId() {
    return sipCallId;
  }

  /** An answer to the INVITE: ringing, answered or refused. */
  void response(SipIn.ResponseIn in) {
    int status = in.response().getStatusCode();
    if (over || dialog != null) {
      lateAnswer(in);
      return;
    }
    if (status < 200) {
      provisional = provisional || status > 100;
      return;
    }
    if (status >= 300) {
      listener.ended(names.answerer() + " answered " + status);
      return;
    }
    timers.cancel(timer);
    dialog = in.transaction() != null ? in.transaction().getDialog() : null;
    try {
      messages.ack(dialog, in.response());
      var answer = Sdp.parse(SipMessages.sdpBody(in.response()));
      media.expectRemote(answer.audioTarget(), answer.rtcpTarget());
    } catch (Exception e) {
      listener.ended(names.answerer() + " answered without usable SDP: " + e.getMessage());
      return;
    }
    listener.answered();
  }

  /** A 200 to an INVITE given up on, or a retransmitted one: a dialog nobody wants is hung up. */
  private void lateAnswer(SipIn.ResponseIn in) {
    if (in.transaction() != null && in.transaction().getDialog() == dialog) return; // a retransmission: the dialog re-ACKs
    messages.hangUpUnwanted(in);
  }

  /** A request on the leg's dialog: a BYE ends it; a refresh gets the leg's SDP. */
  void request(SipIn.RequestIn in) {
    String method = in.request().getMethod();
    if (Request.ACK.equals(method)) return;
    boolean reInvite = Request.INVITE.equals(method);
    messages.respond(in.transaction(), in.request(), Response.OK, null, reInvite ? offerSdp : null, List.of());
    if (Request.BYE.equals(method) && !over) {
      dialog = null; // over already: no BYE back
      listener.ended(names.person() + " hung up");
    }
  }

  /** The INVITE timed out; false when it was not this leg's. */
  boolean timedOut(ClientTransaction timedOut) {
    if (over || transaction == null || transaction.getNow(null) != timedOut) return false;
    listener.ended(names.answerer() + " did not answer");
    return true;
  }

  /** Hangs up the phone (BYE, or CANCEL while it rings), unbridges its port and returns it. */
  void hangUp() {
    over = true;
    timers.cancel(timer);
    if (media != null) {
      media.unbridge();
      media.close();
    }
    if (dialog != null) {
      messages.bye(dialog);
    } else if (transaction != null) { // rings: the session's agent legs CANCEL it, once a provisional answer allows
      agents.cancelRinging(new AgentLegs.Leg(names.phone(), sipCallId, transaction, media, offerSdp, provisional, null));
      return;
    }
    if (sipCallId != null) sessions.remove(sipCallId);
  }

  /** The answered leg becomes an agent leg of the call, still up; this leg is over. */
  AgentLegs.Leg handOver(String agentId) {
    over = true;
    return new AgentLegs.Leg(agentId, sipCallId, transaction, media, offerSdp, provisional, dialog);
  }
}
