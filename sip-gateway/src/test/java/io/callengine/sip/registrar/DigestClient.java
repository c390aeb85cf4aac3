package io.callengine.sip.registrar;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The phone's side of digest authentication, written from RFC 2617 section 3.2.2 and RFC 7616
 * section 3.4.1 without the production helpers, so that a round trip checks one against the other.
 */
final class DigestClient {

  private static final Pattern PARAM = Pattern.compile("(\\w+)=(?:\"([^\"]*)\"|([^,\\s]+))");

  private DigestClient() {}

  /** The parameters of a challenge this registrar produced (its values hold no escapes). */
  static Map<String, String> challengeParams(String challenge) {
    Map<String, String> params = new HashMap<>();
    Matcher m = PARAM.matcher(challenge.substring("Digest ".length()));
    while (m.find()) {
      params.put(m.group(1), m.group(2) != null ? m.group(2) : m.group(3));
    }
    return params;
  }

  /**
   * The Authorization header value answering {@code challenge}; {@code qop} null for the RFC 2069
   * form.
   */
  static String authorization(
      String challenge, String user, String password, String method, String uri, String qop) {
    Map<String, String> ch = challengeParams(challenge);
    String algorithm = ch.get("algorithm");
    String realm = ch.get("realm");
    String nonce = ch.get("nonce");
    String cnonce = "0a4f113b";
    String nc = "00000001";
    String ha1 = h(algorithm, user + ":" + realm + ":" + password);
    String ha2 = h(algorithm, method + ":" + uri);
    String response = qop == null
        ? h(algorithm, ha1 + ":" + nonce + ":" + ha2)
        : h(algorithm, ha1 + ":" + nonce + ":" + nc + ":" + cnonce + ":" + qop + ":" + ha2);
    String value = "Digest username=\"" + user + "\", realm=\"" + realm + "\", nonce=\"" + nonce
        + "\", uri=\"" + uri + "\", response=\"" + response + "\", algorithm=" + algorithm
        + ", opaque=\"" + ch.get("opaque") + "\"";
    return qop == null
        ? value
        : value + ", qop=" + qop + ", nc=" + nc + ", cnonce=\"" + cnonce + "\"";
  }

  static String h(String algorithm, String data) {
    try {
      byte[] digest =
          MessageDigest.getInstance(algorithm).digest(data.getBytes(StandardCharsets.UTF_8));
      StringBuilder hex = new StringBuilder();
      for (byte b : digest) {
        hex.append(String.format("%02x", b & 0xff));
      }
      return hex.toString();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
