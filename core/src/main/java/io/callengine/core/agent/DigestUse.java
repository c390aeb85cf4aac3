package io.callengine.core.agent;

import io.callengine.core.CborSerializable;

/**
 * The digest nonce and nonce count that authenticated a REGISTER of the agent's phone, kept by
 * the agent so that a captured REGISTER sent again, to any node, is refused: a phone counts
 * {@code count} up with each request on one nonce (RFC 7616 3.4), and a phone without a count
 * (RFC 2069, {@link #NO_COUNT}) may use a nonce once.
 */
public record DigestUse(String nonce, long count) implements CborSerializable {
  public static final long NO_COUNT = 0;

  /** True if this use comes after {@code last} on the same nonce with no higher count. */
  public boolean replays(DigestUse last) {
    return last != null && nonce.equals(last.nonce) && count <= last.count;
  }
}
