package io.callengine.sip.registrar;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Issues and checks the registrar's digest nonces without keeping any per-nonce state: a nonce
 * is base64url(issuedAtMillis (8 bytes) + random (8 bytes) + HMAC-SHA256(secret, those 16
 * bytes)), so only a holder of the secret can mint one and its age can be read back from it. The
 * nodes of a cluster share the secret ({@link NonceKey}), so a nonce issued by one verifies on any.
 * Also holds the {@code opaque} token of the challenges, derived from the same secret. Shared by
 * {@link DigestChallenges} and {@link DigestVerifier}.
 *
 * <p>Being stateless, a nonce can be replayed within its lifetime; the short lifetime bounds
 * that, and a digest response is tied to the method and URI it was computed for.
 */
public final class DigestNonces {

  public static final Duration DEFAULT_LIFETIME = Duration.ofSeconds(300);

  /** What {@link #check} found. */
  public enum Status {
    /** Minted here and within its lifetime. */
    FRESH,
    /** Minted here but too old (or, after the clock stepped back, too far ahead). */
    STALE,
    /** Not a nonce of this secret: malformed, forged, tampered, or signed with another key. */
    INVALID
  }

  private static final String HMAC = "HmacSHA256";
  private static final int PREFIX_BYTES = 16;
  private static final int NONCE_BYTES = PREFIX_BYTES + 32;
  private static final int NONCE_CHARS = 64; // 48 bytes: base64 without padding or spare bits
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

  private final SecretKeySpec key;
  private final Clock clock;
  private final long lifetimeMillis;
  private final String opaque;

  /** A random secret of its own (nonces verify only here), system clock, {@link #DEFAULT_LIFETIME}. */
  public DigestNonces() {
    this(Clock.systemUTC(), DEFAULT_LIFETIME);
  }

  /** A random secret of its own: its nonces verify only on this instance. */
  public DigestNonces(Clock clock, Duration lifetime) {
    this(randomBytes(NonceKey.MIN_BYTES), clock, lifetime);
  }

  /** Signs with {@code secret} (at least {@link NonceKey#MIN_BYTES} bytes), as every other holder of it does. */
  public DigestNonces(byte[] secret, Clock clock, Duration lifetime) {
    this.clock = Objects.requireNonNull(clock, "clock");
    if (secret.length < NonceKey.MIN_BYTES) {
      throw new IllegalArgumentException("a nonce secret needs at least " + NonceKey.MIN_BYTES + " bytes");
    }
    if (lifetime.isNegative() || lifetime.isZero()) {
      throw new IllegalArgumentException("nonce lifetime must be positive: " + lifetime);
    }
    this.lifetimeMillis = lifetime.toMillis();
    this.key = new SecretKeySpec(secret.clone(), HMAC);
    // From the secret, not random: the phone echoes it, possibly to another node.
    this.opaque = ENCODER.encodeToString(Arrays.copyOf(mac("opaque".getBytes(StandardCharsets.US_ASCII)), 16));
  }

  /** A new nonce, issued now. */
  public String issue() {
    ByteBuffer nonce = ByteBuffer.allocate(NONCE_BYTES);
    nonce.putLong(clock.millis()).put(randomBytes(8));
    nonce.put(mac(Arrays.copyOf(nonce.array(), PREFIX_BYTES)));
    return ENCODER.encodeToString(nonce.array());
  }

  public Status check(String nonce) {
    if (nonce == null || nonce.length() != NONCE_CHARS) {
      return Status.INVALID;
    }
    byte[] bytes;
    try {
      bytes = Base64.getUrlDecoder().decode(nonce);
    } catch (IllegalArgumentException e) {
      return Status.INVALID;
    }
    if (bytes.length != NONCE_BYTES) {
      return Status.INVALID;
    }
    byte[] prefix = Arrays.copyOf(bytes, PREFIX_BYTES);
    byte[] tag = Arrays.copyOfRange(bytes, PREFIX_BYTES, NONCE_BYTES);
    if (!MessageDigest.isEqual(mac(prefix), tag)) {
      return Status.INVALID;
    }
    long age = clock.millis() - ByteBuffer.wrap(prefix).getLong();
    return Math.abs(age) <= lifetimeMillis ? Status.FRESH : Status.STALE;
  }

  /** The {@code opaque} value of the challenges, the same wherever the secret is. */
  public String opaque() {
    return opaque;
  }

  private byte[] mac(byte[] data) {
    try {
      // A Mac is not thread-safe and is cheap to create; the verifier runs on many threads.
      Mac mac = Mac.getInstance(HMAC);
      mac.init(key);
      return mac.doFinal(data);
    } catch (GeneralSecurityException e) {
      // Every Java platform must provide HmacSHA256.
      throw new IllegalStateException(e);
    }
  }

  private static byte[] randomBytes(int length) {
    byte[] bytes = new byte[length];
    RANDOM.nextBytes(bytes);
    return bytes;
  }
}
