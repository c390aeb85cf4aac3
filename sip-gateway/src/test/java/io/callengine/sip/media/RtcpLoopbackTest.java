package io.callengine.sip.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.callengine.sip.media.RtcpPacket.ReportBlock;
import io.callengine.sip.media.RtcpPacket.SenderReport;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** RTCP between the relay and phones over real sockets on 127.0.0.1. */
class RtcpLoopbackTest {

  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  private static final long WAIT_NANOS = TimeUnit.SECONDS.toNanos(5);
  private static final Duration RTCP_INTERVAL = Duration.ofMillis(200);
  private static final long CUSTOMER_SSRC = 0x0C0C_0C0CL;
  private static final long AGENT_SSRC = 0x0A0A_0A0AL;

  /** A phone's RTP socket and the RTCP socket on the port above it. */
  private record Phone(DatagramSocket rtp, DatagramSocket rtcp) {}

  private final List<DatagramSocket> sockets = new ArrayList<>();
  private final List<RtpEndpoint> endpoints = new ArrayList<>();
  private MediaRelay relay;

  @BeforeEach
  void startRelay() {
    relay = new MediaRelay(LOOPBACK, RtpPortRange.parse("47600-47699"), 2, RTCP_INTERVAL);
  }

  @AfterEach
  void closeEverything() throws Exception {
    for (RtpEndpoint endpoint : endpoints) {
      endpoint.close().get(5, TimeUnit.SECONDS);
    }
    sockets.forEach(DatagramSocket::close);
    relay.shutdown().get(5, TimeUnit.SECONDS);
  }

