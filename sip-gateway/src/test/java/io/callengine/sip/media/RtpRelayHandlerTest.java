package io.callengine.sip.media;

import static io.callengine.sip.media.RtpBytes.TELEPHONE_EVENT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The relay pipeline of two bridged legs, in memory: what is forwarded and what is learnt. */
class RtpRelayHandlerTest {

  private static final InetSocketAddress CUSTOMER = new InetSocketAddress("127.0.0.1", 41000);
  private static final InetSocketAddress STRANGER = new InetSocketAddress("127.0.0.1", 41002);
  private static final InetSocketAddress AGENT = new InetSocketAddress("127.0.0.1", 42000);
  private static final InetSocketAddress CUSTOMER_LEG_PORT = new InetSocketAddress("127.0.0.1", 20000);

  private final StringBuilder digits = new StringBuilder();
  private final List<Integer> durations = new ArrayList<>();
  private RtpEndpoint customerLeg;
  private RtpEndpoint agentLeg;
  private EmbeddedChannel customerChannel;
  private EmbeddedChannel agentChannel;

  @BeforeEach
  void bridgeTwoLegs() {
    customerLeg = new RtpEndpoint(20000, port -> {});
    agentLeg = new RtpEndpoint(20002, port -> {});
    customerChannel = new EmbeddedChannel(new RtpRelayHandler(customerLeg));
    agentChannel = new EmbeddedChannel(new RtpRelayHandler(agentLeg));
    customerLeg.attach(customerChannel);
    agentLeg.attach(agentChannel);
    customerLeg.expectRemote(CUSTOMER);
    agentLeg.expectRemote(AGENT);
    RtpEndpoint.bridge(customerLeg, agentLeg);
  }

  @AfterEach
  void closeBothChannels() {
    customerChannel.finishAndReleaseAll();
    agentChannel.finishAndReleaseAll();
  }

  @Test
  void audioAndDigitsAreForwardedUntouchedWhileStatsAndDigitsAreTaken() {
    customerLeg.detectDtmf(TELEPHONE_EVENT, (digit, ms) -> {
      digits.append(digit);
      durations.add(ms);
    });
    List<byte[]> sent = new ArrayList<>();
    int seq = 7;
    long ts = 160_000;
    for (int i = 0; i < 10; i++, ts += 160) {
      sent.add(RtpBytes.audio(seq++, ts));
    }
    seq++; // one packet lost on the way
    ts += 160;
    for (int duration : new int[] {400, 800, 1200}) {
      sent.add(RtpBytes.event(seq++, ts, duration == 400, 1, false, duration));
    }
    for (int i = 0; i < 3; i++) {
      sent.add(RtpBytes.event(seq++, ts, false, 1, true, 1600));
    }
    ts += 1600;
    for (int i = 0; i < 5; i++, ts += 160) {
      sent.add(RtpBytes.audio(seq++, ts));
    }
    sent.forEach(packet -> fromCustomer(CUSTOMER, packet));

    for (byte[] packet : sent) {
      DatagramPacket out = agentChannel.readOutbound();
      assertEquals(AGENT, out.recipient());
      assertArrayEquals(packet, ByteBufUtil.getBytes(out.content()));
      out.release();
    }
    assertNull(agentChannel.readOutbound());

    StreamQuality q = customerLeg.quality();
    assertEquals(sent.size(), q.packets());
    assertEquals(sent.size() + 1, q.expected());
    assertEquals(1, q.lost());
    assertTrue(q.lastPacketAt().isAfter(Instant.now().minusSeconds(60)));
    assertEquals("1", digits.toString());
    assertEquals(List.of(200), durations);
    assertEquals(sent.size(), agentLeg.packetsSent());
  }

  @Test
  void strangersAndMalformedPacketsDoNotCount() {
    fromCustomer(CUSTOMER, RtpBytes.audio(1, 160));
    fromCustomer(STRANGER, RtpBytes.audio(900, 99_999)); // dropped: the leg latched on the customer
    byte[] malformed = Arrays.copyOf(RtpBytes.audio(2, 320), 40);
    malformed[0] = (byte) 0x8F; // 15 CSRCs claimed: a 72-byte header in a 40-byte datagram
    fromCustomer(CUSTOMER, malformed); // forwarded as before, but not RTP enough to measure
    fromCustomer(CUSTOMER, RtpBytes.audio(3, 480));

    assertEquals(1, customerLeg.packetsDropped());
    assertEquals(3, customerLeg.packetsReceived());
    StreamQuality q = customerLeg.quality();
    assertEquals(2, q.packets());
    assertEquals(3, q.expected());
    assertEquals(1, q.lost());
    agentChannel.releaseOutbound();
  }

  @Test
  void aDigitWhoseEndsAreLostIsFlushedByTheEventLoop() {
    customerChannel.freezeTime(); // the detector and the flush timer keep the channel's time, which the test moves
    customerLeg.detectDtmf(TELEPHONE_EVENT, (digit, ms) -> digits.append(digit));
    fromCustomer(CUSTOMER, RtpBytes.event(1, 8000, true, 10, false, 400));
    fromCustomer(CUSTOMER, RtpBytes.event(2, 8000, false, 10, false, 800));
    assertEquals("", digits.toString());

    long timeout = TimeUnit.NANOSECONDS.toMillis(DtmfDetector.DEFAULT_END_TIMEOUT_NANOS);
    customerChannel.advanceTimeBy(timeout - 1, TimeUnit.MILLISECONDS);
    customerChannel.runScheduledPendingTasks();
    assertEquals("", digits.toString(), "the timer looked, but the end packets may still come");
    customerChannel.advanceTimeBy(100, TimeUnit.MILLISECONDS);
    customerChannel.runScheduledPendingTasks();
    assertEquals("*", digits.toString());
    agentChannel.releaseOutbound();
  }

  @Test
  void listeningForDigitsSchedulesNothingUntilAKeyIsPressed() {
    customerLeg.detectDtmf(TELEPHONE_EVENT, (digit, ms) -> digits.append(digit));
    fromCustomer(CUSTOMER, RtpBytes.audio(1, 160));
    assertEquals(-1, customerChannel.runScheduledPendingTasks(), "an idle call's leg has no timer");
    fromCustomer(CUSTOMER, RtpBytes.event(2, 8000, true, 10, false, 400));
    assertTrue(customerChannel.runScheduledPendingTasks() > 0, "a key press is looked at again in a moment");
    agentChannel.releaseOutbound();
  }

  private void fromCustomer(InetSocketAddress from, byte[] packet) {
    ByteBuf content = Unpooled.copiedBuffer(packet);
    customerChannel.writeInbound(new DatagramPacket(content, CUSTOMER_LEG_PORT, from));
  }
}
