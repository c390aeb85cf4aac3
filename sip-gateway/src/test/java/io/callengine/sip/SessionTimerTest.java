package io.callengine.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import javax.sip.SipFactory;
import javax.sip.header.Header;
import javax.sip.message.Request;
import org.junit.jupiter.api.Test;

/** What an INVITE's session-timer headers ask for (RFC 4028), as JAIN-SIP parses them off the wire. */
class SessionTimerTest {
  private static final int MIN_SE = 90;

  @Test
  void noSessionExpiresOrNoTimerSupportMeansNoSessionTimer() throws Exception {
    assertEquals(SessionTimer.NotAsked.INSTANCE, SessionTimer.ask(invite(), MIN_SE));
    assertEquals(SessionTimer.NotAsked.INSTANCE, SessionTimer.ask(invite("Session-Expires: 1800"), MIN_SE),
        "without Supported: timer a proxy added it; the engine does not take part");
  }

  @Test
  void theCallersIntervalIsTakenAndTheCallerRefreshesUnlessItNamedTheEngine() throws Exception {
    assertEquals(new SessionTimer.Interval(1800, "uac"), SessionTimer.ask(invite("Session-Expires: 1800", "Supported: timer"), MIN_SE));
    assertEquals(new SessionTimer.Interval(1800, "uac"),
        SessionTimer.ask(invite("x: 1800;refresher=uac", "k: replaces, timer"), MIN_SE), "compact forms");
    assertEquals(new SessionTimer.Interval(600, "uas"),
        SessionTimer.ask(invite("Session-Expires: 600;refresher=uas", "Supported: timer"), MIN_SE));
    assertEquals(new SessionTimer.Interval(300, "uac"),
        SessionTimer.ask(invite("Session-Expires: 200", "Min-SE: 300", "Supported: timer"), MIN_SE), "raised to the caller's own Min-SE");
  }

  @Test
  void anIntervalUnderMinSeIsTooSmall() throws Exception {
    assertEquals(new SessionTimer.TooSmall(MIN_SE), SessionTimer.ask(invite("Session-Expires: 89", "Supported: timer"), MIN_SE));
    assertEquals(new SessionTimer.Interval(90, "uac"), SessionTimer.ask(invite("Session-Expires: 90", "Supported: timer"), MIN_SE));
  }

  @Test
  void aRefreshWithoutSessionExpiresKeepsTheIntervalInForce() throws Exception {
    SessionTimer.Interval current = new SessionTimer.Interval(1800, "uac");
    assertEquals(current, SessionTimer.refresh(invite(), MIN_SE, current));
    assertEquals(new SessionTimer.Interval(900, "uac"), SessionTimer.refresh(invite("Session-Expires: 900", "Supported: timer"), MIN_SE, current));
    assertEquals(new SessionTimer.TooSmall(MIN_SE), SessionTimer.refresh(invite("Session-Expires: 30", "Supported: timer"), MIN_SE, current));
  }

  @Test
  void theSessionEndsAThirdOfTheIntervalEarlyButAtMost32SecondsEarly() {
    assertEquals(Duration.ofSeconds(60), new SessionTimer.Interval(90, "uac").expiryCheck());
    assertEquals(Duration.ofSeconds(1800 - 32), new SessionTimer.Interval(1800, "uac").expiryCheck());
  }

  @Test
  void theAnswerCarriesTheIntervalWithItsRefresherAndRequiresTimer() throws Exception {
    List<Header> headers = SessionTimer.answerHeaders(SipFactory.getInstance().createHeaderFactory(), new SessionTimer.Interval(1800, "uac"));
    assertEquals(List.of("Session-Expires: 1800;refresher=uac", "Require: timer"), headers.stream().map(h -> h.toString().trim()).toList());
    assertEquals("Min-SE: 90", SessionTimer.tooSmallHeaders(SipFactory.getInstance().createHeaderFactory(), new SessionTimer.TooSmall(90))
        .get(0).toString().trim());
  }

  private static Request invite(String... headers) throws Exception {
    StringBuilder text = new StringBuilder("INVITE sip:support@127.0.0.1 SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-st1\r\nFrom: <sip:caller@127.0.0.1>;tag=1\r\n"
        + "To: <sip:support@127.0.0.1>\r\nCall-ID: st-1\r\nCSeq: 1 INVITE\r\nMax-Forwards: 70\r\n");
    for (String header : headers) text.append(header).append("\r\n");
    text.append("Content-Length: 0\r\n\r\n");
    SipFactory factory = SipFactory.getInstance();
    factory.setPathName("gov.nist");
    return factory.createMessageFactory().createRequest(text.toString());
  }
}
