package io.callengine.sip;

import io.callengine.core.EngineException;
import io.callengine.core.Refusal;
import io.callengine.core.api.CallCenterEngine;
import io.callengine.core.api.CallConsults;
import io.callengine.core.call.TransferTarget;
import io.callengine.sip.media.Codec;
import io.callengine.sip.media.RtpEndpoint;
import io.callengine.sip.media.Sdp;
import io.callengine.sip.media.SessionDescription;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import javax.sip.Dialog;
import javax.sip.header.CSeqHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;

/**
 * The agent's phone's own consult call ({@link CallConsult.PhoneCall}, from {@link PhoneConsults}):
 * its port, the consult it asks the CallEntity for, its INVITE ringing while the target rings and
 * answered when the target answers, its CANCEL or BYE, its end (a final answer or BYE), and the
 * NOTIFYs of a REFER the phone sent in it. Owned by the call's {@link CallConsult}, which attaches
 * it to the consult the entity starts and tells it how the consult goes; used on the session's
 * thread only.
 */
final class PhoneConsultLeg {
  /** What the phone call's own steps tell its session. */
  sealed interface Step extends CallSession.Message {}

  record PortOpened(String phoneCallId, RtpEndpoint endpoint) implements Step {}

  /** The consult of the phone's call could not start: its INVITE hears {@code status}. */
  record Refused(String phoneCallId, int status, String reason) implements Step {}

  /** The phone's own call to the target while the consult lasts. */
  private static final class Call {
    final CallConsult.PhoneCall call;
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

    Call(CallConsult.PhoneCall call, String sipCallId, SessionDescription offer) {
      this.call = call;
      this.sipCallId = sipCallId;
      this.offer = offer;
    }

    boolean answered() {
      return answerSdp != null && dialog != null;
    }
  }

  private final ActorContext<CallSession.Message> context;
  private final CallCenterEngine engine;
  private final SipMessages messages;
  private final SipSettings settings;
  private final Map<String, ActorRef<CallSession.Message>> sessions;
  private final String callId;
  private final CallTransferLeg transfer;
  private final Supplier<Codec> codec;

  /** The phone's call, when the phone started the consult; null otherwise. */
  private Call phone;
  /** A completed phone consult's call that still hears its last NOTIFY before its BYE; null otherwise. */
  private String notifiedPhoneCallId;

  PhoneConsultLeg(ActorContext<CallSession.Message> context, GatewayParts parts, String callId, CallTransferLeg transfer, Supplier<Codec> codec) {
    this.context = context;
    this.engine = parts.engine();
    this.messages = parts.messages();
    this.settings = parts.settings();
    this.sessions = parts.sessions();
    this.callId = callId;
    this.transfer = transfer;
    this.codec = codec;
  }

  /** Whether the consult running is the phone's call's. */
  boolean attached() {
    return phone != null && phone.attached;
  }

  /** The port of the phone's call. */
  RtpEndpoint media() {
    return phone.media;
  }

  /** Whether this SIP Call-ID is the phone's consult call (or a completed one's that still hears a NOTIFY's answer). */
  boolean owns(String callIdOfMessage) {
    return isPhone(callIdOfMessage) || callIdOfMessage.equals(notifiedPhoneCallId);
  }

  /** Whether this SIP Call-ID is the phone's consult call. */
  boolean isPhone(String sipCallIdOfMessage) {
    return phone != null && phone.sipCallId.equals(sipCallIdOfMessage);
  }

