package io.callengine.sip.security;

import io.callengine.core.security.Limit;
import com.typesafe.config.Config;
import java.time.Duration;
import java.util.Arrays;

/**
 * The flood and brute-force guards' settings, read once from {@code callengine.sip.security}.
 * A null limit is no limit (rate 0 in the configuration).
 */
public record SecuritySettings(
    TrustedSources trusted,
    Limit invite,
    Limit register,
    Duration retryAfter,
    int maxTrackedSources,
    int maxCallsInSetupPerSource,
    AuthLockout.Settings lockout) {

  public static SecuritySettings from(Config config) {
    Config s = config.getConfig("callengine.sip.security");
    String trusted = s.getString("trusted-sources");
    int maxTracked = s.getInt("max-tracked-sources");
    if (maxTracked < 1) throw new IllegalArgumentException("callengine.sip.security.max-tracked-sources must be 1 or more; got " + maxTracked);
    int maxFailures = s.getInt("auth-max-failures");
    if (maxFailures < 0) {
      throw new IllegalArgumentException("callengine.sip.security.auth-max-failures (CALLENGINE_SIP_AUTH_MAX_FAILURES) must be 0 (off) or more; got "
          + maxFailures);
    }
    return new SecuritySettings(
        TrustedSources.parse(Arrays.asList(trusted.split(",")), "callengine.sip.security.trusted-sources (CALLENGINE_SIP_TRUSTED_SOURCES)"),
        limit(s, "invite", "CALLENGINE_SIP_INVITE_RATE"), limit(s, "register", "CALLENGINE_SIP_REGISTER_RATE"),
        positive(s, "rate-limit-retry-after"), maxTracked, notNegative(s, "max-calls-in-setup-per-source"),
        new AuthLockout.Settings(maxFailures, positive(s, "auth-failure-window"), positive(s, "auth-lockout"), maxTracked));
  }

  private static Limit limit(Config s, String method, String variable) {
    double rate = s.getDouble(method + "-rate");
    int burst = s.getInt(method + "-burst");
    if (rate < 0 || (rate > 0 && burst < 1)) {
      throw new IllegalArgumentException("callengine.sip.security." + method + "-rate (" + variable + ") must be 0 (no limit) or more, and "
          + method + "-burst 1 or more; got " + rate + " and " + burst);
    }
    return rate == 0 ? null : new Limit(rate, burst);
  }

  private static int notNegative(Config s, String key) {
    int value = s.getInt(key);
    if (value < 0) throw new IllegalArgumentException("callengine.sip.security." + key + " must be 0 (no limit) or more; got " + value);
    return value;
  }

  private static Duration positive(Config s, String key) {
    Duration value = s.getDuration(key);
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException("callengine.sip.security." + key + " must be a positive duration such as 30s; got " + s.getString(key));
    }
    return value;
  }
}
