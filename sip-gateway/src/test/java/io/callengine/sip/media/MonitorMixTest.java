package io.callengine.sip.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A monitor's mix over real UDP sockets on 127.0.0.1, three sockets playing the customer's, the
 * agent's and the supervisor's phones: the agent's whispered audio is one RTP stream of the
 * engine's (one SSRC, consecutive sequence numbers, timestamps 160 apart, a marker at its
 * start) carrying customer and supervisor, and the direct relay comes back when the mode
 * returns to listen and when the mix stops.
 */
class MonitorMixTest {
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  private static final int CUSTOMER_SSRC = 0x1111;
  private static final double A = 1000;
  private static final double B = 500;
  private static final double C = 300;
  private static final int AMPLITUDE = 8000;

  private MediaRelay relay;
  private final List<DatagramSocket> sockets = new ArrayList<>();
  private final List<RtpEndpoint> endpoints = new ArrayList<>();
  private CallAudio audio;

  /** One received packet, parsed. */
  private record Rtp(boolean marker, int sequence, int timestamp, int ssrc, byte[] payload) {}

  @BeforeEach
  void startRelay() {
    relay = new MediaRelay(LOOPBACK, RtpPortRange.parse("43900-43999"), 2);
  }

  @AfterEach
  void closeEverything() throws Exception {
    if (audio != null) audio.stop();
    for (RtpEndpoint endpoint : endpoints) endpoint.close().get(5, TimeUnit.SECONDS);
    sockets.forEach(DatagramSocket::close);
    relay.shutdown().get(5, TimeUnit.SECONDS);
  }

  @Test
  void whisperSendsTheAgentOneStreamOfCustomerAndSupervisorUntilListenGivesTheRelayBack() throws Exception {
    DatagramSocket customerPhone = phone();
    DatagramSocket agentPhone = phone();
    DatagramSocket supervisorPhone = phone();
    RtpEndpoint customer = facing(customerPhone, relay.open().get(5, TimeUnit.SECONDS));
    RtpEndpoint agent = facing(agentPhone, relay.openBeside(customer).get(5, TimeUnit.SECONDS));
    RtpEndpoint supervisor = facing(supervisorPhone, relay.openBeside(customer).get(5, TimeUnit.SECONDS));
    RtpEndpoint.bridge(customer, agent);
    audio = CallAudio.tap(customer, agent, 0);
    MonitorMix mix = MonitorMix.start(audio, customer, agent, supervisor, Codec.PCMU, MonitorMode.WHISPER);

    talk(customerPhone, customer, agentPhone, agent, supervisorPhone, supervisor, 50);
    List<Rtp> whispered = receive(agentPhone, 40);
    assertTrue(whispered.get(0).marker(), "the engine's stream starts a talk spurt");
    for (int i = 1; i < whispered.size(); i++) {
      Rtp previous = whispered.get(i - 1);
      Rtp packet = whispered.get(i);
      assertTrue(packet.ssrc() != CUSTOMER_SSRC && packet.ssrc() == previous.ssrc(), "one stream of the engine's, no relayed packet");
      assertEquals((previous.sequence() + 1) & 0xFFFF, packet.sequence(), "sequence of packet " + i);
      assertEquals(previous.timestamp() + 160, packet.timestamp(), "timestamp of packet " + i);
      assertFalse(packet.marker(), "one talk spurt");
    }
    // Frame by frame: a busy machine may leave a tick without input (silence), never a tone where none belongs.
    int both = 0;
    for (Rtp packet : whispered) {
      double[] heard = amplitudes(List.of(packet));
      assertTrue(heard[1] < 0.05 * AMPLITUDE, "the agent never hears itself: " + Arrays.toString(heard));
      if (heard[0] > 0.9 * AMPLITUDE && heard[2] > 0.9 * AMPLITUDE) both++;
    }
    assertTrue(both >= 5, "the agent hears customer and supervisor together in " + both + " of " + whispered.size() + " frames");

    mix.mode(MonitorMode.LISTEN);
    drain(agentPhone);
    talk(customerPhone, customer, agentPhone, agent, supervisorPhone, supervisor, 30);
    List<Rtp> listened = receive(agentPhone, 25);
    Rtp last = listened.get(listened.size() - 1);
    assertEquals(CUSTOMER_SSRC, last.ssrc(), "in listen the customer's own packets reach the agent again");

    mix.stop();
    drain(supervisorPhone);
    drain(agentPhone);
    talk(customerPhone, customer, agentPhone, agent, supervisorPhone, supervisor, 5);
    assertEquals(CUSTOMER_SSRC, receive(agentPhone, 5).get(4).ssrc(), "stopped: the relay is direct");
    supervisorPhone.setSoTimeout(200);
    assertNull(readRaw(supervisorPhone), "stopped: nothing more for the supervisor");
  }

