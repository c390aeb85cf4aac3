package io.callengine.core.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import io.callengine.core.events.SecurityAlert;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's security events: each is counted in the meter registry ({@code /metrics}) and logged
 * as one WARN line of the logger {@code io.callengine.security} that fail2ban can match
 * ({@code SECURITY <event> source=<ip> ...}, docs/operations.md). Rate-limit hits are logged
 * once per source and method per {@code logWindow} (the rest are counted only), so a flood does
 * not flood the log. Lock-outs and those first rate-limit hits are also published as
 * {@link SecurityAlert}s, which the event stream shows to admins. Names a caller chose are cleaned
 * before they reach the log. One per node ({@code CallCenterEngine.securityLog()}); thread-safe;
 * used by the SIP gateway's lock-out and flood guard and by the HTTP API's token check.
 */
public final class SecurityLog {
  /** The logger fail2ban and log shippers select on. */
  public static final String LOGGER = "io.callengine.security";
  private static final Logger log = LoggerFactory.getLogger(LOGGER);
  private static final Pattern UNSAFE = Pattern.compile("[^A-Za-z0-9._@+-]");
  private static final Pattern UNSAFE_PATH = Pattern.compile("[^A-Za-z0-9._@+/%-]");
  private static final int MAX_USER = 64;

  private final MeterRegistry registry;
  private final Counter lockedRefusals;
  private final Cache<String, Boolean> logged;
  private final Consumer<SecurityAlert> alerts;
  private final Clock clock;

  /** Logs and counts only (no alerts published). */
  public SecurityLog(MeterRegistry registry, Duration logWindow, int maxSources, Ticker ticker) {
    this(registry, logWindow, maxSources, ticker, alert -> {}, Clock.systemUTC());
  }

  /** {@code alerts} publishes the alerts (the engine's event topic), stamped with {@code clock}. */
  public SecurityLog(MeterRegistry registry, Duration logWindow, int maxSources, Ticker ticker, Consumer<SecurityAlert> alerts,
      Clock clock) {
    this.registry = registry;
    this.alerts = alerts;
    this.clock = clock;
    this.lockedRefusals = Counter.builder("callengine.sip.security.locked.refusals")
        .description("REGISTERs answered 403 without a check because their source or account was locked out").register(registry);
    this.logged = Caffeine.newBuilder().ticker(ticker).expireAfterWrite(logWindow).maximumSize(maxSources)
        .executor(Runnable::run).build();
  }

  /** A REGISTER whose credentials were wrong (or named no account, or another account than its To). */
  public void authFailure(InetAddress source, String user, String reason) {
    Counter.builder("callengine.sip.security.auth.failures").description("REGISTERs whose digest credentials failed, by reason")
        .tag("reason", reason).register(registry).increment();
    log.warn("SECURITY auth-failure source={} user={} reason={}", ip(source), clean(user), reason);
  }

  /** A source or an account was locked out after {@code failures} failures; {@code scope} is {@code source} or {@code account}. */
  public void lockout(String scope, InetAddress source, String user, int failures, Duration lock) {
    Counter.builder("callengine.sip.security.lockouts").description("Lock-outs after repeated authentication failures, by scope")
        .tag("scope", scope).register(registry).increment();
    log.warn("SECURITY lockout source={} user={} scope={} failures={} seconds={}", ip(source), clean(user), scope, failures,
        lock.toSeconds());
    String locked = scope.equals("account") ? "account " + clean(user) : "source " + ip(source);
    alerts.accept(new SecurityAlert(clock.instant(), "lockout", ip(source), clean(user),
        locked + " locked out for " + lock.toSeconds() + " s after " + failures + " failed authentications"));
  }

  public void lockedRefusal() {
    lockedRefusals.increment();
  }

  /** A request over its source's rate limit: always counted, logged once per source and method per log window. */
  public void rateLimited(String method, InetAddress source, Limit limit) {
    Counter.builder("callengine.sip.security.rate.limited").description("Requests refused for their source's rate limit, by method")
        .tag("method", method).register(registry).increment();
    String key = method + ' ' + ip(source);
    if (logged.asMap().putIfAbsent(key, Boolean.TRUE) == null) {
      log.warn("SECURITY rate-limit source={} method={} limit={}/s burst={}", ip(source), method, limit.rateText(), limit.burst());
      alerts.accept(new SecurityAlert(clock.instant(), "rate-limit", ip(source), null,
          ip(source) + " is over its " + method + " limit of " + limit.rateText() + "/s (burst " + limit.burst() + ")"));
    }
  }

  /**
   * A request whose bearer token is unknown or revoked (a missing token is not counted): always
   * counted, logged and published once per source per log window.
   */
  public void tokenRefused(InetAddress source, String path) {
    Counter.builder("callengine.http.security.token.refused").description("HTTP requests refused for an unknown or revoked token")
        .register(registry).increment();
    if (logged.asMap().putIfAbsent("token " + ip(source), Boolean.TRUE) == null) {
      log.warn("SECURITY token-refused source={} path={}", ip(source), cleanPath(path));
      alerts.accept(new SecurityAlert(clock.instant(), "token-refused", ip(source), null,
          ip(source) + " sent an unknown or revoked bearer token"));
    }
  }

  public static String ip(InetAddress source) {
    return source == null ? "unknown" : source.getHostAddress();
  }

  private static String cleanPath(String path) {
    String shortened = path.length() > 2 * MAX_USER ? path.substring(0, 2 * MAX_USER) : path;
    return UNSAFE_PATH.matcher(shortened).replaceAll("?");
  }

  /** A user name as the log shows it: safe characters only (others become '?'), at most 64 of them, {@code -} when absent. */
  public static String clean(String user) {
    if (user == null || user.isEmpty()) return "-";
    String shortened = user.length() > MAX_USER ? user.substring(0, MAX_USER) : user;
    return UNSAFE.matcher(shortened).replaceAll("?");
  }
}
