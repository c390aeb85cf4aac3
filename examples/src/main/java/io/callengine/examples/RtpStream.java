package io.callengine.examples;

import io.callengine.sip.media.G711;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.sdp.MediaDescription;
import javax.sdp.SdpException;
import javax.sdp.SdpFactory;
import javax.sdp.SessionDescription;

/**
 * One phone's audio on 127.0.0.1: sends a tone as PCMU (G.711 u-law) RTP, one packet every
 * 20 ms, to the address the other side's SDP gives, and counts the packets that arrive, and
 * among them those that carry a given tone, the other phone's. That count tells audio relayed
 * from the other phone apart from the engine's hold music. {@link SipPhone} and {@link
 * SipCaller} each have one.
 */
final class RtpStream implements AutoCloseable {
  private static final int SAMPLES_PER_PACKET = 160; // 20 ms at 8 kHz

  private final DatagramSocket socket;
  private final byte[] tone;
  private final byte[] listenFor;
  private final int ssrc = ThreadLocalRandom.current().nextInt();
  private final ScheduledExecutorService sender;
  private final Thread receiver;
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong received = new AtomicLong();
  private final AtomicLong heard = new AtomicLong();
  private volatile InetSocketAddress remote;
  private int sequence;

  /** Sends a tone of {@code toneHz} and listens for one of {@code listenForHz}; both multiples of 50 Hz (see {@link #frame}). */
  RtpStream(String name, int toneHz, int listenForHz) throws IOException {
    socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    tone = frame(toneHz);
    listenFor = frame(listenForHz);
    sender = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, name + "-rtp-send"));
    sender.scheduleAtFixedRate(this::sendOne, 20, 20, TimeUnit.MILLISECONDS);
    receiver = new Thread(this::receive, name + "-rtp-receive");
    receiver.start();
  }

  /**
   * One 20 ms packet of a sine at {@code hz}, u-law coded. A multiple of 50 Hz fits a whole number
   * of periods in 20 ms, so every packet of the tone carries the same bytes.
   */
  static byte[] frame(int hz) {
    if (hz % 50 != 0) throw new IllegalArgumentException("the tone must be a multiple of 50 Hz: " + hz);
    short[] samples = new short[SAMPLES_PER_PACKET];
    for (int i = 0; i < samples.length; i++) samples[i] = (short) (8000 * Math.sin(2 * Math.PI * hz * i / 8000.0));
    return G711.linearToUlaw(samples);
  }

  /** This side's SDP, offer or answer: PCMU on this socket. */
  String sdp() {
    long session = System.currentTimeMillis();
    return "v=0\r\no=- " + session + " " + session + " IN IP4 127.0.0.1\r\ns=example\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
        + "m=audio " + socket.getLocalPort() + " RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=sendrecv\r\n";
  }

  /** Starts sending to the address and port of the other side's SDP. */
  void sendTo(String otherSdp) throws SdpException {
    SessionDescription description = SdpFactory.getInstance().createSessionDescription(otherSdp);
    MediaDescription audio = (MediaDescription) description.getMediaDescriptions(false).get(0);
    String host = audio.getConnection() != null ? audio.getConnection().getAddress() : description.getConnection().getAddress();
    remote = new InetSocketAddress(host, audio.getMedia().getMediaPort());
  }

  void stopSending() {
    remote = null;
  }

  long sent() {
    return sent.get();
  }

  /** Every RTP packet that arrived. */
  long received() {
    return received.get();
  }

  /** The packets that carried the tone listened for. */
  long heard() {
    return heard.get();
  }

  private void sendOne() {
    InetSocketAddress to = remote;
    if (to == null) return;
    sequence++;
    ByteBuffer packet = ByteBuffer.allocate(12 + tone.length);
    packet.put((byte) 0x80).put((byte) 0).putShort((short) sequence).putInt(sequence * SAMPLES_PER_PACKET).putInt(ssrc).put(tone);
    try {
      socket.send(new DatagramPacket(packet.array(), packet.capacity(), to));
      sent.incrementAndGet();
    } catch (IOException e) {
      // A lost packet, as on any network; the counts show it.
    }
  }

  private void receive() {
    byte[] buffer = new byte[1500];
    while (!socket.isClosed()) {
      DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
      try {
        socket.receive(packet);
      } catch (IOException closed) {
        return;
      }
      if (packet.getLength() < 12 || (buffer[0] & 0xC0) != 0x80) continue;
      received.incrementAndGet();
      int header = 12 + 4 * (buffer[0] & 0x0F);
      if (Arrays.equals(buffer, header, packet.getLength(), listenFor, 0, listenFor.length)) heard.incrementAndGet();
    }
  }

  @Override
  public void close() throws InterruptedException {
    sender.shutdownNow();
    socket.close();
    receiver.join(1000);
    sender.awaitTermination(1, TimeUnit.SECONDS);
  }
}
