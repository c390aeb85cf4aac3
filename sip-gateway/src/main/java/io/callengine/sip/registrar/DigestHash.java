package io.callengine.sip.registrar;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** The hashing and comparison primitives of HTTP digest, shared by the registrar's classes. */
final class DigestHash {

  private DigestHash() {}

  /** H(input) as lowercase hex, over the UTF-8 bytes of {@code input}. */
  static String hex(Algorithm algorithm, String input) {
    try {
      byte[] digest =
          MessageDigest.getInstance(algorithm.jcaName())
              .digest(input.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      // Every Java platform must provide MD5 and SHA-256.
      throw new IllegalStateException(e);
    }
  }

  /** Compares in time independent of where the strings differ, so a response cannot be probed. */
  static boolean constantTimeEquals(String a, String b) {
    return MessageDigest.isEqual(
        a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }
}
