package io.callengine.sip.registrar;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.callengine.core.agent.SipCredentials;
import io.callengine.core.persistence.Database;
import io.callengine.core.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Nonces of one node verify on another node of the same database, and on no other. */
class NonceKeyTest {
  private static final List<Algorithm> SHA_256_FIRST = List.of(Algorithm.SHA_256, Algorithm.MD5);
  private static final String REALM = "call-engine";
  private static final String PASSWORD = "agent-secret";
  private static final SipCredentials STORED = SipCredentials.derive("agent001", REALM, PASSWORD);
  private static final Duration LIFETIME = Duration.ofSeconds(300);

  private final List<Database> pools = new ArrayList<>();
  private final ManualClock clock = new ManualClock(Instant.parse("2025-01-01T00:00:00Z"));

  @Test
  void aChallengeOfOneNodeVerifiesOnAnotherNodeOfTheSameDatabase() throws Exception {
    String database = newDatabase();
    DigestNonces nodeA = nonces(NonceKey.shared(pool(database).dataSource()));
    DigestNonces nodeB = nonces(NonceKey.shared(pool(database).dataSource()));

    String challenge = new DigestChallenges(REALM, nodeA, SHA_256_FIRST).wwwAuthenticate(false).get(0);
    String answer = DigestClient.authorization(challenge, "agent001", PASSWORD, "REGISTER", "sip:127.0.0.1", "auth");

    assertEquals(DigestNonces.Status.FRESH, nodeB.check(DigestClient.challengeParams(challenge).get("nonce")));
    assertEquals(DigestVerifier.Result.OK, verify(new DigestVerifier(REALM, nodeB), answer));
    assertEquals(nodeA.opaque(), nodeB.opaque());
  }

  @Test
  void aNonceSignedWithAnotherKeyDoesNotVerify() throws Exception {
    DigestNonces ours = nonces(NonceKey.shared(pool(newDatabase()).dataSource()));
    DigestNonces otherDatabase = nonces(NonceKey.shared(pool(newDatabase()).dataSource()));

    String challenge = new DigestChallenges(REALM, otherDatabase, SHA_256_FIRST).wwwAuthenticate(false).get(0)
        .replace(otherDatabase.opaque(), ours.opaque());
    String answer = DigestClient.authorization(challenge, "agent001", PASSWORD, "REGISTER", "sip:127.0.0.1", "auth");

    assertEquals(DigestNonces.Status.INVALID, ours.check(DigestClient.challengeParams(challenge).get("nonce")));
    assertEquals(DigestVerifier.Result.BAD, verify(new DigestVerifier(REALM, ours), answer));
    assertNotEquals(ours.opaque(), otherDatabase.opaque());
  }

  @Test
  void nodesStartingTogetherAgreeOnOneKeyAndKeepIt() throws Exception {
    ExecutorService starts = Executors.newFixedThreadPool(3);
    try {
      for (int round = 0; round < 10; round++) {
        String database = newDatabase();
        CyclicBarrier together = new CyclicBarrier(3);
        List<Future<byte[]>> keys = new ArrayList<>();
        for (int node = 0; node < 3; node++) {
          Database pool = pool(database);
          keys.add(starts.submit(() -> {
            together.await(10, TimeUnit.SECONDS);
            return NonceKey.shared(pool.dataSource());
          }));
        }
        byte[] first = keys.get(0).get(10, TimeUnit.SECONDS);
        assertEquals(32, first.length);
        for (Future<byte[]> key : keys) assertArrayEquals(first, key.get(10, TimeUnit.SECONDS), "round " + round);
        assertArrayEquals(first, NonceKey.shared(pool(database).dataSource()), "a later start reads the same key");
      }
    } finally {
      starts.shutdownNow();
    }
  }

  @Test
  void aConfiguredKeyIsUsedWithoutTheDatabase() throws Exception {
    byte[] key = new byte[32];
    for (int i = 0; i < key.length; i++) key[i] = (byte) (i * 7 + 250);

    // A null DataSource: reading the database would fail the test.
    assertArrayEquals(key, NonceKey.resolve(HexFormat.of().formatHex(key), null));
    assertArrayEquals(key, NonceKey.resolve(HexFormat.of().withUpperCase().formatHex(key), null));
    assertArrayEquals(key, NonceKey.resolve(Base64.getEncoder().encodeToString(key), null));
    assertArrayEquals(key, NonceKey.resolve(" " + Base64.getUrlEncoder().withoutPadding().encodeToString(key) + "\n", null));
    byte[] longer = new byte[64];
    assertArrayEquals(longer, NonceKey.parse(Base64.getEncoder().encodeToString(longer)));
  }

  @Test
  void nodesConfiguredWithTheSameKeyVerifyEachOthersNonces() {
    String configured = Base64.getEncoder().encodeToString(new byte[40]);
    DigestNonces nodeA = nonces(NonceKey.parse(configured));
    DigestNonces nodeB = nonces(NonceKey.parse(configured));

    assertEquals(DigestNonces.Status.FRESH, nodeB.check(nodeA.issue()));
  }

  @Test
  void aBadConfiguredKeyStopsTheStartWithTheSettingNamed() {
    // 31 bytes: too short, whether hex or base64.
    IllegalArgumentException shortHex = assertThrows(IllegalArgumentException.class,
        () -> NonceKey.parse(HexFormat.of().formatHex(new byte[31])));
    IllegalArgumentException shortBase64 = assertThrows(IllegalArgumentException.class,
        () -> NonceKey.parse(Base64.getEncoder().encodeToString(new byte[31])));
    // Neither alphabet, and base64 of a broken length.
    IllegalArgumentException notAKey = assertThrows(IllegalArgumentException.class, () -> NonceKey.parse("not a key!"));
    IllegalArgumentException brokenBase64 = assertThrows(IllegalArgumentException.class, () -> NonceKey.parse("A".repeat(45)));

    assertTrue(shortHex.getMessage().contains("at least 32 bytes; it holds 31"), shortHex.getMessage());
    assertTrue(shortBase64.getMessage().contains("at least 32 bytes; it holds 31"), shortBase64.getMessage());
    for (IllegalArgumentException e : List.of(shortHex, shortBase64, notAKey, brokenBase64)) {
      assertTrue(e.getMessage().startsWith("callengine.sip.nonce-key (CALLENGINE_SIP_NONCE_KEY)"), e.getMessage());
      assertFalse(e.getMessage().contains("AAAA"), "the message never repeats the key");
    }
    assertThrows(IllegalArgumentException.class, () -> new DigestNonces(new byte[31], clock, LIFETIME));
  }

  private DigestNonces nonces(byte[] key) {
    return new DigestNonces(key, clock, LIFETIME);
  }

  private static DigestVerifier.Result verify(DigestVerifier verifier, String header) {
    DigestCredentials credentials = DigestCredentials.parse(header).orElseThrow();
    return verifier.verify(credentials, "REGISTER", Algorithm.of(credentials.algorithm()).orElseThrow().ha1Of(STORED));
  }

  /** A fresh in-memory database with the engine's schema, as a node creates it at start. */
  private String newDatabase() throws Exception {
    String url = "jdbc:h2:mem:nonce-key-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1;DATABASE_TO_UPPER=false";
    pool(url).createSchema();
    return url;
  }

  /** A connection pool of its own, as each node has. */
  private Database pool(String url) {
    Database pool = new Database(ConfigFactory.parseString(
        "kind = h2, url = \"" + url + "\", user = sa, password = \"\", max-connections = 2"));
    pools.add(pool);
    return pool;
  }

  @AfterEach
  void closePools() {
    pools.forEach(Database::close);
  }
}
