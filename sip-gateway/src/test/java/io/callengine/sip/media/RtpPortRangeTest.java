package io.callengine.sip.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RtpPortRangeTest {

  @Test
  void parsesATypicalRange() {
    RtpPortRange range = RtpPortRange.parse(" 20000-29999 ");
    assertEquals(new RtpPortRange(20000, 29999), range);
    assertEquals(5000, range.size());
  }

  @Test
  void anEvenLastPortKeepsOnlyPairsThatFit() {
    assertEquals(5, new RtpPortRange(20000, 20010).size());
  }

  @Test
  void rejectsBadRangesWithAClearMessage() {
    assertMessage("even", "20001-29999");
    assertMessage("greater", "20000-20000");
    assertMessage("greater", "30000-20000");
    assertMessage("1024-65535", "1000-2000");
    assertMessage("1024-65535", "60000-70000");
    assertMessage("20000-29999", "20000");
    assertMessage("20000-29999", "a-b");
    assertMessage("20000-29999", "20000-29999-30000");
    assertMessage("missing", null);
  }

  private static void assertMessage(String fragment, String text) {
    var e = assertThrows(IllegalArgumentException.class, () -> RtpPortRange.parse(text));
    assertTrue(e.getMessage().contains(fragment), e.getMessage());
  }
}
