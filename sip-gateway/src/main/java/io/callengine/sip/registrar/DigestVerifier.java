package io.callengine.sip.registrar;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Checks a digest response against the HA1 stored for the user (RFC 7616, and RFC 2069 for
 * phones that send no qop). The REGISTER handling calls it with the parsed {@link
 * DigestCredentials}, the request method and {@code algorithm.ha1Of(storedCredentials)}; on
 * anything but {@link Result#OK} it answers 401 with {@link DigestChallenges}.
 *
 * <p>It does not compare {@code uri} with the Request-URI nor look at {@code username}: both
 * belong to the caller, which knows the request and which user it looked up.
 */
public final class DigestVerifier {

  /** The outcome of {@link #verify}. */
  public enum Result {
    OK,
    /** Right password, but the nonce has expired: challenge again with {@code stale=true}. */
    STALE,
    /** Anything else; the reason is deliberately not told to the phone. */
    BAD
  }

  private static final Pattern NONCE_COUNT = Pattern.compile("[0-9a-fA-F]{8}");

  private final String realm;
  private final DigestNonces nonces;

  public DigestVerifier(String realm, DigestNonces nonces) {
    this.realm = Objects.requireNonNull(realm, "realm");
    this.nonces = Objects.requireNonNull(nonces, "nonces");
  }

  /**
   * @param ha1ForAlgorithm the stored HA1 for the algorithm named in {@code credentials}, as
   *     lowercase or uppercase hex; null (unknown user) gives {@link Result#BAD}
   */
  public Result verify(DigestCredentials credentials, String method, String ha1ForAlgorithm) {
    if (credentials == null || method == null || ha1ForAlgorithm == null
        || !realm.equals(credentials.realm())
        || (credentials.opaque() != null && !nonces.opaque().equals(credentials.opaque()))) {
      return Result.BAD;
    }
    Optional<Algorithm> algorithm = Algorithm.of(credentials.algorithm());
    if (algorithm.isEmpty() || ha1ForAlgorithm.length() != algorithm.get().hexLength()) {
      return Result.BAD;
    }
    DigestNonces.Status nonce = nonces.check(credentials.nonce());
    if (nonce == DigestNonces.Status.INVALID) {
      return Result.BAD;
    }
    Optional<String> expected =
        expectedResponse(algorithm.get(), credentials, method, ha1ForAlgorithm);
    if (expected.isEmpty() || !DigestHash.constantTimeEquals(
        expected.get(), credentials.response().toLowerCase(Locale.ROOT))) {
      return Result.BAD;
    }
    // Stale only once the response is right: stale=true tells the phone its password was good.
    return nonce == DigestNonces.Status.FRESH ? Result.OK : Result.STALE;
  }

  private static Optional<String> expectedResponse(
      Algorithm algorithm, DigestCredentials c, String method, String ha1) {
    String ha1Hex = ha1.toLowerCase(Locale.ROOT);
    String ha2 = DigestHash.hex(algorithm, method + ":" + c.uri());
    if (c.qop() == null) {
      if (c.cnonce() != null || c.nc() != null) {
        return Optional.empty();
      }
      return Optional.of(DigestHash.hex(algorithm, ha1Hex + ":" + c.nonce() + ":" + ha2));
    }
    if (!"auth".equalsIgnoreCase(c.qop()) || c.cnonce() == null || c.cnonce().isEmpty()
        || c.nc() == null || !NONCE_COUNT.matcher(c.nc()).matches()) {
      return Optional.empty();
    }
    return Optional.of(DigestHash.hex(algorithm,
        ha1Hex + ":" + c.nonce() + ":" + c.nc() + ":" + c.cnonce() + ":" + c.qop() + ":" + ha2));
  }
}
