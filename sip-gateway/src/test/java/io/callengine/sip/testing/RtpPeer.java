package io.callengine.sip.testing;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A phone's RTP socket on 127.0.0.1: sends PCMU packets with a text payload and reads what arrives. */
public final class RtpPeer implements AutoCloseable {
  private final DatagramSocket socket;
  private InetSocketAddress remote;
  private int sequence;

  public RtpPeer() throws IOException {
    socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
  }

  public int port() {
    return socket.getLocalPort();
  }

  public void remote(String host, int port) {
    remote = new InetSocketAddress(host, port);
  }

  /** Where this peer sends: the engine's port from the last SDP it was given. */
  public InetSocketAddress remote() {
    return remote;
  }

  public void send(String payload) throws IOException {
    sendAudio(payload.getBytes(StandardCharsets.UTF_8));
  }

  /** Sends one PCMU packet (payload type 0) carrying {@code body}, e.g. a 20 ms frame of 160 G.711 bytes. */
  public void sendAudio(byte[] body) throws IOException {
    ByteBuffer packet = ByteBuffer.allocate(12 + body.length);
    packet.put((byte) 0x80).put((byte) 0).putShort((short) sequence++).putInt(sequence * 160).putInt(0x1234);
    packet.put(body);
    socket.send(new DatagramPacket(packet.array(), packet.capacity(), remote));
  }

  /** A packet lost on the way: its sequence number is used, nothing is sent. */
  public void lose() {
    sequence++;
  }

  /** Presses a key as RFC 4733 telephone-events (payload type 101, as {@link #sdp} offers): three updates, three ends. */
  public void sendDtmf(char digit) throws IOException {
    int event = "0123456789*#ABCD".indexOf(Character.toUpperCase(digit));
    int timestamp = (sequence + 1000) * 160;
    for (int i = 1; i <= 6; i++) {
      boolean end = i > 3;
      ByteBuffer packet = ByteBuffer.allocate(16);
      packet.put((byte) 0x80).put((byte) ((i == 1 ? 0x80 : 0) | 101)).putShort((short) sequence++).putInt(timestamp).putInt(0x1234);
      packet.put((byte) event).put((byte) ((end ? 0x80 : 0) | 10)).putShort((short) (Math.min(i, 4) * 160));
      socket.send(new DatagramPacket(packet.array(), packet.capacity(), remote));
    }
  }

  /** The next whole packet (header included), or null when none arrives within {@code millis}. */
  public byte[] receivePacket(int millis) throws IOException {
    byte[] buffer = new byte[2048];
    DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
    socket.setSoTimeout(millis);
    try {
      socket.receive(packet);
    } catch (SocketTimeoutException e) {
      return null;
    }
    return Arrays.copyOf(buffer, packet.getLength());
  }

  /** The payload of the next packet, or null when none arrives within {@code millis}. */
  public String receive(int millis) throws IOException {
    byte[] buffer = new byte[2048];
    DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
    socket.setSoTimeout(millis);
    try {
      socket.receive(packet);
    } catch (SocketTimeoutException e) {
      return null;
    }
    return new String(Arrays.copyOfRange(buffer, 12, packet.getLength()), StandardCharsets.UTF_8);
  }

  /** Sends {@code payload} until the other side hears it (packets before a bridge are dropped) or the attempts run out. */
  public boolean sendUntilHeard(String payload, RtpPeer other, int attempts) throws IOException {
    for (int i = 0; i < attempts; i++) {
      send(payload);
      String heard = other.receive(100);
      if (payload.equals(heard)) return true;
    }
    return false;
  }

  public String sdp(long sessionId) {
    return sdp(sessionId, "sendrecv");
  }

  /** This peer's offer or answer with the direction attribute {@code direction} ({@code sendonly}, {@code inactive} ...). */
  public String sdp(long sessionId, String direction) {
    return "v=0\r\no=test " + sessionId + " 1 IN IP4 127.0.0.1\r\ns=test\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
        + "m=audio " + port() + " RTP/AVP 0 8 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\n"
        + "a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\na=" + direction + "\r\n";
  }

  @Override
  public void close() {
    socket.close();
  }
}
