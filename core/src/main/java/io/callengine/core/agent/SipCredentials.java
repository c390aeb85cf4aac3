package io.callengine.core.agent;

import io.callengine.core.CborSerializable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * An agent's SIP digest secret for one realm: HA1 = H(user:realm:password) as lowercase hex,
 * once with MD5 and once with SHA-256, the two algorithms the registrar offers (RFC 7616,
 * RFC 8760).
 *
 * <p>It is part of the agent's event-sourced state and events (serialized with Jackson), in place
 * of the password, which is never stored. The SIP registrar in sip-gateway reads the HA1 that
 * matches the algorithm the phone answered with; it is also the reply to {@code
 * AgentEntity.GetCredentials}, which crosses nodes when the REGISTER reaches another node than the
 * agent's entity.
 */
public record SipCredentials(String user, String realm, String ha1Md5, String ha1Sha256) implements CborSerializable {

  public SipCredentials {
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(realm, "realm");
    Objects.requireNonNull(ha1Md5, "ha1Md5");
    Objects.requireNonNull(ha1Sha256, "ha1Sha256");
  }

  /** Computes both HA1 values; the password is used here and nowhere else. */
  public static SipCredentials derive(String user, String realm, String password) {
    Objects.requireNonNull(password, "password");
    String a1 = user + ":" + realm + ":" + password;
    return new SipCredentials(user, realm, hexDigest("MD5", a1), hexDigest("SHA-256", a1));
  }

  private static String hexDigest(String algorithm, String input) {
    try {
      byte[] digest =
          MessageDigest.getInstance(algorithm).digest(input.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      // Every Java platform must provide MD5 and SHA-256.
      throw new IllegalStateException(e);
    }
  }

  // An HA1 is as good as the password for this realm, so it must not end up in logs.
  @Override
  public String toString() {
    return "SipCredentials[user=" + user + ", realm=" + realm + ", ha1=<redacted>]";
  }
}
