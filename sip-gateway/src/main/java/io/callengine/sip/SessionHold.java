package io.callengine.sip;

import io.callengine.core.api.CallCenterEngine;
import io.callengine.core.call.CallEntity;
import io.callengine.core.call.HoldView;
import io.callengine.sip.media.Codec;
import io.callengine.sip.media.RtpEndpoint;
import io.callengine.sip.media.Sdp;
import io.callengine.sip.media.SdpException;
import io.callengine.sip.media.SessionDescription;
import java.time.Duration;
import java.util.List;
import javax.sip.ClientTransaction;
import javax.sip.Dialog;
import javax.sip.header.CSeqHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hold and resume of one connected call, for its {@link CallSession} and on its thread only. The
 * agent holds from its phone (a re-INVITE with {@code sendonly}, {@code inactive} or 0.0.0.0) or
 * through the API (the engine then re-INVITEs the phone with {@code sendonly}); either way the
 * customer hears the hold music and the legs are unbridged until the resume bridges them again.
 * A customer who holds the engine only gets the mirrored direction, and the no-RTP watchdog's
 * on-hold limit.
 */
final class SessionHold {
  private static final Logger log = LoggerFactory.getLogger(SessionHold.class);
  /** How long to wait before sending again a re-INVITE the phone refused with 491 (RFC 3261 14.1 asks for 2.1-4 s as owner of the Call-ID). */
  static final Duration RETRY_AFTER_491 = Duration.ofMillis(2100);
  /** A phone that never answers the engine's re-INVITE (or only provisionally) blocks its own re-INVITEs no longer than this (64 x T1). */
  static final Duration OFFER_PENDING_AT_MOST = Duration.ofSeconds(32);

  /** The phone answered the engine's hold re-INVITE with 491: the timer sends it once more. */
  enum RetryDue implements CallSession.Message { INSTANCE }

  private final CallCenterEngine engine;
  private final SipMessages messages;
  private final SessionMedia media;
  private final CallLiveness liveness;
  private final TimerScheduler<CallSession.Message> timers;
  private final String callId;
  /** Told each change of the hold, for whoever else sends the legs audio (a supervisor's mix). */
  private final java.util.function.Consumer<Boolean> heldChanged;
  private boolean onHold;
  /** Whether a consult holds the customer now: the agent's phone, talking to the consult's target, changes no hold meanwhile. */
  private boolean consulting;
  private boolean customerHolding;
  private long agentVersion = -1;
  private SessionDescription.Direction agentDirection = SessionDescription.Direction.SENDRECV;
  private long customerVersion = -1;
  private SessionDescription.Direction customerDirection = SessionDescription.Direction.SENDRECV;
  /** The CSeq of the engine's hold re-INVITE waiting for its answer; -1 when none. */
  private long pendingCseq = -1;
  private long pendingSince;
  private boolean retried;
  private Dialog pendingDialog;
  private String pendingSdp;
  /** What the API asked while the engine's re-INVITE still waited: sent once that one is answered. */
  private String nextSdp;

  SessionHold(CallCenterEngine engine, SipMessages messages, SessionMedia media, CallLiveness liveness,
      TimerScheduler<CallSession.Message> timers, String callId, java.util.function.Consumer<Boolean> heldChanged) {
    this.engine = engine;
    this.messages = messages;
    this.media = media;
    this.liveness = liveness;
    this.timers = timers;
    this.callId = callId;
    this.heldChanged = heldChanged;
  }

  /** Whether the agent holds the call now: the legs stay unbridged until the resume. */
  boolean onHold() {
    return onHold;
  }

  /**
   * The agent leg that held the call is gone (a transfer handed the call over; its CallEntity
   * ended the hold): the next agent starts off hold, with its own SDP versions.
   */
  void agentLegGone() {
    timers.cancel(RetryDue.INSTANCE);
    consulting = false;
    if (onHold) heldChanged.accept(false);
    onHold = false;
    agentVersion = -1;
    agentDirection = SessionDescription.Direction.SENDRECV;
    pendingCseq = -1;
    pendingDialog = null;
    pendingSdp = null;
    nextSdp = null;
    retried = false;
  }

