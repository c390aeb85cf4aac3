package io.callengine.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The liveness settings' defaults, and a bad value stops the start with the setting's name. */
class LivenessSettingsTest {

  @Test
  void theDefaultsAreTheRfcsAndTheDocumentedOnes() {
    LivenessSettings settings = settings("");
    assertEquals(Duration.ofSeconds(32), settings.ackTimeout());
    assertEquals(64, settings.ackTimeoutTicks(), "64 x T1");
    assertEquals(90, settings.minSessionExpires());
    assertEquals(Duration.ofHours(4), settings.maxCallDuration());
    assertEquals(Duration.ofSeconds(30), settings.optionsInterval());
    assertFalse(settings("options-interval = 0").probesPhones(), "0 turns the probe off");
    assertEquals(3, settings("ack-timeout = 1100ms").ackTimeoutTicks(), "rounded up to whole ticks");
  }

  @Test
  void badValuesAreRefusedWithTheSettingsName() {
    assertEquals("callengine.sip.ack-timeout must be at least 500ms (T1); got 100ms", error("ack-timeout = 100ms"));
    assertEquals("callengine.sip.session-min-se must be 1 second or more; got 0", error("session-min-se = 0"));
    assertEquals("callengine.sip.max-call-duration (CALLENGINE_SIP_MAX_CALL_DURATION) must be 0 (no limit) or a duration such as 4h; "
        + "got -1s", error("max-call-duration = -1s"));
    assertEquals("callengine.sip.options-interval (CALLENGINE_SIP_OPTIONS_INTERVAL) must be 0 (off) or a duration such as 30s, "
        + "and options-timeout a positive one; got 30s and 0", error("options-timeout = 0"));
  }

  private static LivenessSettings settings(String overrides) {
    return LivenessSettings.from(ConfigFactory.parseString(overrides).withFallback(ConfigFactory.load().getConfig("callengine.sip")));
  }

  private static String error(String overrides) {
    return assertThrows(IllegalArgumentException.class, () -> settings(overrides)).getMessage();
  }
}
