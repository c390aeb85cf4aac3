package io.callengine.sip;

import static io.callengine.core.testing.TestEngines.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.callengine.core.api.QueueSpec;
import io.callengine.core.security.SecurityLogCapture;
import io.callengine.sip.testing.RawSipCaller;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The per-source limits and the lock-out over real UDP sockets on three loopback addresses:
 * 127.0.0.2 floods and guesses passwords, 127.0.0.1 is an ordinary caller, 127.0.0.3 is a
 * trusted proxy. A source may take 3 new calls at once and then one per 10 s; 3 failed digest
 * answers within the window lock a source (and an account) out.
 */
class FloodGuardTest {
  private static final Duration ANSWER = Duration.ofSeconds(10);
  private static SipTestNode node;
  private static InetAddress flooder;
  private static InetAddress trustedProxy;

  @BeforeAll
  static void start() throws Exception {
    flooder = InetAddress.getByName("127.0.0.2");
    trustedProxy = InetAddress.getByName("127.0.0.3");
    node = SipTestNode.start("41200-41299", "callengine.sip.security { trusted-sources = \"127.0.0.3/32\", invite-rate = 0.1, "
        + "invite-burst = 3, register-rate = 0.1, register-burst = 20, rate-limit-retry-after = 7s, auth-max-failures = 3 }\n");
    node.engine().admin().createQueue(QueueSpec.of("support", "Support")).toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  @Test
  void aSourceOverItsInviteRateGets503WithRetryAfterWhileAnotherSourceIsServed() throws Exception {
    List<String> answered = new ArrayList<>();
    try (SecurityLogCapture logged = new SecurityLogCapture();
        RawSipCaller flood = new RawSipCaller(flooder, node.port(), "support");
        RawSipCaller caller = new RawSipCaller(node.port(), "support");
        RawSipCaller proxy = new RawSipCaller(trustedProxy, node.port(), "support")) {
      for (int i = 1; i <= 8; i++) flood.invite("flood-" + i);
      // The stack's threads take the 8 in any order: which 3 fit the burst is not fixed.
      for (int i = 1; i <= 8; i++) {
        RawSipCaller.Received answer = flood.awaitFinal("flood-" + i, "INVITE", ANSWER);
        assertNotNull(answer, "flood-" + i);
        if (answer.status() == 200) {
          answered.add("flood-" + i);
        } else {
          assertEquals(503, answer.status(), "an INVITE over its source's rate: 503 Service Unavailable");
          assertEquals("7", answer.header("Retry-After"), "with Retry-After from rate-limit-retry-after");
        }
      }
      assertEquals(3, answered.size(), "the burst of 3 is served (queued and answered 200), the other 5 refused: " + answered);
      caller.invite("legit-1");
      RawSipCaller.Received legit = caller.awaitFinal("legit-1", "INVITE", ANSWER);
      assertNotNull(legit);
      assertEquals(200, legit.status(), "another source is served while the first is over its limit");
      for (int i = 1; i <= 5; i++) proxy.invite("proxied-" + i);
      for (int i = 1; i <= 5; i++) {
        RawSipCaller.Received answer = proxy.awaitFinal("proxied-" + i, "INVITE", ANSWER);
        assertNotNull(answer, "proxied-" + i);
        assertEquals(200, answer.status(), "a trusted source has no limit: all 5 are served");
      }

      assertEquals(5.0, metric("callengine_sip_security_rate_limited_total{method=\"INVITE\"}"), "every refusal is counted");
      assertEquals(List.of("WARN SECURITY rate-limit source=127.0.0.2 method=INVITE limit=0.1/s burst=3"),
          logged.matching(".*rate-limit.*"), "and logged once for the source, not five times");

      for (String callId : answered) assertEquals(200, flood.bye(callId, ANSWER));
      assertEquals(200, caller.bye("legit-1", ANSWER));
      for (int i = 1; i <= 5; i++) assertEquals(200, proxy.bye("proxied-" + i, ANSWER));
    }
  }

  @Test
  void repeatedFailedRegistersLockTheSourceAndTheAccountOutButNotATrustedSource() throws Exception {
    try (SecurityLogCapture logged = new SecurityLogCapture();
        RawSipCaller guesser = new RawSipCaller(flooder, node.port(), "x");
        RawSipCaller elsewhere = new RawSipCaller(InetAddress.getByName("127.0.0.4"), node.port(), "x");
        RawSipCaller proxy = new RawSipCaller(trustedProxy, node.port(), "x")) {
      assertEquals(401, register(guesser, "g-0", "alice", null), "a REGISTER without credentials is challenged, not a failure");
      for (int i = 1; i <= 3; i++) {
        assertEquals(401, register(guesser, "g-" + i, "alice", wrongAnswer("alice")), "a wrong answer is challenged again");
      }
      assertEquals(403, register(guesser, "g-4", "bob", null), "the locked source gets 403 at once, for any user, unchecked");
      assertEquals(403, register(elsewhere, "e-1", "alice", wrongAnswer("alice")), "so does the locked account, from anywhere");
      assertEquals(401, register(elsewhere, "e-2", "carol", null), "another source and another account are served");
      for (int i = 1; i <= 5; i++) {
        assertEquals(401, register(proxy, "p-" + i, "dave", wrongAnswer("dave")), "a trusted source is never locked");
      }
      assertEquals(401, register(proxy, "p-alice", "alice", null), "not even out of a locked account");

      assertEquals(1.0, metric("callengine_sip_security_lockouts_total{scope=\"source\"}"));
      assertEquals(1.0, metric("callengine_sip_security_lockouts_total{scope=\"account\"}"));
      assertEquals(2.0, metric("callengine_sip_security_locked_refusals_total"));
      assertEquals(8.0, metric("callengine_sip_security_auth_failures_total{reason=\"unknown-user\"}"));
      List<String> security = logged.matching(".*SECURITY.*");
      assertEquals(List.of(
          "WARN SECURITY auth-failure source=127.0.0.2 user=alice reason=unknown-user",
          "WARN SECURITY auth-failure source=127.0.0.2 user=alice reason=unknown-user",
          "WARN SECURITY auth-failure source=127.0.0.2 user=alice reason=unknown-user",
          "WARN SECURITY lockout source=127.0.0.2 user=alice scope=source failures=3 seconds=900",
          "WARN SECURITY lockout source=127.0.0.2 user=alice scope=account failures=3 seconds=900"), security.subList(0, 5));
      assertEquals(5, logged.matching("WARN SECURITY auth-failure source=127\\.0\\.0\\.3 user=dave reason=unknown-user").size(),
          "a trusted source's failures are still logged");
    }
  }

  @Test
  void registersOverTheirSourcesRateAreDroppedAndCounted() throws Exception {
    try (RawSipCaller scanner = new RawSipCaller(InetAddress.getByName("127.0.0.5"), node.port(), "x")) {
      double before = metric("callengine_sip_security_rate_limited_total{method=\"REGISTER\"}");
      for (int i = 1; i <= 25; i++) scanner.register("s-" + i, "user" + i, null);
      eventually(Duration.ofSeconds(10), "5 REGISTERs over the burst of 20 counted as rate-limited",
          () -> metric("callengine_sip_security_rate_limited_total{method=\"REGISTER\"}") - Math.max(0, before) == 5);
      // The stack's threads take the 25 in any order: which 5 are dropped is not fixed.
      eventually(Duration.ofSeconds(10), "the 20 within the burst answered", () -> answered(scanner, 25) == 20);
      assertEquals(20, answered(scanner, 25), "the burst is answered (401); the 5 over it are dropped without an answer");
    }
  }

  private static long answered(RawSipCaller scanner, int registers) {
    long count = 0;
    for (int i = 1; i <= registers; i++) {
      if (scanner.received("s-" + i).stream().anyMatch(r -> r.status() == 401 && r.method().equals("REGISTER"))) count++;
    }
    return count;
  }

  private static int register(RawSipCaller phone, String callId, String user, String authorization) throws Exception {
    phone.register(callId, user, authorization);
    RawSipCaller.Received answer = phone.awaitFinal(callId, "REGISTER", ANSWER);
    assertNotNull(answer, callId + ": no answer to the REGISTER");
    return answer.status();
  }

  /** A well-formed digest answer with a made-up nonce and response: wrong whatever the password. */
  private static String wrongAnswer(String user) {
    return "Digest username=\"" + user + "\", realm=\"call-engine\", nonce=\"bm9ub25jZQ\", uri=\"sip:127.0.0.1:" + node.port()
        + "\", response=\"0123456789abcdef0123456789abcdef\", algorithm=MD5";
  }

  private static double metric(String series) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(node.engine().metrics().scrape());
    return m.find() ? Double.parseDouble(m.group(1)) : -1;
  }
}