  /** Whether the customer's phone holds the engine: its silence is then no media failure. */
  boolean customerHolding() {
    return customerHolding;
  }

  /**
   * A re-INVITE from the connected agent's phone: holds or resumes the call when its direction
   * says so (the same direction again is a session refresh), answers it, and tells the call as a
   * hold through the API would, so both give the same events and hold time. One that crosses the
   * engine's own re-INVITE gets 491; a body that is not SDP changes nothing.
   */
  void fromAgentPhone(SipIn.RequestIn in, AgentLegs.Leg agent, RtpEndpoint customer, Codec codec) {
    if (offerPending()) { // the phone tries again later (RFC 3261 14.2)
      messages.respond(in.transaction(), in.request(), Response.REQUEST_PENDING, null);
      return;
    }
    SessionDescription offer = parse(in.request());
    // recvonly is what a phone the engine put on hold offers in its refreshes: no change.
    boolean keeps = consulting || offer == null || offer.direction().orElse(null) == SessionDescription.Direction.RECVONLY || offer.holds() == onHold;
    if (!keeps) apply(offer.holds(), agent, customer, codec);
    String answer = agentSdp(agent, offer == null ? agentDirection : offer.answerDirection());
    messages.respond(in.transaction(), in.request(), Response.OK, null, answer, List.of());
    liveness.awaitAck(agent.sipCallId());
    if (!keeps) record(agent.agentId(), onHold);
  }

  private void record(String agentId, boolean hold) {
    engine.asks().<CallEntity.Command, HoldView>ask(engine.sharding().entityRefFor(CallEntity.ENTITY_KEY, callId),
            r -> hold ? new CallEntity.Hold(agentId, true, r) : new CallEntity.Resume(agentId, true, r))
        .whenComplete((view, error) -> {
          if (error != null) log.info("Call {}: the phone's {} was not recorded: {}", callId, hold ? "hold" : "resume", error.getMessage());
        });
  }

  /** A re-INVITE from the customer: answered with the mirrored direction of the call's SDP. */
  String fromCustomer(Request reInvite, String answerSdp) {
    SessionDescription offer = parse(reInvite);
    if (offer == null) return answerSdp;
    customerHolding = offer.holds();
    SessionDescription.Direction direction = offer.answerDirection();
    if (customerVersion < 0) customerVersion = Sdp.version(answerSdp);
    if (direction != customerDirection) customerVersion++;
    customerDirection = direction;
    return Sdp.withDirection(answerSdp, direction, customerVersion);
  }

  /**
   * The API held or resumed the call: the customer's media follows at once, and the agent's phone
   * gets a re-INVITE with {@code sendonly} or {@code sendrecv}. A phone that refuses it leaves the
   * customer's media as the API asked: what the customer hears is what matters.
   */
  void fromApi(boolean hold, AgentLegs.Leg agent, RtpEndpoint customer, Codec codec) {
    if (hold != onHold) apply(hold, agent, customer, codec);
    String sdp = agentSdp(agent, hold ? SessionDescription.Direction.SENDONLY : SessionDescription.Direction.SENDRECV);
    if (offerPending()) { // one re-INVITE at a time in a dialog (RFC 3261 14.1): this one goes next
      nextSdp = sdp;
      return;
    }
    retried = false;
    offer(agent.dialog(), sdp);
  }

  /**
   * A consult holds the customer ({@code hold}) or gives him back to the agent: the music and the
   * bridge change as for any hold, but the agent's phone, which talks to the consult's target
   * meanwhile, is asked for nothing; a phone held by the API before is offered {@code sendrecv} again.
   */
  void forConsult(boolean hold, AgentLegs.Leg agent, RtpEndpoint customer, Codec codec) {
    if (hold) consulting = true;
    if (hold != onHold) apply(hold, agent, customer, codec);
    if (!hold || agentDirection == SessionDescription.Direction.SENDRECV || agent.dialog() == null) return;
    String sdp = agentSdp(agent, SessionDescription.Direction.SENDRECV);
    if (offerPending()) nextSdp = sdp;
    else offer(agent.dialog(), sdp);
  }

