package io.callengine.sip.security;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrustedSourcesTest {

  @Test
  void addressesAndCidrBlocksOfBothFamiliesMatch() throws Exception {
    TrustedSources trusted = TrustedSources.parse(List.of("10.0.0.5", " 192.0.2.0/24", "2001:db8::/32", ""), "setting");
    assertTrue(trusted.contains(InetAddress.getByName("10.0.0.5")));
    assertFalse(trusted.contains(InetAddress.getByName("10.0.0.6")));
    assertTrue(trusted.contains(InetAddress.getByName("192.0.2.200")));
    assertFalse(trusted.contains(InetAddress.getByName("192.0.3.1")));
    assertTrue(trusted.contains(InetAddress.getByName("2001:db8:1::7")));
    assertFalse(trusted.contains(InetAddress.getByName("2001:db9::1")));
    assertFalse(trusted.contains(null));
    assertTrue(TrustedSources.parse(List.of("0.0.0.0/0"), "s").contains(InetAddress.getByName("203.0.113.9")));
    assertTrue(TrustedSources.parse(List.of("10.1.2.3/12"), "s").contains(InetAddress.getByName("10.15.0.1")));
    assertFalse(TrustedSources.parse(List.of("10.1.2.3/12"), "s").contains(InetAddress.getByName("10.16.0.1")));
  }

  @Test
  void aHostNameOrABadPrefixIsAnErrorNamingTheSetting() {
    // A host name would need DNS on the SIP thread: refused, as are prefixes out of range.
    for (String bad : List.of("kamailio.example.com", "10.0.0.0/33", "10.0.0.0/x", "2001:db8::/129", "300.1.1.1")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrustedSources.parse(List.of(bad), "the-setting"));
      assertTrue(e.getMessage().startsWith("the-setting: '" + bad + "'"), e.getMessage());
    }
  }
}
