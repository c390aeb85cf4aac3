package io.callengine.sip.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** Which source a leg latches onto: the announced address beats its host on another port, which beats any other host; never the other way. */
class RtpLatchTest {
  private static final InetSocketAddress ANNOUNCED = new InetSocketAddress("192.0.2.10", 4000);
  private static final InetSocketAddress SAME_HOST = new InetSocketAddress("192.0.2.10", 4100);
  private static final InetSocketAddress OTHER_SAME_HOST = new InetSocketAddress("192.0.2.10", 4200);
  private static final InetSocketAddress BEHIND_NAT = new InetSocketAddress("198.51.100.7", 61000);
  private static final InetSocketAddress ELSEWHERE = new InetSocketAddress("203.0.113.9", 5000);

  @Test
  void theFirstSourceLatchesAndACloserOneTakesOver() {
    RtpLatch latch = RtpLatch.announced(ANNOUNCED);
    assertEquals(ANNOUNCED, latch.address(), "before anything arrives, packets go where the SDP says");
    RtpLatch stray = latch.after(ELSEWHERE);
    assertEquals(ELSEWHERE, stray.address(), "a phone behind NAT is reachable only where its packets come from");
    assertNull(stray.after(BEHIND_NAT), "another host does not take over from a host");
    RtpLatch sameHost = stray.after(SAME_HOST);
    assertEquals(SAME_HOST, sameHost.address(), "the announced host takes over from another host");
    assertNull(sameHost.after(OTHER_SAME_HOST), "another port of the same host does not take over");
    assertNull(sameHost.after(ELSEWHERE));
    assertSame(sameHost, sameHost.after(SAME_HOST), "the latched source is taken as it is");
    RtpLatch announced = sameHost.after(ANNOUNCED);
    assertEquals(ANNOUNCED, announced.address(), "the announced address takes over from anything");
    assertNull(announced.after(SAME_HOST), "and keeps it");
    assertNull(announced.after(ELSEWHERE));
  }

  @Test
  void withoutAnAnnouncementTheFirstSourceKeepsIt() {
    RtpLatch first = RtpLatch.NOTHING_KNOWN.after(ELSEWHERE);
    assertEquals(ELSEWHERE, first.address());
    assertNull(first.after(BEHIND_NAT));
    assertNull(RtpLatch.NOTHING_KNOWN.address());
  }
}
