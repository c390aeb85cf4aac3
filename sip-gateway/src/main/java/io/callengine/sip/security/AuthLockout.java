package io.callengine.sip.security;

import io.callengine.core.security.SecurityLog;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import java.net.InetAddress;
import java.time.Duration;

/**
 * Locks out a source address, and an account (a SIP user name, known or not, so that a lock says
 * nothing about which names exist), after {@code maxFailures} authentication failures within
 * {@code window}, for {@code lock}. The registrar asks {@link #refuses} before it checks anything
 * and answers a locked REGISTER 403 without touching the agent; it reports each failure and
 * success. An account lock spares the address the account last registered from, so that an
 * attacker guessing alice's password elsewhere does not sign alice's own phone out. Trusted
 * sources are never locked. Memory is bounded (idle entries expire, at most {@code maxEntries}
 * of each kind). Thread-safe.
 */
public final class AuthLockout {
  /** {@code maxFailures} 0 turns lock-outs off (failures are still logged and counted). */
  public record Settings(int maxFailures, Duration window, Duration lock, int maxEntries) {}

  private static final Duration REMEMBER_GOOD_SOURCE = Duration.ofHours(2);

  private final Settings settings;
  private final TrustedSources trusted;
  private final SecurityLog log;
  private final Ticker ticker;
  private final Cache<String, Failures> sources;
  private final Cache<String, Failures> accounts;

  public AuthLockout(Settings settings, TrustedSources trusted, SecurityLog log, Ticker ticker) {
    this.settings = settings;
    this.trusted = trusted;
    this.log = log;
    this.ticker = ticker;
    Duration keep = settings.window().compareTo(settings.lock()) > 0 ? settings.window() : settings.lock();
    this.sources = cache(keep, settings.maxEntries());
    this.accounts = cache(keep.compareTo(REMEMBER_GOOD_SOURCE) > 0 ? keep : REMEMBER_GOOD_SOURCE, settings.maxEntries());
  }

  private Cache<String, Failures> cache(Duration keep, int max) {
    return Caffeine.newBuilder().ticker(ticker).expireAfterAccess(keep).maximumSize(max).executor(Runnable::run).build();
  }

  /** Whether a REGISTER from {@code source} for {@code user} is to be refused unchecked (counted as such). */
  public boolean refuses(InetAddress source, String user) {
    if (settings.maxFailures() <= 0 || trusted.contains(source)) return false;
    long now = ticker.read();
    String ip = SecurityLog.ip(source);
    Failures bySource = sources.getIfPresent(ip);
    Failures byAccount = user == null ? null : accounts.getIfPresent(user);
    boolean locked = (bySource != null && bySource.locked(now)) || (byAccount != null && byAccount.locked(now) && !byAccount.isGoodSource(ip));
    if (locked) log.lockedRefusal();
    return locked;
  }

  /** A failed authentication: logged, counted, and a lock-out once the source or the account reaches the limit. */
  public void failed(InetAddress source, String user, String reason) {
    log.authFailure(source, user, reason);
    if (settings.maxFailures() <= 0 || trusted.contains(source)) return;
    long now = ticker.read();
    String ip = SecurityLog.ip(source);
    if (sources.get(ip, k -> new Failures()).fail(now, settings)) {
      log.lockout("source", source, user, settings.maxFailures(), settings.lock());
    }
    if (user != null && accounts.get(user, k -> new Failures()).fail(now, settings)) {
      log.lockout("account", source, user, settings.maxFailures(), settings.lock());
    }
  }

  /** A successful authentication: the account's failures are forgiven and its phone's address remembered (the source's are not). */
  public void succeeded(InetAddress source, String user) {
    if (settings.maxFailures() <= 0 || user == null) return;
    accounts.get(user, k -> new Failures()).succeed(SecurityLog.ip(source));
  }

  /** One source's or account's failures in the current window, and its lock. */
  private static final class Failures {
    private int count;
    private long windowStart;
    private long lockedUntil = Long.MIN_VALUE;
    private String goodSource;

    /** Counts a failure; true when it locks (once per lock). */
    synchronized boolean fail(long now, Settings settings) {
      if (locked(now)) return false;
      if (count == 0 || now - windowStart > settings.window().toNanos()) {
        count = 0;
        windowStart = now;
      }
      if (++count < settings.maxFailures()) return false;
      count = 0;
      lockedUntil = now + settings.lock().toNanos();
      return true;
    }

    synchronized boolean locked(long now) {
      return lockedUntil != Long.MIN_VALUE && now - lockedUntil < 0;
    }

    synchronized void succeed(String source) {
      count = 0;
      goodSource = source;
    }

    synchronized boolean isGoodSource(String source) {
      return source.equals(goodSource);
    }
  }
}
