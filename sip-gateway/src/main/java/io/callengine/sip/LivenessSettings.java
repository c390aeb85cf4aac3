package io.callengine.sip;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * How the gateway finds out that a call or a phone is gone, from {@code callengine.sip}: the
 * wait for the ACK of a 200 (64 x T1), the smallest session-timer interval accepted (RFC 4028
 * Min-SE), the longest a call may last, and the OPTIONS probe of registered agent phones.
 */
record LivenessSettings(Duration ackTimeout, int minSessionExpires, Duration maxCallDuration, Duration optionsInterval,
    Duration optionsTimeout) {

  /** JAIN-SIP's timer tick, RFC 3261 T1: its dialog timer counts the ACK wait in these. */
  static final Duration T1 = Duration.ofMillis(500);

  static LivenessSettings from(Config sip) {
    Duration ack = sip.getDuration("ack-timeout");
    if (ack.compareTo(T1) < 0) {
      throw new IllegalArgumentException("callengine.sip.ack-timeout must be at least 500ms (T1); got " + sip.getString("ack-timeout"));
    }
    int minSe = sip.getInt("session-min-se");
    if (minSe < 1) throw new IllegalArgumentException("callengine.sip.session-min-se must be 1 second or more; got " + minSe);
    Duration max = sip.getDuration("max-call-duration");
    if (max.isNegative()) {
      throw new IllegalArgumentException("callengine.sip.max-call-duration (CALLENGINE_SIP_MAX_CALL_DURATION) must be 0 (no limit) "
          + "or a duration such as 4h; got " + sip.getString("max-call-duration"));
    }
    Duration interval = sip.getDuration("options-interval");
    Duration timeout = sip.getDuration("options-timeout");
    if (interval.isNegative() || timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("callengine.sip.options-interval (CALLENGINE_SIP_OPTIONS_INTERVAL) must be 0 (off) or a "
          + "duration such as 30s, and options-timeout a positive one; got " + sip.getString("options-interval") + " and "
          + sip.getString("options-timeout"));
    }
    return new LivenessSettings(ack, minSe, max, interval, timeout);
  }

  /** The ACK wait in JAIN-SIP dialog timer ticks ({@code gov.nist.javax.sip.DIALOG_TIMEOUT_FACTOR}). */
  int ackTimeoutTicks() {
    return (int) Math.max(1, (ackTimeout.toMillis() + T1.toMillis() - 1) / T1.toMillis());
  }

  boolean probesPhones() {
    return !optionsInterval.isZero();
  }
}
