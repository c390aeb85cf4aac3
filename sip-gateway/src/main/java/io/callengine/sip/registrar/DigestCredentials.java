package io.callengine.sip.registrar;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The digest credentials of a SIP {@code Authorization} header, as parsed from its value. The
 * REGISTER handling parses them, looks up the agent by {@link #username}, and hands them to
 * {@link DigestVerifier}. The first five components are always present; the others are null
 * when the phone did not send them.
 */
public record DigestCredentials(
    String username,
    String realm,
    String nonce,
    String uri,
    String response,
    String algorithm,
    String cnonce,
    String qop,
    String nc,
    String opaque) {

  private static final String[] REQUIRED = {"username", "realm", "nonce", "uri", "response"};

  public DigestCredentials {
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(realm, "realm");
    Objects.requireNonNull(nonce, "nonce");
    Objects.requireNonNull(uri, "uri");
    Objects.requireNonNull(response, "response");
  }

  /**
   * Reads an {@code Authorization} header value such as {@code Digest username="alice",
   * realm="...", ...}. Empty when it is not a well-formed {@code Digest} value with all the
   * required parameters; never throws.
   */
  public static Optional<DigestCredentials> parse(String headerValue) {
    return AuthParams.parseDigest(headerValue).flatMap(DigestCredentials::fromParams);
  }

  private static Optional<DigestCredentials> fromParams(Map<String, String> p) {
    if (!Stream.of(REQUIRED).allMatch(p::containsKey)) {
      return Optional.empty();
    }
    return Optional.of(new DigestCredentials(
        p.get("username"), p.get("realm"), p.get("nonce"), p.get("uri"), p.get("response"),
        p.get("algorithm"), p.get("cnonce"), p.get("qop"), p.get("nc"), p.get("opaque")));
  }
}