  /** Each phone sends its tone for {@code frames} frames at a phone's pace (the pace, not a wait for anything). */
  private static void talk(DatagramSocket customerPhone, RtpEndpoint customer, DatagramSocket agentPhone, RtpEndpoint agent,
      DatagramSocket supervisorPhone, RtpEndpoint supervisor, int frames) throws Exception {
    for (int i = 0; i < frames; i++) {
      send(customerPhone, customer, CUSTOMER_SSRC, i, A);
      send(agentPhone, agent, 0x2222, i, B);
      send(supervisorPhone, supervisor, 0x3333, i, C);
      Thread.sleep(20);
    }
  }

  private static int sequence;

  private static void send(DatagramSocket phone, RtpEndpoint to, int ssrc, int frame, double hz) throws IOException {
    ByteBuf payload = Tones.encode(G711Law.PCMU, Tones.tone(hz, AMPLITUDE, frame));
    ByteBuffer packet = ByteBuffer.allocate(12 + payload.readableBytes());
    int seq = sequence++;
    packet.put((byte) 0x80).put((byte) 0).putShort((short) seq).putInt(seq * 160).putInt(ssrc);
    payload.readBytes(packet);
    phone.send(new DatagramPacket(packet.array(), packet.capacity(), new InetSocketAddress(LOOPBACK, to.port())));
  }

  private static double[] amplitudes(List<Rtp> packets) {
    short[][] frames = new short[packets.size()][];
    for (int i = 0; i < frames.length; i++) {
      frames[i] = Tones.decode(G711Law.PCMU, io.netty.buffer.Unpooled.wrappedBuffer(packets.get(i).payload()));
    }
    short[] all = Tones.concat(frames);
    return new double[] {Tones.amplitude(all, A), Tones.amplitude(all, B), Tones.amplitude(all, C)};
  }

  private RtpEndpoint facing(DatagramSocket phone, RtpEndpoint endpoint) {
    endpoints.add(endpoint);
    endpoint.expectRemote(new InetSocketAddress(LOOPBACK, phone.getLocalPort()));
    return endpoint;
  }

  private DatagramSocket phone() throws IOException {
    DatagramSocket socket = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
    sockets.add(socket);
    return socket;
  }

  private static List<Rtp> receive(DatagramSocket socket, int count) throws IOException {
    socket.setSoTimeout(5000);
    List<Rtp> packets = new ArrayList<>(count);
    while (packets.size() < count) {
      byte[] data = readRaw(socket);
      assertTrue(data != null, "only " + packets.size() + " of " + count + " packets arrived");
      ByteBuffer rtp = ByteBuffer.wrap(data);
      rtp.get();
      int second = rtp.get() & 0xFF;
      packets.add(new Rtp((second & 0x80) != 0, rtp.getShort() & 0xFFFF, rtp.getInt(), rtp.getInt(),
          Arrays.copyOfRange(data, 12, data.length)));
    }
    return packets;
  }

  /** Reads away what arrived so far: until nothing comes within 5 ms (a mixed stream sends every 20 ms), at most 2,000 packets. */
  private static void drain(DatagramSocket socket) throws IOException {
    socket.setSoTimeout(5);
    for (int i = 0; i < 2000 && readRaw(socket) != null; i++) {
      // an earlier step's audio
    }
  }

  private static byte[] readRaw(DatagramSocket socket) throws IOException {
    byte[] buffer = new byte[2048];
    DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
    try {
      socket.receive(packet);
    } catch (SocketTimeoutException e) {
      return null;
    }
    return Arrays.copyOf(buffer, packet.getLength());
  }
}
