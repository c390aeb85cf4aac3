package io.callengine.sip.media;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MediaRelayTest {

  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  private static final long WAIT_SECONDS = 5;

  private final List<DatagramSocket> sockets = new ArrayList<>();
  private final List<RtpEndpoint> endpoints = new ArrayList<>();
  private MediaRelay relay;

  @BeforeEach
  void startRelay() {
    relay = new MediaRelay(LOOPBACK, RtpPortRange.parse("47000-47199"), 2);
  }

  @AfterEach
  void closeEverything() throws Exception {
    for (RtpEndpoint endpoint : endpoints) {
      endpoint.close().get(WAIT_SECONDS, TimeUnit.SECONDS);
    }
    sockets.forEach(DatagramSocket::close);
    relay.shutdown().get(WAIT_SECONDS, TimeUnit.SECONDS);
  }

  @Test
  void bridgedEndpointsCarryAudioBothWays() throws Exception {
    DatagramSocket customer = phone();
    DatagramSocket agent = phone();
    RtpEndpoint customerLeg = open();
    RtpEndpoint agentLeg = open();
    customerLeg.expectRemote(addressOf(customer));
    agentLeg.expectRemote(addressOf(agent));
    RtpEndpoint.bridge(customerLeg, agentLeg);

    byte[] hello = rtp(1, "hello agent");
    send(customer, hello, customerLeg);
    assertArrayEquals(hello, receive(agent));

    byte[] reply = rtp(7, "hello customer");
    send(agent, reply, agentLeg);
    assertArrayEquals(reply, receive(customer));

    awaitTrue(() -> customerLeg.packetsReceived() == 1 && customerLeg.packetsSent() == 1);
    awaitTrue(() -> agentLeg.packetsReceived() == 1 && agentLeg.packetsSent() == 1);
    assertEquals(0, customerLeg.packetsDropped() + agentLeg.packetsDropped());
  }

  @Test
  void latchesOnTheAddressPacketsReallyComeFrom() throws Exception {
    DatagramSocket advertised = phone();
    DatagramSocket customerBehindNat = phone();
    DatagramSocket agent = phone();
    RtpEndpoint customerLeg = open();
    RtpEndpoint agentLeg = open();
    customerLeg.expectRemote(addressOf(advertised));
    agentLeg.expectRemote(addressOf(agent));
    RtpEndpoint.bridge(customerLeg, agentLeg);

    byte[] early = rtp(1, "before the customer spoke");
    send(agent, early, agentLeg);
    assertArrayEquals(early, receive(advertised));

    byte[] fromNat = rtp(2, "from the real port");
    send(customerBehindNat, fromNat, customerLeg);
    assertArrayEquals(fromNat, receive(agent));
    assertEquals(addressOf(customerBehindNat), customerLeg.remoteAddress());

    byte[] late = rtp(3, "after latching");
    send(agent, late, agentLeg);
    assertArrayEquals(late, receive(customerBehindNat));
    assertEquals(2, customerLeg.packetsSent(), "each packet went out once: the one after latching to the real port only");
  }

  @Test
  void beforeBridgingPacketsAreCountedAndDropped() throws Exception {
    DatagramSocket customer = phone();
    RtpEndpoint customerLeg = open();
    customerLeg.expectRemote(addressOf(customer));
    long openedAt = customerLeg.lastPacketAt();

    send(customer, rtp(1, "hold on"), customerLeg);
    send(customer, "short".getBytes(StandardCharsets.US_ASCII), customerLeg);
    byte[] notRtp = rtp(2, "version one");
    notRtp[0] = 0x40;
    send(customer, notRtp, customerLeg);

    awaitTrue(() -> customerLeg.packetsDropped() == 3);
    assertEquals(1, customerLeg.packetsReceived());
    assertEquals(0, customerLeg.packetsSent());
    assertTrue(customerLeg.lastPacketAt() - openedAt > 0);
  }

  @Test
  void unbridgingStopsBothDirections() throws Exception {
    DatagramSocket customer = phone();
    DatagramSocket agent = phone();
    RtpEndpoint customerLeg = open();
    RtpEndpoint agentLeg = open();
    customerLeg.expectRemote(addressOf(customer));
    agentLeg.expectRemote(addressOf(agent));
    RtpEndpoint.bridge(customerLeg, agentLeg);

    customerLeg.unbridge();
    send(agent, rtp(1, "anyone there?"), agentLeg);

    awaitTrue(() -> agentLeg.packetsDropped() == 1); // counted as received, then dropped for want of a peer
    assertEquals(1, agentLeg.packetsReceived());
    assertEquals(0, customerLeg.packetsSent(), "nothing went to the customer");
  }

  @Test
  void closingReturnsThePortOnceAndTwiceIsHarmless() throws Exception {
    RtpEndpoint a = relay.open().get(WAIT_SECONDS, TimeUnit.SECONDS);
    RtpEndpoint b = relay.open().get(WAIT_SECONDS, TimeUnit.SECONDS);
    assertNotEquals(a.port(), b.port());
    assertEquals(2, relay.portsInUse());

    a.close().get(WAIT_SECONDS, TimeUnit.SECONDS);
    a.close().get(WAIT_SECONDS, TimeUnit.SECONDS);
    assertEquals(1, relay.portsInUse());
    b.close().get(WAIT_SECONDS, TimeUnit.SECONDS);
    b.close().get(WAIT_SECONDS, TimeUnit.SECONDS);
    assertEquals(0, relay.portsInUse());
  }

  @Test
  void anExhaustedRangeFailsTheOpen() throws Exception {
    relay.shutdown().get(WAIT_SECONDS, TimeUnit.SECONDS);
    relay = new MediaRelay(LOOPBACK, RtpPortRange.parse("47200-47203"), 1);
    open();
    open();

    var failure = assertThrows(ExecutionException.class,
        () -> relay.open().get(WAIT_SECONDS, TimeUnit.SECONDS));
    assertTrue(failure.getCause().getMessage().contains("exhausted"), failure.getCause().getMessage());
  }

  @Test
  void twoThousandEndpointsLeaveNoPortBehind() throws Exception {
    for (int round = 0; round < 40; round++) {
      List<CompletableFuture<RtpEndpoint>> opening = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        opening.add(relay.open());
      }
      List<CompletableFuture<Void>> closing = new ArrayList<>();
      for (CompletableFuture<RtpEndpoint> endpoint : opening) {
        closing.add(endpoint.get(WAIT_SECONDS, TimeUnit.SECONDS).close());
      }
      CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new))
          .get(WAIT_SECONDS, TimeUnit.SECONDS);
    }
    assertEquals(0, relay.portsInUse());
  }

  private RtpEndpoint open() throws Exception {
    RtpEndpoint endpoint = relay.open().get(WAIT_SECONDS, TimeUnit.SECONDS);
    endpoints.add(endpoint);
    return endpoint;
  }

  private DatagramSocket phone() throws IOException {
    DatagramSocket socket = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
    socket.setSoTimeout((int) TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
    sockets.add(socket);
    return socket;
  }

  private static InetSocketAddress addressOf(DatagramSocket socket) {
    return new InetSocketAddress(LOOPBACK, socket.getLocalPort());
  }

  private static void send(DatagramSocket from, byte[] data, RtpEndpoint to) throws IOException {
    from.send(new DatagramPacket(data, data.length, LOOPBACK, to.port()));
  }

  private static byte[] receive(DatagramSocket socket) throws IOException {
    byte[] buffer = new byte[2048];
    DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
    socket.receive(packet);
    return Arrays.copyOf(buffer, packet.getLength());
  }

  private static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "condition not met in time");
      Thread.sleep(10);
    }
  }

  /** A version 2 RTP header (PCMU, given sequence number) followed by text. */
  private static byte[] rtp(int sequence, String payload) {
    byte[] text = payload.getBytes(StandardCharsets.US_ASCII);
    byte[] packet = new byte[12 + text.length];
    packet[0] = (byte) 0x80;
    packet[1] = 0;
    packet[2] = (byte) (sequence >> 8);
    packet[3] = (byte) sequence;
    packet[11] = 0x2a;
    System.arraycopy(text, 0, packet, 12, text.length);
    return packet;
  }
}
