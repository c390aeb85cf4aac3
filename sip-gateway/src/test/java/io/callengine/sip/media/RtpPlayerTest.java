package io.callengine.sip.media;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Hold audio over real UDP sockets on 127.0.0.1: a DatagramSocket plays the customer's phone.
 * What is checked is the stream (sequence numbers, timestamps, markers, payloads) and which
 * packets were sent, never when they arrived: the 20 ms pacing is measured by
 * bench/hold-audio-pacing.sh on a quiet machine.
 */
class RtpPlayerTest {

  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  private static final long WAIT_SECONDS = 5;
  private static HoldAudio audio;

  private final List<DatagramSocket> sockets = new ArrayList<>();
  private final List<RtpEndpoint> endpoints = new ArrayList<>();
  private MediaRelay relay;

  /** One received packet, parsed. */
  private record Rtp(boolean marker, int payloadType, int sequence, int timestamp, int ssrc, byte[] payload) {}

  @BeforeAll
  static void loadAudio() {
    audio = HoldAudio.builtIn();
  }

  @BeforeEach
  void startRelay() {
    relay = new MediaRelay(LOOPBACK, RtpPortRange.parse("47300-47399"), 2);
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
  void musicLeavesAsOneContinuousPcmuStreamOfTwentyMillisecondFrames() throws Exception {
    DatagramSocket customer = phone();
    RtpEndpoint leg = legFacing(customer);

    leg.player().play(audio.holdMusic(), Codec.PCMU);
    List<Rtp> packets = receive(customer, 100);

    for (int i = 1; i < packets.size(); i++) {
      Rtp previous = packets.get(i - 1);
      Rtp packet = packets.get(i);
      assertEquals((previous.sequence() + 1) & 0xFFFF, packet.sequence(), "sequence of packet " + i);
      assertEquals(previous.timestamp() + 160, packet.timestamp(), "timestamp of packet " + i + ": 160 samples, 20 ms, later");
      assertEquals(packets.get(0).ssrc(), packet.ssrc());
      assertFalse(packet.marker(), "marker on packet " + i);
      assertEquals(0, packet.payloadType());
    }
    assertTrue(packets.get(0).marker(), "the first packet starts a talk spurt");
    assertEquals(0, packets.get(0).payloadType());
    assertEquals(leg.player().ssrc(), packets.get(0).ssrc());
    for (int i = 0; i < packets.size(); i++) {
      assertArrayEquals(frame(audio.music(), false, i), packets.get(i).payload(), "music frame " + i);
    }
    assertTrue(leg.player().isPlaying());
  }

  @Test
  void pcmaPlaysTheALawFramesWithPayloadTypeEight() throws Exception {
    DatagramSocket customer = phone();
    RtpEndpoint leg = legFacing(customer);

    leg.player().play(audio.holdMusic(), Codec.PCMA);
    List<Rtp> packets = receive(customer, 10);

    for (int i = 0; i < packets.size(); i++) {
      assertEquals(8, packets.get(i).payloadType());
      assertArrayEquals(frame(audio.music(), true, i), packets.get(i).payload(), "music frame " + i);
    }
  }

  @Test
  void aPlaylistPlaysItsClipsInOrderThenLoopsItsMusic() throws Exception {
    DatagramSocket customer = phone();
    RtpEndpoint leg = legFacing(customer);
    AudioClip prompt = constant("prompt", 1000, 2);
    AudioClip number = constant("number", -2000, 3);
    AudioClip music = constant("music", 3000, 2);

    leg.player().play(Playlist.of(prompt, number).thenLoop(music), Codec.PCMU);
    List<Rtp> packets = receive(customer, 11);

    List<AudioClip> expected = List.of(prompt, prompt, number, number, number,
        music, music, music, music, music, music);
    int[] frames = {0, 1, 0, 1, 2, 0, 1, 0, 1, 0, 1};
    for (int i = 0; i < packets.size(); i++) {
      assertArrayEquals(frame(expected.get(i), false, frames[i]), packets.get(i).payload(), "packet " + i);
    }
  }

  @Test
  void callerNumberThreeIsAnnouncedThenTheMusicComesBack() throws Exception {
    DatagramSocket customer = phone();
    RtpEndpoint leg = legFacing(customer);
    AudioClip intro = audio.prompt(HoldAudio.Prompt.YOU_ARE_CALLER_NUMBER);
    AudioClip three = audio.number(3);

    leg.player().play(audio.callerNumber(3), Codec.PCMU);
    List<Rtp> packets = receive(customer, intro.frames() + three.frames() + 5);

    int i = 0;
    for (int f = 0; f < intro.frames(); f++, i++) {
      assertArrayEquals(frame(intro, false, f), packets.get(i).payload(), "prompt frame " + f);
    }
    for (int f = 0; f < three.frames(); f++, i++) {
      assertArrayEquals(frame(three, false, f), packets.get(i).payload(), "number frame " + f);
    }
    for (int f = 0; f < 5; f++, i++) {
      assertArrayEquals(frame(audio.music(), false, f), packets.get(i).payload(), "music frame " + f);
    }
    assertEquals(1, packets.stream().filter(Rtp::marker).count(), "one talk spurt");
  }

  @Test
  void switchingPlaylistsMarksANewTalkSpurtOnTheSameStream() throws Exception {
    DatagramSocket customer = phone();
    RtpEndpoint leg = legFacing(customer);
    AudioClip prompt = constant("prompt", -1000, 50);

    leg.player().play(audio.holdMusic(), Codec.PCMU);
    List<Rtp> before = receive(customer, 5);
    leg.player().play(Playlist.of(prompt).thenLoop(audio.music()), Codec.PCMU);
    List<Rtp> after = receiveUntil(customer, p -> Arrays.equals(p.payload(), frame(prompt, false, 0)));

    Rtp last = before.get(before.size() - 1);
    Rtp switched = after.get(after.size() - 1);
    List<Rtp> all = new ArrayList<>(before);
    all.addAll(after);
    for (int i = 1; i < all.size(); i++) {
      assertEquals((all.get(i - 1).sequence() + 1) & 0xFFFF, all.get(i).sequence());
      assertEquals(all.get(i - 1).timestamp() + 160, all.get(i).timestamp());
      assertEquals(last.ssrc(), all.get(i).ssrc());
    }
    assertTrue(switched.marker(), "the first packet of the new playlist starts a talk spurt");
    assertEquals(2, all.stream().filter(Rtp::marker).count());
  }

  @Test
  void aPlaylistWithoutMusicEndsByItself() throws Exception {
    DatagramSocket customer = phone();
    RtpEndpoint leg = legFacing(customer);

    CompletableFuture<Void> ended = leg.player().play(Playlist.of(constant("bye", 500, 3)), Codec.PCMU);

    assertEquals(3, receive(customer, 3).size());
    ended.get(WAIT_SECONDS, TimeUnit.SECONDS);
    assertFalse(leg.player().isPlaying());
    assertEquals(3, leg.player().packetsSent(), "nothing more once it ended: its timer is cancelled on the event loop that ran it");
  }

  @Test
  void stopEndsThePacketsAndTwiceIsHarmless() throws Exception {
    DatagramSocket customer = phone();
    RtpEndpoint leg = legFacing(customer);
    leg.player().stop();

    CompletableFuture<Void> ended = leg.player().play(audio.holdMusic(), Codec.PCMU);
    List<Rtp> sent = receive(customer, 5);
    leg.player().stop();
    leg.player().stop();
    ended.get(WAIT_SECONDS, TimeUnit.SECONDS);
    assertFalse(leg.player().isPlaying());
    sent.addAll(rest(customer, leg.player(), sent.size()));

    // The next packet on the socket after the stop's last ones is the one that plays again:
    // nothing left between the stop and the new start.
    leg.player().play(audio.holdMusic(), Codec.PCMU);
    Rtp resumed = receive(customer, 1).get(0);
    assertEquals((sent.get(sent.size() - 1).sequence() + 1) & 0xFFFF, resumed.sequence());
    assertTrue(resumed.marker());
  }

  @Test
  void playingAgainAfterAStopContinuesTheStreamWithAMarker() throws Exception {
    DatagramSocket customer = phone();
    RtpEndpoint leg = legFacing(customer);

    CompletableFuture<Void> ended = leg.player().play(audio.holdMusic(), Codec.PCMU);
    List<Rtp> sent = receive(customer, 3);
    leg.player().stop();
    ended.get(WAIT_SECONDS, TimeUnit.SECONDS);
    sent.addAll(rest(customer, leg.player(), sent.size()));
    Rtp last = sent.get(sent.size() - 1);
    Thread.sleep(200); // the pause the stream's RTP time must move on by, not a wait for anything
    leg.player().play(audio.holdMusic(), Codec.PCMU);
    Rtp resumed = receive(customer, 1).get(0);

    assertEquals(last.ssrc(), resumed.ssrc());
    assertTrue(resumed.marker());
    assertEquals(1, (resumed.sequence() - last.sequence()) & 0xFFFF, "no sequence gap: nothing was lost");
    long timestampStep = Integer.toUnsignedLong(resumed.timestamp() - last.timestamp());
    assertTrue(timestampStep >= 8 * 200, "RTP time moved on by the pause, got " + timestampStep);
  }

  @Test
  void bridgingStopsTheMusicAndTheCallerHearsTheAgent() throws Exception {
    DatagramSocket customer = phone();
    DatagramSocket agent = phone();
    RtpEndpoint customerLeg = legFacing(customer);
    RtpEndpoint agentLeg = legFacing(agent);
    CompletableFuture<Void> ended = customerLeg.player().play(audio.holdMusic(), Codec.PCMU);
    List<Rtp> music = receive(customer, 5);

    RtpEndpoint.bridge(customerLeg, agentLeg);
    ended.get(WAIT_SECONDS, TimeUnit.SECONDS);
    assertFalse(customerLeg.player().isPlaying());
    rest(customer, customerLeg.player(), music.size());

    // Right after the music's last packets comes the agent's voice: no music after the bridge.
    byte[] hello = rtpFromAgent(1);
    agent.send(new DatagramPacket(hello, hello.length, LOOPBACK, agentLeg.port()));
    assertArrayEquals(hello, readRaw(customer));
  }

  @Test
  void whilePlayingNothingIsForwardedFromTheOtherLeg() throws Exception {
    DatagramSocket customer = phone();
    DatagramSocket agent = phone();
    RtpEndpoint customerLeg = legFacing(customer);
    RtpEndpoint agentLeg = legFacing(agent);
    RtpEndpoint.bridge(customerLeg, agentLeg);
    customerLeg.player().play(audio.holdMusic(), Codec.PCMU);
    receive(customer, 1);

    for (int i = 0; i < 10; i++) {
      byte[] packet = rtpFromAgent(i);
      agent.send(new DatagramPacket(packet, packet.length, LOOPBACK, agentLeg.port()));
    }
    awaitTrue(() -> agentLeg.packetsDropped() == 10, "the agent's ten packets were taken in and dropped");
    assertEquals(0, customerLeg.packetsSent(), "none of them went to the customer");

    List<Rtp> heard = receive(customer, 15);
    int playerSsrc = customerLeg.player().ssrc();
    assertTrue(heard.stream().allMatch(p -> p.ssrc() == playerSsrc), "only hold audio reaches the customer");
  }

  @Test
  void closingTheEndpointStopsPlaybackAndReturnsThePort() throws Exception {
    DatagramSocket customer = phone();
    RtpEndpoint leg = legFacing(customer);
    CompletableFuture<Void> ended = leg.player().play(audio.holdMusic(), Codec.PCMU);
    receive(customer, 3);

    leg.close().get(WAIT_SECONDS, TimeUnit.SECONDS);

    ended.get(WAIT_SECONDS, TimeUnit.SECONDS);
    assertFalse(leg.player().isPlaying());
    assertEquals(0, relay.portsInUse());
    long sent = leg.player().packetsSent();
    leg.player().play(audio.holdMusic(), Codec.PCMU).get(WAIT_SECONDS, TimeUnit.SECONDS);
    assertFalse(leg.player().isPlaying(), "a closed endpoint plays nothing");
    assertEquals(sent, leg.player().packetsSent(), "and sends nothing");
  }

  @Test
  void onlyG711CanBePlayed() throws Exception {
    RtpEndpoint leg = legFacing(phone());

    assertThrows(IllegalArgumentException.class,
        () -> leg.player().play(audio.holdMusic(), new Codec(9, "G722", 8000)));
  }

  private RtpEndpoint legFacing(DatagramSocket phone) throws Exception {
    RtpEndpoint endpoint = relay.open().get(WAIT_SECONDS, TimeUnit.SECONDS);
    endpoints.add(endpoint);
    endpoint.expectRemote(new InetSocketAddress(LOOPBACK, phone.getLocalPort()));
    return endpoint;
  }

  private DatagramSocket phone() throws IOException {
    DatagramSocket socket = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
    socket.setSoTimeout((int) TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
    sockets.add(socket);
    return socket;
  }

  private static List<Rtp> receive(DatagramSocket socket, int count) throws IOException {
    List<Rtp> packets = new ArrayList<>(count);
    while (packets.size() < count) {
      packets.add(parse(readRaw(socket)));
    }
    return packets;
  }

  /**
   * After {@code player} stopped: the packets it sent that are still to be read, given that
   * {@code read} were read already. Loopback UDP loses none of these few.
   */
  private static List<Rtp> rest(DatagramSocket socket, RtpPlayer player, int read) throws IOException {
    return receive(socket, (int) player.packetsSent() - read);
  }

  private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, what);
      Thread.sleep(10);
    }
  }

  /** Packets up to and including the first that matches, within a second's worth. */
  private static List<Rtp> receiveUntil(DatagramSocket socket, Predicate<Rtp> last)
      throws IOException {
    List<Rtp> packets = new ArrayList<>();
    while (packets.isEmpty() || !last.test(packets.get(packets.size() - 1))) {
      assertTrue(packets.size() < 50, "the awaited packet never came");
      packets.add(parse(readRaw(socket)));
    }
    return packets;
  }

  private static byte[] readRaw(DatagramSocket socket) throws IOException {
    byte[] buffer = new byte[2048];
    DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
    socket.receive(packet);
    return Arrays.copyOf(buffer, packet.getLength());
  }

  private static Rtp parse(byte[] data) {
    assertEquals(172, data.length, "12-byte header and one 20 ms frame");
    ByteBuffer rtp = ByteBuffer.wrap(data);
    assertEquals(0x80, rtp.get() & 0xFF, "RTP version 2, no padding, extension or CSRC");
    int second = rtp.get() & 0xFF;
    int sequence = rtp.getShort() & 0xFFFF;
    int timestamp = rtp.getInt();
    int ssrc = rtp.getInt();
    return new Rtp((second & 0x80) != 0, second & 0x7F, sequence, timestamp, ssrc,
        Arrays.copyOfRange(data, 12, data.length));
  }

  private static byte[] frame(AudioClip clip, boolean aLaw, int index) {
    ByteBuf out = Unpooled.buffer(AudioClip.FRAME_BYTES);
    clip.writeFrame(aLaw, index, out);
    return Arrays.copyOf(out.array(), AudioClip.FRAME_BYTES);
  }

  /** A clip of {@code frames} frames whose every sample is {@code value}. */
  private static AudioClip constant(String name, int value, int frames) {
    short[] pcm = new short[frames * AudioClip.FRAME_BYTES];
    Arrays.fill(pcm, (short) value);
    return AudioClip.fromPcm(name, pcm);
  }

  /** A PCMU packet from the agent's phone, with its own SSRC and a recognisable payload. */
  private static byte[] rtpFromAgent(int sequence) {
    byte[] packet = new byte[172];
    packet[0] = (byte) 0x80;
    packet[2] = (byte) (sequence >> 8);
    packet[3] = (byte) sequence;
    packet[11] = 0x2a;
    Arrays.fill(packet, 12, packet.length, (byte) 0x55);
    return packet;
  }
}
