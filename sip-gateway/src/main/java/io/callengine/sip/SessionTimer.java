package io.callengine.sip;

import gov.nist.javax.sip.header.extensions.MinSEHeader;
import gov.nist.javax.sip.header.extensions.SessionExpiresHeader;
import java.time.Duration;
import java.util.List;
import java.util.ListIterator;
import javax.sip.header.Header;
import javax.sip.header.HeaderFactory;
import javax.sip.header.SupportedHeader;
import javax.sip.message.Request;

/**
 * RFC 4028 session timers as the answering side sees them: what a caller's INVITE asks for,
 * what the 2xx says back, and when a session not refreshed is over. Pure: {@link CallSession}
 * keeps the negotiated {@link Interval} and arms the timer.
 */
final class SessionTimer {
  private SessionTimer() {}

  /** 422 Session Interval Too Small (RFC 4028 6). */
  static final int INTERVAL_TOO_SMALL = 422;

  /** What a request asks for. */
  sealed interface Ask permits NotAsked, TooSmall, Interval {}

  /** No session timer: no Session-Expires, or a caller that does not say it supports them. */
  enum NotAsked implements Ask { INSTANCE }

  /** An interval under the engine's Min-SE: 422 with {@code minSe}. */
  record TooSmall(int minSe) implements Ask {}

  /** The negotiated interval in seconds; {@code refresher} is "uac" or "uas". */
  record Interval(int seconds, String refresher) implements Ask {
    /** RFC 4028 10: the side that does not refresh ends the session a little before it expires, at most 32 s before. */
    Duration expiryCheck() {
      return Duration.ofMillis(seconds * 1000L - Math.min(32_000L, seconds * 1000L / 3));
    }
  }

  /**
   * A caller's INVITE (or refresh). Without a refresher the caller is asked to refresh; the one
   * it names is kept, as RFC 4028 9 wants.
   */
  static Ask ask(Request request, int minSe) {
    if (!(request.getHeader(SessionExpiresHeader.NAME) instanceof SessionExpiresHeader expires) || !supportsTimer(request)) {
      return NotAsked.INSTANCE;
    }
    int floor = Math.max(minSe, request.getHeader(MinSEHeader.NAME) instanceof gov.nist.javax.sip.header.extensions.MinSE min ? min.getExpires() : 0);
    if (expires.getExpires() < minSe) return new TooSmall(minSe);
    String refresher = expires.getRefresher();
    return new Interval(Math.max(expires.getExpires(), floor), "uas".equalsIgnoreCase(refresher) ? "uas" : "uac");
  }

  /**
   * A refresh inside a session: a new Session-Expires replaces the interval, one without it
   * keeps the current one (a phone may refresh with a bare re-INVITE or UPDATE).
   */
  static Ask refresh(Request request, int minSe, Interval current) {
    if (!(request.getHeader(SessionExpiresHeader.NAME) instanceof SessionExpiresHeader)) return current;
    Ask ask = ask(request, minSe);
    return ask instanceof NotAsked ? current : ask;
  }

  private static boolean supportsTimer(Request request) {
    ListIterator<?> supported = request.getHeaders(SupportedHeader.NAME);
    while (supported != null && supported.hasNext()) {
      if (supported.next() instanceof SupportedHeader h && "timer".equalsIgnoreCase(h.getOptionTag())) return true;
    }
    return false;
  }

  /** Session-Expires with the refresher, and Require: timer, for the 2xx of a request that asked. */
  static List<Header> answerHeaders(HeaderFactory headers, Interval interval) {
    try {
      return List.of(headers.createHeader(SessionExpiresHeader.NAME, interval.seconds() + ";refresher=" + interval.refresher()),
          headers.createRequireHeader("timer"));
    } catch (java.text.ParseException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The engine's refresh as the refresher (RFC 4028 7.4): a re-INVITE in {@code dialog} with the call's unchanged SDP. */
  static Request refreshRequest(javax.sip.Dialog dialog, SipMessages messages, Interval interval, String sdp) throws Exception {
    Request refresh = dialog.createRequest(Request.INVITE);
    refresh.addHeader(messages.contact());
    refresh.addHeader(messages.stack().headers().createHeader(SessionExpiresHeader.NAME, interval.seconds() + ";refresher=uas"));
    refresh.addHeader(messages.stack().headers().createSupportedHeader("timer"));
    refresh.setContent(sdp, messages.sdpType());
    return refresh;
  }

  /** The 422's Min-SE. */
  static List<Header> tooSmallHeaders(HeaderFactory headers, TooSmall tooSmall) {
    try {
      return List.of(headers.createHeader(MinSEHeader.NAME, Integer.toString(tooSmall.minSe())));
    } catch (java.text.ParseException e) {
      throw new IllegalStateException(e);
    }
  }
}
