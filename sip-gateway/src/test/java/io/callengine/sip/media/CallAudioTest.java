package io.callengine.sip.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The frames a tapped call hands its listeners: each side's own audio, on the call's loop, while the relay goes on. */
class CallAudioTest {
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  private static final long WAIT_SECONDS = 10;
  private static final double CUSTOMER_HZ = 400;
  private static final double AGENT_HZ = 1000;

  private final List<DatagramSocket> sockets = new ArrayList<>();
  private final List<RtpEndpoint> endpoints = new ArrayList<>();
  private MediaRelay relay;

  @BeforeEach
  void startRelay() {
    relay = new MediaRelay(LOOPBACK, RtpPortRange.parse("44800-44899"), 2);
  }

  @AfterEach
  void closeEverything() throws Exception {
    for (RtpEndpoint endpoint : endpoints) endpoint.close().get(WAIT_SECONDS, TimeUnit.SECONDS);
    sockets.forEach(DatagramSocket::close);
    relay.shutdown().get(WAIT_SECONDS, TimeUnit.SECONDS);
  }

  @Test
  void listenersHearEachSideOnItsOwnWhileThePhonesStillHearEachOther() throws Exception {
    DatagramSocket customerPhone = phone();
    DatagramSocket agentPhone = phone();
    RtpEndpoint customer = track(relay.open().get(WAIT_SECONDS, TimeUnit.SECONDS));
    RtpEndpoint agent = track(relay.openBeside(customer).get(WAIT_SECONDS, TimeUnit.SECONDS));
    assertSame(customer.eventLoop(), agent.eventLoop(), "a leg opened beside another shares its event loop");
    customer.expectRemote(addressOf(customerPhone));
    agent.expectRemote(addressOf(agentPhone));
    RtpEndpoint.bridge(customer, agent);

    CallAudio audio = CallAudio.tap(customer, agent, RtpBytes.PCMU);
    ConcurrentLinkedQueue<short[]> customerFrames = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<short[]> agentFrames = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<Boolean> onLoop = new ConcurrentLinkedQueue<>();
    audio.add((fromCustomer, fromAgent) -> {
      onLoop.add(audio.loop().inEventLoop());
      if (fromCustomer != null) customerFrames.add(Tones.decode(G711Law.PCMU, fromCustomer));
      if (fromAgent != null) agentFrames.add(Tones.decode(G711Law.PCMU, fromAgent));
    });

    for (int i = 0; i < 25; i++) {
      send(customerPhone, tonePacket(CUSTOMER_HZ, i), customer);
      send(agentPhone, tonePacket(AGENT_HZ, i), agent);
      // A key press is not audio: it reaches the other phone but no listener.
      if (i == 5) send(customerPhone, RtpBytes.event(900, 0, true, 5, false, 160), customer);
      Thread.sleep(20); // a phone sends one frame every 20 ms: this paces the stream, it waits for nothing
    }
    // Ticks late on a busy machine cost frames (the queue keeps the newest three), never mix them up.
    awaitTrue(() -> customerFrames.size() >= 10 && agentFrames.size() >= 10);

    for (short[] frame : customerFrames) assertTone(frame, CUSTOMER_HZ, AGENT_HZ);
    for (short[] frame : agentFrames) assertTone(frame, AGENT_HZ, CUSTOMER_HZ);
    assertTrue(onLoop.stream().allMatch(Boolean::booleanValue), "listeners run on the call's event loop");
    awaitTrue(() -> agent.packetsSent() == 26 && customer.packetsSent() == 25);

    audio.stop();
    int heard = customerFrames.size();
    send(customerPhone, tonePacket(CUSTOMER_HZ, 30), customer);
    awaitTrue(() -> agent.packetsSent() == 27);
    // The stop ran on the loop before the packet above, and no tick runs after it.
    audio.loop().submit(() -> null).get(WAIT_SECONDS, TimeUnit.SECONDS);
    assertEquals(heard, customerFrames.size(), "a stopped tap hands out no more frames");
  }

