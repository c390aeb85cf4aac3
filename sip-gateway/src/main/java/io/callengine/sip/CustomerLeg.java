package io.callengine.sip;

import java.util.ArrayList;
import java.util.List;
import javax.sip.Dialog;
import javax.sip.ServerTransaction;
import javax.sip.header.Header;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The caller's side of one call session in SIP: the INVITE's server transaction and its one final
 * answer, the dialog it opens (BYE, and the RFC 4028 refreshes in both directions), and the
 * admission's count of the call while it is in set-up. Owned by its {@link CallSession} and used
 * on its thread only; the session decides what to answer and when, this leg says it.
 */
final class CustomerLeg {
  private static final Logger log = LoggerFactory.getLogger(CustomerLeg.class);

  private final SipMessages messages;
  private final CallLiveness liveness;
  /** The admission's count of this call until its INVITE's final answer. */
  private final CallAdmission.Setup setup;
  private final String sipCallId;
  private final String toTag = SipMessages.newTag();
  private Request invite;
  private ServerTransaction transaction;
  private boolean finalAnswerSent;
  /** The engine's SDP in the 200, answered again to every refresh. */
  private String answerSdp;

  CustomerLeg(SipMessages messages, CallLiveness liveness, CallAdmission.Setup setup, String sipCallId) {
    this.messages = messages;
    this.liveness = liveness;
    this.setup = setup;
    this.sipCallId = sipCallId;
  }

  /** The call's INVITE: 100 at once, the final answer comes once the session knows it. */
  void invited(SipIn.RequestIn in) {
    invite = in.request();
    transaction = in.transaction();
    messages.respond(transaction, invite, Response.TRYING, null);
  }

  /** Null until the INVITE came. */
  Request invite() {
    return invite;
  }

  boolean finalAnswerSent() {
    return finalAnswerSent;
  }

  /** Null until the 200 went out. */
  String answerSdp() {
    return answerSdp;
  }

  /** The engine's SDP as last answered (a new direction after the caller's hold), offered again in the engine's refreshes. */
  void answered(String sdp) {
    answerSdp = sdp;
  }

  /** 422 with the engine's Min-SE: the session timer the caller asked for is too short. */
  void refuseInterval(SessionTimer.TooSmall small) {
    finalAnswerSent = true;
    setup.end();
    messages.respond(transaction, invite, SessionTimer.INTERVAL_TOO_SMALL, null, toTag, null,
        SessionTimer.tooSmallHeaders(messages.stack().headers(), small));
  }

  /** 200 with the engine's SDP. */
  void answerOk(String sdp) {
    answerSdp = sdp;
    answer(Response.OK, null, sdp);
  }

  /** The one final answer to the INVITE; any later attempt is ignored. {@code reason}: the reason phrase, or null for the status's usual one. */
  void answer(int status, String reason, String sdp) {
    if (finalAnswerSent || invite == null) return;
    finalAnswerSent = true;
    messages.respond(transaction, invite, status, reason, toTag, sdp,
        status / 100 == 2 ? liveness.answerHeaders(messages.stack().headers()) : List.of());
    if (status / 100 == 2) setup.answered();
    else setup.end();
  }

  void bye() {
    messages.bye(transaction.getDialog());
  }

  /** A re-INVITE (answered with {@code sdp}) or UPDATE from the caller; it refreshes a session timer in force. */
  void answerRefresh(SipIn.RequestIn in, String sdp) {
    SessionTimer.Ask ask = liveness.refreshed(in.request());
    List<Header> headers = new ArrayList<>(ask instanceof SessionTimer.TooSmall small
        ? SessionTimer.tooSmallHeaders(messages.stack().headers(), small) : liveness.answerHeaders(messages.stack().headers()));
    boolean refused = ask instanceof SessionTimer.TooSmall;
    if (!refused && Request.UPDATE.equals(in.request().getMethod())) headers.add(messages.contact()); // a target refresh (RFC 3311 5.2)
    messages.respond(in.transaction(), in.request(), refused ? SessionTimer.INTERVAL_TOO_SMALL : Response.OK, null, refused ? null : sdp, headers);
    if (!refused && Request.INVITE.equals(in.request().getMethod())) liveness.awaitAck(sipCallId);
  }

  /** The engine's own refresh as the refresher: a re-INVITE with the call's SDP. */
  void sendRefresh() throws Exception {
    Dialog dialog = transaction.getDialog();
    Request refresh = SessionTimer.refreshRequest(dialog, messages, liveness.session(), answerSdp);
    messages.send(refresh, () -> dialog.sendRequest(messages.stack().provider().getNewClientTransaction(refresh)));
    liveness.refreshSent();
  }

  /** The 2xx to the engine's refresh. */
  void ackRefresh(Response answer) {
    try {
      messages.ack(transaction.getDialog(), answer);
    } catch (Exception e) {
      log.debug("Could not ACK the answer to a session refresh: {}", e.getMessage());
    }
  }

  /** The session stopped: an INVITE still unanswered gets 500, and the set-up count is given back either way. */
  void stopped() {
    answer(Response.SERVER_INTERNAL_ERROR, null, null);
    setup.end(); // a session that stopped before its INVITE came
  }
}
