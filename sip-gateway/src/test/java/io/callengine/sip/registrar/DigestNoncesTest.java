package io.callengine.sip.registrar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.callengine.core.testing.ManualClock;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class DigestNoncesTest {

  private final ManualClock clock = new ManualClock(Instant.parse("2025-01-01T00:00:00Z"));
  private final DigestNonces nonces = new DigestNonces(clock, Duration.ofSeconds(30));

  @Test
  void nonceIsFreshForItsLifetimeThenStale() {
    String nonce = nonces.issue();

    assertEquals(DigestNonces.Status.FRESH, nonces.check(nonce));
    clock.advance(Duration.ofSeconds(30));
    assertEquals(DigestNonces.Status.FRESH, nonces.check(nonce));
    clock.advance(Duration.ofMillis(1));
    assertEquals(DigestNonces.Status.STALE, nonces.check(nonce));
  }

  @Test
  void nonceCarriesItsIssueTimeAndIsUrlSafe() {
    byte[] bytes = Base64.getUrlDecoder().decode(nonces.issue());

    assertEquals(48, bytes.length);
    assertEquals(clock.millis(), ByteBuffer.wrap(bytes).getLong());
  }

  @Test
  void everyAlteredByteIsDetected() {
    byte[] bytes = Base64.getUrlDecoder().decode(nonces.issue());
    for (int i = 0; i < bytes.length; i++) {
      byte[] altered = bytes.clone();
      altered[i] ^= 1;
      String forged = Base64.getUrlEncoder().withoutPadding().encodeToString(altered);
      assertEquals(DigestNonces.Status.INVALID, nonces.check(forged), "byte " + i);
    }
  }

  @Test
  void foreignAndMalformedNoncesAreInvalid() {
    DigestNonces otherProcess = new DigestNonces(clock, Duration.ofSeconds(30));

    assertEquals(DigestNonces.Status.INVALID, nonces.check(otherProcess.issue()));
    assertEquals(DigestNonces.Status.INVALID, nonces.check(null));
    assertEquals(DigestNonces.Status.INVALID, nonces.check(""));
    assertEquals(DigestNonces.Status.INVALID, nonces.check("!".repeat(64)));
    assertEquals(DigestNonces.Status.INVALID, nonces.check(nonces.issue() + "A"));
    assertNotEquals(nonces.opaque(), otherProcess.opaque());
  }
}
