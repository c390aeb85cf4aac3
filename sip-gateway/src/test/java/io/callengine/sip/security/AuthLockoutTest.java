package io.callengine.sip.security;

import io.callengine.core.security.Limit;
import io.callengine.core.security.SecurityLogCapture;
import io.callengine.core.security.SecurityLog;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.callengine.core.events.SecurityAlert;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AuthLockoutTest {
  private static final AuthLockout.Settings SETTINGS = new AuthLockout.Settings(3, Duration.ofMinutes(5), Duration.ofMinutes(15), 1000);

  private final ManualTicker clock = new ManualTicker();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private SecurityLogCapture logged;
  private AuthLockout lockout;
  private InetAddress attacker;
  private InetAddress phone;

  @BeforeEach
  void setUp() throws Exception {
    logged = new SecurityLogCapture();
    attacker = InetAddress.getByName("203.0.113.7");
    phone = InetAddress.getByName("198.51.100.20");
    lockout = lockout(TrustedSources.NONE);
  }

  private AuthLockout lockout(TrustedSources trusted) {
    return new AuthLockout(SETTINGS, trusted, new SecurityLog(registry, Duration.ofMinutes(1), 1000, clock), clock);
  }

  @AfterEach
  void tearDown() {
    logged.close();
  }

  @Test
  void aSourceIsLockedAfterTheLimitWithinTheWindowAndFreedAfterTheLock() {
    lockout.failed(attacker, "alice", "wrong-credentials");
    lockout.failed(attacker, "bob", "unknown-user");
    assertFalse(lockout.refuses(attacker, "carol"));
    lockout.failed(attacker, "carol", "wrong-credentials");
    assertTrue(lockout.refuses(attacker, "dave"), "the third failure locks the source, whatever user it names next");
    assertFalse(lockout.refuses(phone, "dave"), "other sources are not locked");
    clock.advance(Duration.ofMinutes(15).minusSeconds(1));
    assertTrue(lockout.refuses(attacker, "dave"));
    clock.advance(Duration.ofSeconds(1));
    assertFalse(lockout.refuses(attacker, "dave"), "the lock lasts its duration, no longer");
    assertEquals(1.0, registry.counter("callengine.sip.security.lockouts", "scope", "source").count());
    assertEquals(2.0, registry.counter("callengine.sip.security.locked.refusals").count());
  }

  @Test
  void failuresSpreadWiderThanTheWindowDoNotLock() {
    for (int i = 0; i < 10; i++) {
      lockout.failed(attacker, "user" + i, "wrong-credentials");
      clock.advance(Duration.ofMinutes(3));
      lockout.failed(attacker, "user" + i, "wrong-credentials");
      clock.advance(Duration.ofMinutes(3)); // two failures per window, never three
    }
    assertFalse(lockout.refuses(attacker, "someone"));
  }

  @Test
  void anAccountIsLockedForEveryoneButThePhoneThatLastRegisteredIt() throws Exception {
    lockout.succeeded(phone, "alice");
    InetAddress[] guessers = {attacker, InetAddress.getByName("203.0.113.8"), InetAddress.getByName("203.0.113.9")};
    for (InetAddress guesser : guessers) lockout.failed(guesser, "alice", "wrong-credentials");
    assertTrue(lockout.refuses(InetAddress.getByName("203.0.113.10"), "alice"), "three failures from three sources lock alice");
    assertFalse(lockout.refuses(attacker, "bob"), "no source reached the limit");
    assertFalse(lockout.refuses(phone, "alice"), "alice's own phone goes on registering");
    assertEquals(1.0, registry.counter("callengine.sip.security.lockouts", "scope", "account").count());
  }

  @Test
  void unknownUserNamesAreLockedLikeKnownOnes() {
    for (int i = 0; i < 3; i++) lockout.failed(InetAddress.getLoopbackAddress(), "nosuchuser", "unknown-user");
    clock.advance(Duration.ofSeconds(1));
    assertTrue(lockout.refuses(phone, "nosuchuser"), "a lock says nothing about whether the name exists");
  }

  @Test
  void trustedSourcesAreNeverLockedButTheirFailuresAreLogged() throws Exception {
    AuthLockout withProxy = lockout(TrustedSources.parse(List.of("203.0.113.0/24"), "trusted"));
    for (int i = 0; i < 10; i++) withProxy.failed(attacker, "alice", "wrong-credentials");
    assertFalse(withProxy.refuses(attacker, "alice"));
    assertEquals(10, logged.matching("WARN SECURITY auth-failure source=203\\.0\\.113\\.7 user=alice reason=wrong-credentials").size());
  }

  @Test
  void eachEventIsOneWarnLineFail2banCanMatch() {
    lockout.failed(attacker, "al ice\nSECURITY auth-failure source=1.2.3.4", "wrong-credentials");
    lockout.failed(attacker, "bob", "unknown-user");
    lockout.failed(attacker, "carol", "username-mismatch");
    List<String> lines = logged.lines();
    assertEquals(List.of(
        "WARN SECURITY auth-failure source=203.0.113.7 user=al?ice?SECURITY?auth-failure?source?1.2.3.4 reason=wrong-credentials",
        "WARN SECURITY auth-failure source=203.0.113.7 user=bob reason=unknown-user",
        "WARN SECURITY auth-failure source=203.0.113.7 user=carol reason=username-mismatch",
        "WARN SECURITY lockout source=203.0.113.7 user=carol scope=source failures=3 seconds=900"), lines);
    // The filter of docs/operations.md: every line names the source right after the event.
    for (String line : lines) assertTrue(line.matches("WARN SECURITY (auth-failure|lockout|rate-limit) source=203\\.0\\.113\\.7( .*)?"), line);
    assertEquals(1.0, registry.counter("callengine.sip.security.auth.failures", "reason", "unknown-user").count());
  }

  @Test
  void lockOutsAndFirstRateLimitHitsArePublishedAsAlertsForAdmins() {
    List<SecurityAlert> alerts = new ArrayList<>();
    Instant now = Instant.parse("2026-12-06T12:00:00Z");
    SecurityLog log = new SecurityLog(registry, Duration.ofMinutes(1), 1000, clock, alerts::add, Clock.fixed(now, ZoneOffset.UTC));
    AuthLockout withAlerts = new AuthLockout(SETTINGS, TrustedSources.NONE, log, clock);
    for (int i = 0; i < 3; i++) withAlerts.failed(attacker, "alice", "wrong-credentials");
    for (int i = 0; i < 100; i++) log.rateLimited("REGISTER", attacker, new Limit(20, 60));
    assertEquals(List.of(
        new SecurityAlert(now, "lockout", "203.0.113.7", "alice", "source 203.0.113.7 locked out for 900 s after 3 failed authentications"),
        new SecurityAlert(now, "lockout", "203.0.113.7", "alice", "account alice locked out for 900 s after 3 failed authentications"),
        new SecurityAlert(now, "rate-limit", "203.0.113.7", null, "203.0.113.7 is over its REGISTER limit of 20/s (burst 60)")),
        alerts, "failures themselves and repeated rate-limit hits are not published");
  }

  @Test
  void rateLimitHitsAreCountedEachTimeAndLoggedOncePerSourceAndWindow() throws Exception {
    SecurityLog log = new SecurityLog(registry, Duration.ofMinutes(1), 1000, clock);
    Limit limit = new Limit(10, 30);
    for (int i = 0; i < 500; i++) log.rateLimited("INVITE", attacker, limit);
    log.rateLimited("REGISTER", attacker, new Limit(0.5, 2));
    log.rateLimited("INVITE", phone, limit);
    clock.advance(Duration.ofSeconds(61));
    log.rateLimited("INVITE", attacker, limit);
    assertEquals(List.of(
        "WARN SECURITY rate-limit source=203.0.113.7 method=INVITE limit=10/s burst=30",
        "WARN SECURITY rate-limit source=203.0.113.7 method=REGISTER limit=0.5/s burst=2",
        "WARN SECURITY rate-limit source=198.51.100.20 method=INVITE limit=10/s burst=30",
        "WARN SECURITY rate-limit source=203.0.113.7 method=INVITE limit=10/s burst=30"), logged.lines());
    assertEquals(502.0, registry.counter("callengine.sip.security.rate.limited", "method", "INVITE").count());
  }
}
