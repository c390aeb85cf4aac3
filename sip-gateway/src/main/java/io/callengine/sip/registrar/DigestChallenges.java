package io.callengine.sip.registrar;

import java.util.List;
import java.util.Objects;

/**
 * Builds the {@code WWW-Authenticate} header values of the registrar's 401: one challenge per
 * configured algorithm, in the configured order (RFC 8760: a phone takes the first one it
 * knows; some phones read only the first). Used by the REGISTER handling together with {@link
 * DigestVerifier}, both on the same {@link DigestNonces}.
 */
public final class DigestChallenges {

  private final List<Algorithm> offered;
  private final String quotedRealm;
  private final DigestNonces nonces;

  /** Challenges with the given algorithms, in this order. */
  public DigestChallenges(String realm, DigestNonces nonces, List<Algorithm> offered) {
    Objects.requireNonNull(realm, "realm");
    // A control character here would let the realm break out of the header line.
    if (realm.isBlank() || realm.chars().anyMatch(Character::isISOControl)) {
      throw new IllegalArgumentException("invalid realm: " + realm);
    }
    this.quotedRealm = quote(realm);
    this.nonces = Objects.requireNonNull(nonces, "nonces");
    if (offered.isEmpty()) throw new IllegalArgumentException("at least one digest algorithm must be offered");
    this.offered = List.copyOf(offered);
  }

  /**
   * The header values, in order, each for its own {@code WWW-Authenticate} header. {@code stale}
   * is set after {@link DigestVerifier.Result#STALE}, so that the phone retries with the new
   * nonce instead of asking its user for a password.
   */
  public List<String> wwwAuthenticate(boolean stale) {
    return wwwAuthenticate(stale, offered);
  }

  /** As {@link #wwwAuthenticate(boolean)}, with other algorithms than the configured ones. */
  public List<String> wwwAuthenticate(boolean stale, List<Algorithm> algorithms) {
    String nonce = nonces.issue();
    return algorithms.stream().map(algorithm -> challenge(algorithm, nonce, stale)).toList();
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