  /**
   * The phone calls {@code m.target()} while {@code connected} (the call's agent leg, null when
   * none); {@code busy}: a consult runs. Its offer must carry the call's codec; then comes its port
   * ({@link #openPort}), then the consult through the CallEntity, which checks and reserves the
   * target as for the API. False when the call is refused here.
   */
  boolean accept(CallConsult.PhoneCall m, AgentLegs.Leg connected, boolean busy) {
    if (connected == null || !connected.agentId().equals(m.agentId())) {
      refuse(m, Response.FORBIDDEN, "No connected call to consult on");
      return false;
    }
    if (busy || phone != null) {
      refuse(m, Response.BUSY_HERE, "A consult is running on the call");
      return false;
    }
    Request invite = m.invite().request();
    SessionDescription offer;
    try {
      String body = SipMessages.sdpBody(invite);
      offer = body == null ? null : Sdp.parse(body);
    } catch (Exception e) {
      offer = null;
    }
    int payloadType = codec.get().payloadType();
    if (offer == null || offer.audioPort() == 0 || offer.codecs().stream().noneMatch(c -> c.payloadType() == payloadType)) {
      refuse(m, Response.NOT_ACCEPTABLE_HERE, "The consult call needs the call's codec " + codec.get().encoding());
      return false;
    }
    String phoneCallId = CallSession.callIdOf(invite);
    phone = new Call(m, phoneCallId, offer);
    sessions.put(phoneCallId, context.getSelf());
    return true;
  }

  /** Opens the port of the phone's call just accepted. */
  void openPort(CompletableFuture<RtpEndpoint> port) {
    String phoneCallId = phone.sipCallId;
    context.pipeToSelf(port,
        (endpoint, error) -> error != null ? new Refused(phoneCallId, Response.SERVICE_UNAVAILABLE, "No RTP port free") : new PortOpened(phoneCallId, endpoint));
  }

  /** A phone's call this session cannot take. */
  void refuse(CallConsult.PhoneCall m, int status, String reason) {
    messages.respond(m.invite(), status, reason);
  }

  /** One of the phone call's own steps. */
  void step(Step step) {
    if (step instanceof PortOpened opened) {
      if (isPhone(opened.phoneCallId()) && phone.media == null && !phone.cancelled) {
        start(opened.endpoint());
      } else {
        opened.endpoint().close();
        if (isPhone(opened.phoneCallId()) && phone.media == null) drop(0, null); // cancelled before its port came
      }
    } else if (step instanceof Refused refused && isPhone(refused.phoneCallId()) && !phone.attached) {
      drop(refused.status(), refused.reason());
    }
  }

  private void start(RtpEndpoint endpoint) {
    phone.media = endpoint;
    endpoint.expectRemote(phone.offer.audioTarget(), phone.offer.rtcpTarget());
    phone.answerSdp = Sdp.offer(settings.publicHost(), endpoint.port(), List.of(codec.get()), System.currentTimeMillis());
    String phoneCallId = phone.sipCallId;
    ActorRef<CallSession.Message> self = context.getSelf();
    new CallConsults(engine).consult(phone.call.agentId(), callId, phone.call.target()).whenComplete((view, error) -> {
      if (error != null) self.tell(refusalOf(phoneCallId, error));
    });
  }

  /** The entity's refusal as the phone hears it ({@link SipMessages#statusOf}), its message as the reason. */
  private static Refused refusalOf(String phoneCallId, Throwable error) {
    EngineException e = Refusal.toException(error);
    return new Refused(phoneCallId, SipMessages.statusOf(e.refusal()), phrase(e.getMessage()));
  }

  /** A reason phrase: one line, not too long. */
  static String phrase(String text) {
    String line = text == null ? "" : text.replaceAll("[\\r\\n\\t]+", " ").strip();
    return line.length() > 120 ? line.substring(0, 120) : line;
  }

  /** Whether the phone's call, not attached yet, calls {@code targetId}: the consult the entity starts is its. */
  boolean calls(String targetId) {
    return phone != null && !phone.attached && targetOf(phone.call.target()).equals(targetId);
  }

  private static String targetOf(TransferTarget target) {
    return target.agentId() != null ? target.agentId() : target.address();
  }

  /** Whether the phone left its call before the consult started. */
  boolean cancelled() {
    return phone.cancelled;
  }

  /** The consult the entity started is the phone's call's: it rings. */
  void attach() {
    phone.attached = true;
    messages.respond(phone.call.invite().transaction(), phone.call.invite().request(), Response.RINGING, phone.toTag, null, List.of());
  }