  @Test
  void aPhoneThatEchoesTheSrLateShowsTheRoundTripFromTheSrToItsEcho() throws Exception {
    Phone customer = phone();
    DatagramSocket agent = socket(0);
    RtpEndpoint customerLeg = open();
    RtpEndpoint agentLeg = open();
    customerLeg.expectRemote(new InetSocketAddress(LOOPBACK, customer.rtp().getLocalPort()));
    agentLeg.expectRemote(new InetSocketAddress(LOOPBACK, agent.getLocalPort()));
    RtpEndpoint.bridge(customerLeg, agentLeg);

    // Both phones talk every 20 ms until the customer's phone hears an SR on its RTCP port.
    SenderReport sr = null;
    long deadline = System.nanoTime() + WAIT_NANOS;
    for (int seq = 1; sr == null && seq <= 500 && System.nanoTime() < deadline; seq++) {
      send(customer.rtp(), RtpBytes.rtp(false, 0, seq, 160L * seq, CUSTOMER_SSRC, new byte[160]), customerLeg.port());
      send(agent, RtpBytes.rtp(false, 0, seq, 160L * seq, AGENT_SSRC, new byte[160]), agentLeg.port());
      sr = senderReport(customer.rtcp(), customerLeg.port() + 1, 20);
      if (sr != null && sr.reports().isEmpty()) {
        sr = null; // sent before the customer's first packet was read: wait for the next
      }
    }
    assertNotNull(sr, "no SR reached the customer's RTCP port");
    assertEquals(AGENT_SSRC, sr.ssrc(), "the SR speaks for the agent's relayed stream");
    assertTrue(sr.sender().packets() > 0);
    assertEquals(CUSTOMER_SSRC, sr.reports().get(0).ssrc(), "the block is about the customer's stream");
    assertTrue(Double.isNaN(customerLeg.quality().rttMs()));

    Thread.sleep(100); // the phone holds the SR this long before it echoes it (saying it held it for 0)
    long lastSr = NtpTime.middle32(sr.sender().ntpTimestamp());
    ByteBuf rr = Unpooled.buffer();
    RtcpCodec.writeReceiverReport(rr, CUSTOMER_SSRC, List.of(new ReportBlock(AGENT_SSRC, 0, 0, 1, 0, lastSr, 0)));
    RtcpCodec.writeSourceDescription(rr, CUSTOMER_SSRC, "customer@127.0.0.1");
    long echoed = System.nanoTime();
    send(customer.rtcp(), ByteBufUtil.getBytes(rr), customerLeg.port() + 1);

    deadline = System.nanoTime() + WAIT_NANOS;
    while (Double.isNaN(customerLeg.quality().rttMs()) && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    long measured = System.nanoTime();
    double rtt = customerLeg.quality().rttMs();
    // The relay takes the RR's arrival between the echo and now, on the clock the SR's time came from (one JVM):
    // the round trip lies between these two, whatever the machine's load made of them.
    double atLeast = NtpTime.roundTripMs(NtpTime.middle32(NtpTime.at(echoed)), lastSr, 0);
    double atMost = NtpTime.roundTripMs(NtpTime.middle32(NtpTime.at(measured)), lastSr, 0);
    assertTrue(atLeast >= 100, "the SR was held " + atLeast + " ms");
    assertTrue(rtt >= atLeast - 0.1 && rtt <= atMost + 0.1, "round trip " + rtt + " ms, between " + atLeast + " and " + atMost);
    assertEquals(1, customerLeg.rtcp().packetsReceived());
    assertEquals(0, customerLeg.rtcp().packetsDropped());
  }

  @Test
  void holdAudioIsReportedInThePlayersName() throws Exception {
    Phone customer = phone();
    RtpEndpoint leg = open();
    leg.expectRemote(new InetSocketAddress(LOOPBACK, customer.rtp().getLocalPort()));
    leg.player().play(Playlist.looping(AudioClip.fromPcm("hum", new short[8000])), Codec.PCMU);

    SenderReport sr = null;
    long deadline = System.nanoTime() + WAIT_NANOS;
    while (sr == null && System.nanoTime() < deadline) {
      sr = senderReport(customer.rtcp(), leg.port() + 1, 100);
    }
    leg.player().stop();
    assertNotNull(sr, "no SR while the music played");
    assertEquals(leg.player().ssrc() & 0xFFFFFFFFL, sr.ssrc());
    assertTrue(sr.sender().packets() > 0);
    assertEquals(sr.sender().packets() * 160, sr.sender().octets());
    assertEquals(List.of(), sr.reports(), "the customer has sent nothing");
  }

  @Test
  void theRtcpPortIsHeldWithTheRtpPortAndFreedWithIt() throws Exception {
    RtpEndpoint leg = relay.open().get(5, TimeUnit.SECONDS);
    int rtcpPort = leg.port() + 1;
    assertThrows(SocketException.class, () -> new DatagramSocket(new InetSocketAddress(LOOPBACK, rtcpPort)).close());

    leg.close().get(5, TimeUnit.SECONDS);
    leg.close().get(5, TimeUnit.SECONDS);
    assertEquals(0, relay.portsInUse());
    assertBindsSoon(leg.port());
    assertBindsSoon(rtcpPort);
  }

  @Test
  void aPairWhoseRtcpPortIsTakenIsSkippedAndItsRtpPortFreed() throws Exception {
    relay.shutdown().get(5, TimeUnit.SECONDS);
    relay = new MediaRelay(LOOPBACK, RtpPortRange.parse("47700-47703"), 1, RTCP_INTERVAL);
    socket(47701);

    RtpEndpoint leg = open();

    assertEquals(47702, leg.port());
    assertEquals(1, relay.portsInUse());
    assertBindsSoon(47700);
  }

  private RtpEndpoint open() throws Exception {
    RtpEndpoint endpoint = relay.open().get(5, TimeUnit.SECONDS);
    endpoints.add(endpoint);
    return endpoint;
  }

  /** A phone whose RTCP port is the one above its RTP port, as RFC 3550 has it. */
  private Phone phone() throws IOException {
    for (int attempt = 0; attempt < 50; attempt++) {
      DatagramSocket rtp = socket(0);
      if (rtp.getLocalPort() < 65535) {
        try {
          return new Phone(rtp, socket(rtp.getLocalPort() + 1));
        } catch (SocketException taken) {
          // another process holds the port above: try another pair
        }
      }
      rtp.close();
    }
    return fail("no free pair of ports");
  }

  /** NIO lets go of a closed socket at the selector's next wake-up, hence a few tries. */
  private void assertBindsSoon(int port) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT_NANOS;
    while (true) {
      try {
        socket(port).close();
        return;
      } catch (SocketException stillBound) {
        assertTrue(System.nanoTime() < deadline, "port " + port + " is still bound");
        Thread.sleep(10);
      }
    }
  }

  private DatagramSocket socket(int port) throws SocketException {
    DatagramSocket socket = new DatagramSocket(new InetSocketAddress(LOOPBACK, port));
    sockets.add(socket);
    return socket;
  }

  private static void send(DatagramSocket from, byte[] data, int port) throws IOException {
    from.send(new DatagramPacket(data, data.length, LOOPBACK, port));
  }

  /** The SR of the next compound from {@code fromPort} within {@code millis}; null for none or an RR. */
  private static SenderReport senderReport(DatagramSocket socket, int fromPort, int millis) throws IOException {
    byte[] buffer = new byte[1500];
    DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
    socket.setSoTimeout(millis);
    try {
      socket.receive(packet);
    } catch (SocketTimeoutException e) {
      return null;
    }
    assertEquals(fromPort, packet.getPort(), "RTCP comes from the RTCP port");
    List<RtcpPacket> compound = RtcpCodec.parse(Unpooled.wrappedBuffer(buffer, 0, packet.getLength())).orElseThrow();
    return compound.get(0) instanceof SenderReport sr ? sr : null;
  }
}
