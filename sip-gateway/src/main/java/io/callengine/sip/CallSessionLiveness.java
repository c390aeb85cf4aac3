package io.callengine.sip;

import io.callengine.core.call.Disposition;
import io.callengine.sip.CallSession.Message;
import javax.sip.message.Response;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * How every phase of a {@link CallSession} answers its liveness: the caller's refreshes, the
 * engine's own refresh and its answer, and the ends the {@link CallLiveness} watches call for
 * (the lost ACK, the expired session, the maximum duration). Used by {@link SessionPhase}.
 */
final class CallSessionLiveness {
  private CallSessionLiveness() {}

  /** A re-INVITE (answered with the call's SDP, as set up) or UPDATE from the caller; it refreshes a session timer in force. */
  static Behavior<Message> refresh(CallSession s, SipIn.RequestIn in, String sdp) {
    s.customer.answerRefresh(in, sdp);
    return Behaviors.same();
  }

  /** The caller made the engine the refresher: a re-INVITE with the call's SDP, which the caller must answer before the session expires. */
  static Behavior<Message> refreshDue(CallSession s) {
    try {
      s.customer.sendRefresh();
      return Behaviors.same();
    } catch (Exception e) {
      return s.endByEngine("session-expired", Disposition.FAILED, "session-expired: the session refresh could not be sent (" + e.getMessage() + ")");
    }
  }

  /** An answer to the engine's own session refresh. */
  static Behavior<Message> refreshAnswer(CallSession s, SipIn.ResponseIn in) {
    int status = in.response().getStatusCode();
    if (status < 200 || in.transaction() == null) return Behaviors.same();
    if (status == Response.REQUEST_PENDING) { // the caller's own re-INVITE crossed ours: try again shortly (RFC 3261 14.1)
      s.liveness.refreshSoon();
      return Behaviors.same();
    }
    if (status >= 300) {
      return s.endByEngine("session-expired", Disposition.FAILED, "session-expired: the caller answered the session refresh with " + status);
    }
    s.customer.ackRefresh(in.response());
    s.liveness.refreshAnswered();
    return Behaviors.same();
  }

  static Behavior<Message> ackTimeout(CallSession s, CallLiveness.AckMissing m) {
    boolean caller = s.sipCallId.equals(m.sipCallId());
    return s.endByEngine("ack-timeout", Disposition.FAILED, "ack-timeout: " + (caller ? "the caller" : "the agent's phone")
        + " sent no ACK for the engine's 200 within " + s.liveness.settings().ackTimeout().toSeconds() + " s");
  }

  static Behavior<Message> sessionExpired(CallSession s) {
    int seconds = s.liveness.session().seconds();
    return s.endByEngine("session-expired", Disposition.FAILED, "uas".equals(s.liveness.session().refresher())
        ? "session-expired: the caller did not answer the engine's session refresh within " + (seconds / 2) + " s"
        : "session-expired: no session refresh within the session interval of " + seconds + " s");
  }

  /** {@code disposition}: COMPLETED for a call that reached its agent, TIMED_OUT before. */
  static Behavior<Message> maxDuration(CallSession s, Disposition disposition) {
    return s.endByEngine("max-duration", disposition,
        "max-duration: the call reached the limit of " + s.liveness.settings().maxCallDuration().toSeconds() + " s");
  }
}