  /** The target answered: so does the engine the phone's consult call, which talks to it from now on. */
  void answer() {
    SipIn.RequestIn invite = phone.call.invite();
    messages.respond(invite.transaction(), invite.request(), Response.OK, null, phone.toTag, phone.answerSdp, List.of());
    phone.dialog = invite.transaction().getDialog();
  }

  /**
   * A request in the phone's consult call but a REFER: its BYE (or CANCEL before the answer) means
   * the phone left, and the reason is returned; null otherwise.
   */
  String request(SipIn.RequestIn in) {
    String method = in.request().getMethod();
    switch (method) {
      case Request.ACK -> { }
      case Request.CANCEL -> {
        messages.respond(in.transaction(), in.request(), Response.OK, null);
        if (phone.answered()) return null;
        messages.respond(phone.call.invite().transaction(), phone.call.invite().request(), Response.REQUEST_TERMINATED, phone.toTag, null, List.of());
        phone.answerSdp = null;
        phone.cancelled = true;
        return "the agent's phone cancelled its consult call";
      }
      case Request.BYE -> {
        messages.respond(in.transaction(), in.request(), Response.OK, null);
        phone.dialog = null; // over already: no BYE back
        phone.cancelled = true;
        return "the agent's phone hung up its consult call";
      }
      case Request.INVITE -> messages.respond(in.transaction(), in.request(), Response.OK, null, phone.answerSdp, List.of());
      default -> messages.respond(in.transaction(), in.request(), Response.OK, null);
    }
    return null;
  }

  /** An answer in the phone's consult call: the phone's answer to a NOTIFY of a REFER it sent there. */
  void response(SipIn.ResponseIn in) {
    String method = ((CSeqHeader) in.response().getHeader(CSeqHeader.NAME)).getMethod();
    if (in.response().getStatusCode() >= 200 && Request.NOTIFY.equals(method)) transfer.notifyAnswered(CallSession.callIdOf(in.response()));
  }

  /** The phone's REFER in its attached, answered call, as {@code agentId}'s leg that hears the NOTIFYs; null when it cannot. */
  AgentLegs.Leg referredAs(String agentId) {
    if (!attached() || phone.dialog == null) return null;
    phone.referred = new AgentLegs.Leg(agentId, phone.sipCallId, null, phone.media, phone.answerSdp, false, phone.dialog);
    return phone.referred;
  }

  /**
   * The consult completed: the attached phone's call is hung up, unless the phone sent its REFER in
   * it: then the REFER's leg is returned, its BYE to follow the final NOTIFY; null otherwise.
   */
  AgentLegs.Leg completed() {
    AgentLegs.Leg referredInPhoneCall = attached() ? phone.referred : null;
    if (referredInPhoneCall != null) {
      phone.dialog = null; // its BYE waits for the final NOTIFY
      notifiedPhoneCallId = phone.sipCallId;
    }
    if (attached()) drop(0, null); // the phone's consult call is over: BYE
    if (referredInPhoneCall != null) sessions.put(notifiedPhoneCallId, context.getSelf()); // its NOTIFY's answer still comes here
    return referredInPhoneCall;
  }

  /** The consult ended: the attached phone's call, not answered yet, hears 480 with {@code reason}. */
  void consultEnded(String reason) {
    if (attached()) drop(Response.TEMPORARILY_UNAVAILABLE, phrase(reason));
  }

  /** The session stops (the call ended). */
  void close() {
    drop(Response.TEMPORARILY_UNAVAILABLE, "The call ended");
    if (notifiedPhoneCallId != null) sessions.remove(notifiedPhoneCallId);
  }

  /**
   * The phone's call ends: its INVITE hears {@code status} when not answered yet (none when 0 or
   * answered already), an answered call gets BYE; its port is returned.
   */
  void drop(int status, String reason) {
    Call dropped = phone;
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
}