  @Test
  void anotherAgentLegTakesOverTheAgentSide() throws Exception {
    DatagramSocket customerPhone = phone();
    DatagramSocket secondAgentPhone = phone();
    RtpEndpoint customer = track(relay.open().get(WAIT_SECONDS, TimeUnit.SECONDS));
    RtpEndpoint firstAgent = track(relay.openBeside(customer).get(WAIT_SECONDS, TimeUnit.SECONDS));
    RtpEndpoint secondAgent = track(relay.openBeside(customer).get(WAIT_SECONDS, TimeUnit.SECONDS));
    customer.expectRemote(addressOf(customerPhone));
    secondAgent.expectRemote(addressOf(secondAgentPhone));
    CallAudio audio = CallAudio.tap(customer, firstAgent, RtpBytes.PCMU);
    ConcurrentLinkedQueue<short[]> agentFrames = new ConcurrentLinkedQueue<>();
    audio.add((fromCustomer, fromAgent) -> {
      if (fromAgent != null) agentFrames.add(Tones.decode(G711Law.PCMU, fromAgent));
    });

    RtpEndpoint.bridge(customer, secondAgent);
    audio.agentChanged(secondAgent);
    for (int i = 0; i < 15; i++) {
      send(secondAgentPhone, tonePacket(AGENT_HZ, i), secondAgent);
      Thread.sleep(20); // paces the stream like a phone
    }
    awaitTrue(() -> agentFrames.size() >= 5);
    for (short[] frame : agentFrames) assertTone(frame, AGENT_HZ, CUSTOMER_HZ);
    RtpEndpoint elsewhere = track(relay.open().get(WAIT_SECONDS, TimeUnit.SECONDS));
    if (elsewhere.eventLoop() != customer.eventLoop()) {
      assertThrows(IllegalArgumentException.class, () -> audio.agentChanged(elsewhere));
    }
    audio.stop();
  }

  @Test
  void onlyLegsOnOneEventLoopCanBeTapped() throws Exception {
    RtpEndpoint first = track(relay.open().get(WAIT_SECONDS, TimeUnit.SECONDS));
    RtpEndpoint other = track(relay.open().get(WAIT_SECONDS, TimeUnit.SECONDS));
    // Two loops hand out channels in turn: the next plain open lands on the other one.
    assertNotSame(first.eventLoop(), other.eventLoop());
    assertThrows(IllegalArgumentException.class, () -> CallAudio.tap(first, other, RtpBytes.PCMU));
  }

  @Test
  void aQueueKeepsTheNewestFramesWhenItsReaderFallsBehind() {
    RtpEndpoint endpoint = new RtpEndpoint(1, port -> {});
    FrameQueue queue = FrameQueue.on(endpoint, RtpBytes.PCMU);
    for (int i = 0; i < FrameQueue.DEPTH + 2; i++) {
      byte[] payload = new byte[160];
      payload[0] = (byte) i;
      ByteBuf packet = RtpBytes.buf(RtpBytes.rtp(false, RtpBytes.PCMU, i, i * 160L, RtpBytes.SSRC, payload));
      endpoint.tapped(packet, 12, 160);
    }
    assertEquals(2, queue.dropped());
    for (int i = 2; i < FrameQueue.DEPTH + 2; i++) {
      ByteBuf frame = queue.take();
      assertEquals(i, frame.getByte(frame.readerIndex()), "oldest first, after the two given up");
      assertEquals(160, frame.readableBytes());
    }
    assertNull(queue.take(), "nothing more was sent");

    queue.detach();
    endpoint.tapped(RtpBytes.buf(RtpBytes.audio(9, 9 * 160L)), 12, 160);
    assertNull(queue.take(), "a detached queue is fed no more");
  }

  private static void assertTone(short[] frame, double expectedHz, double otherHz) {
    assertEquals(160, frame.length);
    double expected = Tones.amplitude(frame, expectedHz);
    assertTrue(expected > 4000, "the side's own tone is in its frames: " + expected);
    assertTrue(Tones.amplitude(frame, otherHz) < expected / 20, "the other side's tone is not");
  }

  private static byte[] tonePacket(double hz, int index) {
    ByteBuf payload = Tones.encode(G711Law.PCMU, Tones.tone(hz, 8000, index));
    return RtpBytes.rtp(index == 0, RtpBytes.PCMU, index, index * 160L, RtpBytes.SSRC, ByteBufUtil.getBytes(payload));
  }

  private RtpEndpoint track(RtpEndpoint endpoint) {
    endpoints.add(endpoint);
    return endpoint;
  }

  private DatagramSocket phone() throws IOException {
    DatagramSocket socket = new DatagramSocket(0, LOOPBACK);
    socket.setSoTimeout((int) TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
    sockets.add(socket);
    return socket;
  }

  private static InetSocketAddress addressOf(DatagramSocket socket) {
    return new InetSocketAddress(LOOPBACK, socket.getLocalPort());
  }

  private static void send(DatagramSocket from, byte[] data, RtpEndpoint to) throws IOException {
    from.send(new DatagramPacket(data, data.length, new InetSocketAddress(LOOPBACK, to.port())));
  }

  private static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new AssertionError("condition not met within " + WAIT_SECONDS + " s");
      Thread.sleep(10);
    }
  }
}
