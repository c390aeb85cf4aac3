package io.callengine.sip.registrar;

import io.callengine.core.agent.SipCredentials;
import java.util.Locale;
import java.util.Optional;

/**
 * The digest algorithms the registrar accepts, with the names they carry in the
 * {@code algorithm} auth-param. {@link DigestChallenges} offers them, {@link DigestVerifier}
 * checks against them, and the caller uses {@link #ha1Of} to pick the HA1 to verify with.
 */
public enum Algorithm {
  MD5("MD5", "MD5", 32),
  SHA_256("SHA-256", "SHA-256", 64);

  private final String headerName;
  private final String jcaName;
  private final int hexLength;

  Algorithm(String headerName, String jcaName, int hexLength) {
    this.headerName = headerName;
    this.jcaName = jcaName;
    this.hexLength = hexLength;
  }

  /**
   * The algorithm named by an {@code algorithm} auth-param value, case-insensitively; a missing
   * parameter ({@code null}) means MD5 (RFC 7616 section 3.3). Empty for anything unsupported,
   * including the {@code -sess} variants.
   */
  public static Optional<Algorithm> of(String headerValue) {
    if (headerValue == null) {
      return Optional.of(MD5);
    }
    String name = headerValue.trim().toUpperCase(Locale.ROOT);
    for (Algorithm algorithm : values()) {
      if (algorithm.headerName.equals(name)) {
        return Optional.of(algorithm);
      }
    }
    return Optional.empty();
  }

  public String headerName() {
    return headerName;
  }

  String jcaName() {
    return jcaName;
  }

  /** Length of a hash in lowercase hex: the length of HA1 and of a correct response. */
  int hexLength() {
    return hexLength;
  }

  /** The stored HA1 to verify a response made with this algorithm. */
  public String ha1Of(SipCredentials credentials) {
    return this == SHA_256 ? credentials.ha1Sha256() : credentials.ha1Md5();
  }
}
