package io.callengine.sip.registrar;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Moves phones that can do better than MD5 to SHA-256 without locking out those that cannot.
 * The first challenge of a REGISTER offers the configured algorithms (MD5 alone by default:
 * Debian 12's baresip gives up on a 401 that carries any other algorithm). Once a phone has
 * proven its password and only its nonce is stale, the registrar, which asks {@link
 * #staleChallenge}, offers SHA-256 alone; a phone that answers it keeps it, and a phone that
 * comes back without answering it ({@link #seen}) is remembered as MD5-only and gets the
 * configured algorithms from then on.
 *
 * <p>Only users who proved their password are remembered, so the map is bounded by the agents,
 * and an unknown user's challenge never differs from a known one's. The memory is this node's:
 * after a restart, or on another node, an MD5-only phone fails one refresh and registers again.
 */
public final class DigestUpgrades {

  private enum Known { PROBED, MD5_ONLY }

  private final List<Algorithm> configured;
  private final Map<String, Known> byUser = new ConcurrentHashMap<>();

  public DigestUpgrades(List<Algorithm> configured) {
    this.configured = List.copyOf(configured);
  }

  /** The algorithms to offer {@code user}, whose response was right but whose nonce is stale. */
  public List<Algorithm> staleChallenge(String user) {
    if (byUser.get(user) == Known.MD5_ONLY) return configured;
    byUser.put(user, Known.PROBED);
    return List.of(Algorithm.SHA_256);
  }

  /**
   * Every REGISTER for {@code user}, with the algorithm its answer used, or null without an
   * answer: after a SHA-256-only challenge, anything but SHA-256 means the phone cannot do it.
   */
  public void seen(String user, Algorithm answered) {
    byUser.computeIfPresent(user, (u, known) ->
        known != Known.PROBED ? known : answered == Algorithm.SHA_256 ? null : Known.MD5_ONLY);
  }
}
