package io.callengine.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

/** What {@code callengine.sip.outbound-proxy} accepts: host:port or nothing; anything else stops the start, naming the setting. */
class OutboundProxyTest {

  private static OutboundProxy parse(String value) {
    return OutboundProxy.from(ConfigFactory.parseString("callengine.sip.outbound-proxy = \"" + value + "\""));
  }

  @Test
  void hostAndPortOrNothing() {
    assertEquals("sbc.example.com:5060", parse("sbc.example.com:5060").hostPort());
    assertEquals("10.0.0.7:5080", parse(" 10.0.0.7:5080 ").hostPort());
    assertEquals("[2001:db8::1]:5060", parse("[2001:db8::1]:5060").hostPort());
    assertNull(parse("").hostPort(), "empty: straight to the number's host");
  }

  @Test
  void anythingElseIsRefusedNamingTheSetting() {
    for (String bad : new String[] {"sbc.example.com", "sip:sbc.example.com:5060", "host:port", "a b:5060"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> parse(bad), bad);
      assertTrue(e.getMessage().contains("CALLENGINE_SIP_OUTBOUND_PROXY"), e.getMessage());
    }
  }
}
