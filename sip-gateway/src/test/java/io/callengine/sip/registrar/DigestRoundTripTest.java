package io.callengine.sip.registrar;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.callengine.core.agent.SipCredentials;
import io.callengine.core.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DigestRoundTripTest {
  private static final List<Algorithm> SHA_256_FIRST = List.of(Algorithm.SHA_256, Algorithm.MD5);

  private static final String REALM = "callcenter.example.com";
  private static final String USER = "alice";
  private static final String PASSWORD = "Circle Of Life";
  private static final String URI = "sip:callcenter.example.com";
  private static final SipCredentials STORED = SipCredentials.derive(USER, REALM, PASSWORD);

  private final ManualClock clock = new ManualClock(Instant.parse("2025-01-01T00:00:00Z"));
  private final DigestNonces nonces = new DigestNonces(clock, Duration.ofSeconds(300));
  private final DigestChallenges challenges = new DigestChallenges(REALM, nonces, SHA_256_FIRST);
  private final DigestVerifier verifier = new DigestVerifier(REALM, nonces);

  @ParameterizedTest
  @CsvSource(nullValues = "none", value = {"0, auth", "0, none", "1, auth", "1, none"})
  void phoneAnsweringEitherChallengeIsAccepted(int challengeIndex, String qop) {
    String challenge = challenges.wwwAuthenticate(false).get(challengeIndex);

    String header = DigestClient.authorization(challenge, USER, PASSWORD, "REGISTER", URI, qop);

    assertEquals(DigestVerifier.Result.OK, verify(header, "REGISTER"));
  }

  @Test
  void wrongPasswordIsBad() {
    String header = answer(sha256Challenge(), "Circle of Life", "auth");

    assertEquals(DigestVerifier.Result.BAD, verify(header, "REGISTER"));
  }

  @Test
  void responseForAnotherMethodIsBad() {
    String header = answer(sha256Challenge(), PASSWORD, "auth");

    assertEquals(DigestVerifier.Result.BAD, verify(header, "INVITE"));
  }

  @Test
  void tamperedNonceIsBad() {
    String challenge = sha256Challenge();
    String nonce = DigestClient.challengeParams(challenge).get("nonce");
    // Pretend it was issued later: flip a bit of the timestamp.
    char first = nonce.charAt(5);
    String tampered = nonce.substring(0, 5) + (first == 'A' ? 'B' : 'A') + nonce.substring(6);
    String header = answer(challenge.replace(nonce, tampered), PASSWORD, "auth");

    assertEquals(DigestVerifier.Result.BAD, verify(header, "REGISTER"));
  }

  @Test
  void nonceOfAnotherProcessIsBad() {
    DigestNonces otherProcess = new DigestNonces(clock, Duration.ofSeconds(300));
    String challenge = new DigestChallenges(REALM, otherProcess, SHA_256_FIRST).wwwAuthenticate(false).get(0)
        .replace(otherProcess.opaque(), nonces.opaque());
    String header = answer(challenge, PASSWORD, "auth");

    assertEquals(DigestVerifier.Result.BAD, verify(header, "REGISTER"));
  }

  @Test
  void expiredNonceWithRightPasswordIsStale() {
    String header = answer(sha256Challenge(), PASSWORD, "auth");

    clock.advance(Duration.ofSeconds(300));
    assertEquals(DigestVerifier.Result.OK, verify(header, "REGISTER"));
    clock.advance(Duration.ofSeconds(1));
    assertEquals(DigestVerifier.Result.STALE, verify(header, "REGISTER"));
  }

  @Test
  void expiredNonceWithWrongPasswordIsBad() {
    String header = answer(sha256Challenge(), "wrong", "auth");

    clock.advance(Duration.ofMinutes(10));

    assertEquals(DigestVerifier.Result.BAD, verify(header, "REGISTER"));
  }

  @Test
  void wrongRealmIsBad() {
    String challenge = sha256Challenge().replace(REALM, "other.example.com");

    String header = answer(challenge, PASSWORD, "auth");

    assertEquals(DigestVerifier.Result.BAD, verify(header, "REGISTER"));
  }

  @Test
  void changedOpaqueIsBad() {
    String challenge = sha256Challenge().replace(nonces.opaque(), "something-else");

    String header = answer(challenge, PASSWORD, "auth");

    assertEquals(DigestVerifier.Result.BAD, verify(header, "REGISTER"));
  }

  @Test
  void unsupportedAlgorithmOrQopIsBad() {
    String header = answer(sha256Challenge(), PASSWORD, "auth");

    assertEquals(DigestVerifier.Result.BAD,
        verify(header.replace("algorithm=SHA-256", "algorithm=SHA-256-sess"), "REGISTER"));
    assertEquals(DigestVerifier.Result.BAD,
        verify(header.replace("qop=auth", "qop=auth-int"), "REGISTER"));
  }

  @Test
  void qopWithoutCnonceOrWithBadNonceCountIsBad() {
    String header = answer(sha256Challenge(), PASSWORD, "auth");

    assertEquals(DigestVerifier.Result.BAD,
        verify(header.replace(", cnonce=\"0a4f113b\"", ""), "REGISTER"));
    assertEquals(DigestVerifier.Result.BAD,
        verify(header.replace("nc=00000001", "nc=1"), "REGISTER"));
  }

  @Test
  void ha1OfTheOtherAlgorithmIsBad() {
    DigestCredentials credentials =
        DigestCredentials.parse(answer(sha256Challenge(), PASSWORD, "auth")).orElseThrow();

    assertEquals(DigestVerifier.Result.BAD,
        verifier.verify(credentials, "REGISTER", STORED.ha1Md5()));
    assertEquals(DigestVerifier.Result.BAD, verifier.verify(credentials, "REGISTER", null));
  }

  @Test
  void missingAlgorithmMeansMd5() {
    String md5Challenge = challenges.wwwAuthenticate(false).get(1);
    String header = answer(md5Challenge, PASSWORD, "auth").replace(", algorithm=MD5", "");

    assertEquals(DigestVerifier.Result.OK, verify(header, "REGISTER"));
  }

  @Test
  void uppercaseResponseHexIsAccepted() {
    String header = answer(sha256Challenge(), PASSWORD, "auth");
    String response = DigestCredentials.parse(header).orElseThrow().response();

    assertEquals(DigestVerifier.Result.OK,
        verify(header.replace(response, response.toUpperCase()), "REGISTER"));
  }

  private String sha256Challenge() {
    return challenges.wwwAuthenticate(false).get(0);
  }

  private static String answer(String challenge, String password, String qop) {
    return DigestClient.authorization(challenge, USER, password, "REGISTER", URI, qop);
  }

  /** What the registrar does: parse, pick the HA1 by the algorithm the phone chose, verify. */
  private DigestVerifier.Result verify(String header, String method) {
    DigestCredentials credentials = DigestCredentials.parse(header).orElseThrow();
    return Algorithm.of(credentials.algorithm())
        .map(algorithm -> verifier.verify(credentials, method, algorithm.ha1Of(STORED)))
        .orElse(DigestVerifier.Result.BAD);
  }
}
