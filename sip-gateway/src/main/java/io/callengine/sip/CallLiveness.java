package io.callengine.sip;

import java.util.List;
import javax.sip.header.Header;
import javax.sip.header.HeaderFactory;
import javax.sip.message.Request;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * The timers that end a call whose caller is gone or that went on too long, for one
 * {@link CallSession} and used on its thread only: the RFC 4028 session timer the caller asked
 * for (the engine ends the session when no refresh came in time, or refreshes it itself when the
 * caller made it the refresher), the wait for the ACK of each 2xx the engine sends, and the
 * maximum call duration.
 */
final class CallLiveness {
  /** The session was not refreshed in time. */
  enum SessionExpired implements CallSession.Message { INSTANCE }

  /** The engine is the refresher (refresher=uas) and the session is half-way to expiring. */
  enum RefreshDue implements CallSession.Message { INSTANCE }

  /** No ACK came for the 2xx the engine sent on the leg with this Call-ID. */
  record AckMissing(String sipCallId) implements CallSession.Message {}

  /** The call has lasted the configured maximum. */
  enum MaxDurationReached implements CallSession.Message { INSTANCE }

  private static final String SESSION = "session-timer";
  private static final String MAX_DURATION = "max-duration";

  private final LivenessSettings settings;
  private final TimerScheduler<CallSession.Message> timers;
  /** The session timer in force, null when the caller asked for none. */
  private SessionTimer.Interval session;

  CallLiveness(LivenessSettings settings, TimerScheduler<CallSession.Message> timers) {
    this.settings = settings;
    this.timers = timers;
  }

  /** A 2xx to an INVITE (the call's, or a re-INVITE) left on the leg {@code sipCallId}: its ACK must come within the ack timeout. */
  void awaitAck(String sipCallId) {
    timers.startSingleTimer("ack:" + sipCallId, new AckMissing(sipCallId), settings.ackTimeout());
  }

  void acked(String sipCallId) {
    timers.cancel("ack:" + sipCallId);
  }

  /** Reads a new call's INVITE: an interval too small is returned to be refused with 422; anything else is taken. */
  SessionTimer.Ask negotiate(Request invite) {
    SessionTimer.Ask ask = SessionTimer.ask(invite, settings.minSessionExpires());
    if (ask instanceof SessionTimer.Interval interval) session = interval;
    return ask;
  }

  /** The 200 went out: the session timer and the maximum duration run from now. */
  void answered() {
    if (!settings.maxCallDuration().isZero()) timers.startSingleTimer(MAX_DURATION, MaxDurationReached.INSTANCE, settings.maxCallDuration());
    armSession();
  }

  /**
   * A re-INVITE or UPDATE from the caller refreshes the session (RFC 4028 10: any 2xx to one
   * does); the interval may change. Returns what to answer: a {@link SessionTimer.TooSmall} is
   * refused with 422 and changes nothing.
   */
  SessionTimer.Ask refreshed(Request request) {
    if (session == null) return SessionTimer.NotAsked.INSTANCE;
    SessionTimer.Ask ask = SessionTimer.refresh(request, settings.minSessionExpires(), session);
    if (ask instanceof SessionTimer.Interval interval) {
      session = interval;
      armSession();
    }
    return ask;
  }

  /** The engine sent its refresh: without a 2xx to it before the session expires, the session is over. */
  void refreshSent() {
    timers.startSingleTimer(SESSION, SessionExpired.INSTANCE, java.time.Duration.ofMillis(session.seconds() * 500L));
  }

  /** The caller answered the engine's refresh 491: another within 2 s, as the side that does not own the Call-ID waits. */
  void refreshSoon() {
    long wait = java.util.concurrent.ThreadLocalRandom.current().nextLong(2000);
    timers.startSingleTimer(SESSION, RefreshDue.INSTANCE, java.time.Duration.ofMillis(wait));
  }

  /** The engine's own refresh was answered: the session runs for another interval. */
  void refreshAnswered() {
    armSession();
  }

  private void armSession() {
    if (session == null) return;
    if ("uas".equals(session.refresher())) {
      timers.startSingleTimer(SESSION, RefreshDue.INSTANCE, java.time.Duration.ofMillis(session.seconds() * 500L));
    } else {
      timers.startSingleTimer(SESSION, SessionExpired.INSTANCE, session.expiryCheck());
    }
  }

  /** Session-Expires and Require: timer for a 2xx, none when no session timer is in force. */
  List<Header> answerHeaders(HeaderFactory headers) {
    return session == null ? List.of() : SessionTimer.answerHeaders(headers, session);
  }

  SessionTimer.Interval session() {
    return session;
  }

  LivenessSettings settings() {
    return settings;
  }
}
