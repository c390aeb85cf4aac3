package io.callengine.sip.registrar;

import java.util.List;
import java.util.Objects;

/**
 * Builds the {@code WWW-Authenticate} header values of the registrar's 401: one challenge per
 * algorithm, SHA-256 first and MD5 second, as RFC 8760 asks so that a phone takes the strongest
 * one it knows. Used by the REGISTER handling together with {@link DigestVerifier}, both on the
 * same {@link DigestNonces}.
 */
public final class DigestChallenges {

  private static final List<Algorithm> OFFERED = List.of(Algorithm.SHA_256, Algorithm.MD5);

  private final String quotedRealm;
  private final DigestNonces nonces;

  public DigestChallenges(String realm, DigestNonces nonces) {
    Objects.requireNonNull(realm, "realm");
    // A control character here would let the realm break out of the header line.
    if (realm.isBlank() || realm.chars().anyMatch(Character::isISOControl)) {
      throw new IllegalArgumentException("invalid realm: " + realm);
    }
    this.quotedRealm = quote(realm);
    this.nonces = Objects.requireNonNull(nonces, "nonces");
  }

  /**
   * The header values, in order, each for its own {@code WWW-Authenticate} header. {@code stale}
   * is set after {@link DigestVerifier.Result#STALE}, so that the phone retries with the new
   * nonce instead of asking its user for a password.
   */
  public List<String> wwwAuthenticate(boolean stale) {
    String nonce = nonces.issue();
    return OFFERED.stream().map(algorithm -> challenge(algorithm, nonce, stale)).toList();
  }

  private String challenge(Algorithm algorithm, String nonce, boolean stale) {
    return "Digest realm=" + quotedRealm
        + ", qop=\"auth\""
        + ", nonce=\"" + nonce + "\""
        + ", opaque=\"" + nonces.opaque() + "\""
        + ", algorithm=" + algorithm.headerName()
        + (stale ? ", stale=true" : "");
  }

  private static String quote(String value) {
    return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
