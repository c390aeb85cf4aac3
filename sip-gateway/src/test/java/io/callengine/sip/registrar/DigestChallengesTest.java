package io.callengine.sip.registrar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callengine.core.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DigestChallengesTest {
  private static final List<Algorithm> SHA_256_FIRST = List.of(Algorithm.SHA_256, Algorithm.MD5);

  private final ManualClock clock = new ManualClock(Instant.parse("2025-01-01T00:00:00Z"));
  private final DigestNonces nonces = new DigestNonces(clock, Duration.ofSeconds(300));
  private final DigestChallenges challenges = new DigestChallenges("example.com", nonces, SHA_256_FIRST);

  @Test
  void offersTheAlgorithmsInTheGivenOrder() {
    List<String> values = challenges.wwwAuthenticate(false);

    assertEquals(2, values.size());
    String nonce = nonceOf(values.get(0));
    assertEquals("Digest realm=\"example.com\", qop=\"auth\", nonce=\"" + nonce
        + "\", opaque=\"" + nonces.opaque() + "\", algorithm=SHA-256", values.get(0));
    assertEquals("Digest realm=\"example.com\", qop=\"auth\", nonce=\"" + nonce
        + "\", opaque=\"" + nonces.opaque() + "\", algorithm=MD5", values.get(1));
  }

  @Test
  void staleIsAddedOnlyWhenAsked() {
    assertTrue(challenges.wwwAuthenticate(true).stream().allMatch(v -> v.endsWith(", stale=true")));
    assertFalse(challenges.wwwAuthenticate(false).stream().anyMatch(v -> v.contains("stale")));
  }

  @Test
  void everyChallengeHasAFreshNonceOfThisProcess() {
    String first = nonceOf(challenges.wwwAuthenticate(false).get(0));
    String second = nonceOf(challenges.wwwAuthenticate(false).get(0));

    assertNotEquals(first, second);
    assertEquals(DigestNonces.Status.FRESH, nonces.check(first));
  }

  @Test
  void realmIsQuotedSafely() {
    String value = new DigestChallenges("a \"b\" \\c", nonces, SHA_256_FIRST).wwwAuthenticate(false).get(0);

    assertTrue(value.startsWith("Digest realm=\"a \\\"b\\\" \\\\c\", "), value);
    assertThrows(IllegalArgumentException.class,
        () -> new DigestChallenges("evil\r\nVia: x", nonces, SHA_256_FIRST));
    assertThrows(IllegalArgumentException.class, () -> new DigestChallenges(" ", nonces, SHA_256_FIRST));
  }

  @Test
  void challengeParsesBackWithTheProductionParser() {
    Map<String, String> params =
        AuthParams.parseDigest(challenges.wwwAuthenticate(true).get(1)).orElseThrow();

    assertEquals("example.com", params.get("realm"));
    assertEquals("auth", params.get("qop"));
    assertEquals("MD5", params.get("algorithm"));
    assertEquals("true", params.get("stale"));
  }

  private static String nonceOf(String challenge) {
    return DigestClient.challengeParams(challenge).get("nonce");
  }
}
