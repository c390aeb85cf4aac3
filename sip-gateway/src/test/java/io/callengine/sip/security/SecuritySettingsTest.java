package io.callengine.sip.security;

import io.callengine.core.security.Limit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.net.InetAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SecuritySettingsTest {

  private static SecuritySettings with(String hocon) {
    return SecuritySettings.from(ConfigFactory.parseString(hocon).withFallback(ConfigFactory.load()));
  }

  @Test
  void theDefaultsLimitEverySourceAndTrustNone() throws Exception {
    SecuritySettings s = with("");
    assertEquals(new Limit(10, 30), s.invite());
    assertEquals(new Limit(20, 60), s.register());
    assertEquals(Duration.ofSeconds(5), s.retryAfter());
    assertEquals(10, s.maxCallsInSetupPerSource());
    assertEquals(new AuthLockout.Settings(10, Duration.ofMinutes(5), Duration.ofMinutes(15), 100_000), s.lockout());
    assertTrue(s.trusted().isEmpty());
  }

  @Test
  void aRateOfZeroIsNoLimitAndTrustedSourcesAreAList() throws Exception {
    SecuritySettings s = with("callengine.sip.security { invite-rate = 0, register-rate = 0.5, register-burst = 2,"
        + " trusted-sources = \"10.0.0.5, 192.0.2.0/24\" }");
    assertNull(s.invite());
    assertEquals(new Limit(0.5, 2), s.register());
    assertTrue(s.trusted().contains(InetAddress.getByName("192.0.2.9")));
    assertTrue(s.trusted().contains(InetAddress.getByName("10.0.0.5")));
  }

  @Test
  void badValuesStopTheStartNamingTheSettingAndItsVariable() {
    // Each bad value: an IllegalArgumentException whose message names the setting (and its variable).
    assertTrue(assertThrows(IllegalArgumentException.class, () -> with("callengine.sip.security.trusted-sources = \"kamailio.local\""))
        .getMessage().contains("CALLENGINE_SIP_TRUSTED_SOURCES"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> with("callengine.sip.security.invite-rate = -1"))
        .getMessage().contains("CALLENGINE_SIP_INVITE_RATE"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> with("callengine.sip.security { register-rate = 5, register-burst = 0 }"))
        .getMessage().contains("register-burst"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> with("callengine.sip.security.auth-max-failures = -3"))
        .getMessage().contains("CALLENGINE_SIP_AUTH_MAX_FAILURES"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> with("callengine.sip.security.auth-lockout = 0s"))
        .getMessage().contains("auth-lockout"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> with("callengine.sip.security.max-calls-in-setup-per-source = -1"))
        .getMessage().contains("max-calls-in-setup-per-source"));
  }
}