  /**
   * The consult is over: the agent's phone holds and resumes again. Ended by its target (no answer,
   * a hang-up) the customer stays on hold until a resume; a conference keeps it running until then.
   */
  void consultEnded() {
    consulting = false;
  }

  /** Whether the engine's hold re-INVITE waits for its answer (or for its retry after a 491). */
  private boolean offerPending() {
    boolean waiting = pendingCseq >= 0 && System.nanoTime() - pendingSince < OFFER_PENDING_AT_MOST.toNanos();
    return waiting || timers.isTimerActive(RetryDue.INSTANCE);
  }

  /** Whether {@code response} answers the engine's hold re-INVITE. */
  boolean answers(Response response) {
    CSeqHeader cseq = (CSeqHeader) response.getHeader(CSeqHeader.NAME);
    return pendingCseq >= 0 && Request.INVITE.equals(cseq.getMethod()) && cseq.getSeqNumber() == pendingCseq;
  }

  /** The phone's answer to the hold re-INVITE: a 2xx is ACKed, a 491 retried once a little later. */
  void answered(Response response, Dialog dialog) {
    int status = response.getStatusCode();
    if (status < 200) return;
    pendingCseq = -1;
    if (status / 100 == 2) {
      try {
        messages.ack(dialog != null ? dialog : pendingDialog, response);
      } catch (Exception e) {
        log.debug("Call {}: could not ACK the phone's answer to the hold re-INVITE: {}", callId, e.getMessage());
      }
    } else if (status == Response.REQUEST_PENDING && !retried) {
      retried = true;
      timers.startSingleTimer(RetryDue.INSTANCE, RetryDue.INSTANCE, RETRY_AFTER_491);
      return;
    } else {
      log.info("Call {}: the agent's phone answered the {} re-INVITE with {}; the customer's media stays as asked", callId,
          onHold ? "hold" : "resume", status);
    }
    if (nextSdp != null) retry();
  }

  /** The 491's retry is due, or the API changed its mind while a re-INVITE waited: the latest offer goes. */
  void retry() {
    if (nextSdp != null) pendingSdp = nextSdp;
    nextSdp = null;
    if (pendingDialog != null && pendingSdp != null) offer(pendingDialog, pendingSdp);
  }

  private void apply(boolean hold, AgentLegs.Leg agent, RtpEndpoint customer, Codec codec) {
    onHold = hold;
    if (hold) {
      customer.unbridge();
      media.hold(customer, codec);
    } else {
      RtpEndpoint.bridge(customer, agent.media()); // bridging stops the music
    }
    heldChanged.accept(hold);
  }

  private void offer(Dialog dialog, String sdp) {
    pendingDialog = dialog;
    pendingSdp = sdp;
    try {
      Request reInvite = dialog.createRequest(Request.INVITE);
      reInvite.addHeader(messages.contact());
      reInvite.setContent(sdp, messages.sdpType());
      ClientTransaction transaction = messages.stack().provider().getNewClientTransaction(reInvite);
      pendingCseq = ((CSeqHeader) reInvite.getHeader(CSeqHeader.NAME)).getSeqNumber();
      pendingSince = System.nanoTime();
      messages.send(reInvite, () -> dialog.sendRequest(transaction));
    } catch (Exception e) {
      pendingCseq = -1;
      log.info("Call {}: could not send the {} re-INVITE to the agent's phone: {}", callId, onHold ? "hold" : "resume", e.getMessage());
    }
  }

  /** The engine's SDP toward the agent with {@code direction}; a new version whenever the direction changes. */
  private String agentSdp(AgentLegs.Leg agent, SessionDescription.Direction direction) {
    if (agentVersion < 0) agentVersion = Sdp.version(agent.offerSdp());
    if (direction != agentDirection) agentVersion++;
    agentDirection = direction;
    return Sdp.withDirection(agent.offerSdp(), direction, agentVersion);
  }

  private SessionDescription parse(Request request) {
    String body = SipMessages.sdpBody(request);
    if (body == null) return null;
    try {
      return Sdp.parse(body);
    } catch (SdpException e) {
      log.debug("Call {}: a re-INVITE with unusable SDP changes nothing: {}", callId, e.getMessage());
      return null;
    }
  }
}
