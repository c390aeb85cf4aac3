package io.callengine.sip.media;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/** Builds RTP datagrams byte by byte for the media tests. */
final class RtpBytes {

  static final int PCMU = 0;
  static final int TELEPHONE_EVENT = 101;
  static final long SSRC = 0x8A2B3C4DL;

  private RtpBytes() {}

  /** A plain version 2 packet without CSRCs, extension or padding. */
  static byte[] rtp(boolean marker, int payloadType, int sequence, long timestamp, long ssrc, byte[] payload) {
    byte[] packet = new byte[12 + payload.length];
    packet[0] = (byte) 0x80;
    packet[1] = (byte) ((marker ? 0x80 : 0) | payloadType);
    packet[2] = (byte) (sequence >> 8);
    packet[3] = (byte) sequence;
    writeInt(packet, 4, timestamp);
    writeInt(packet, 8, ssrc);
    System.arraycopy(payload, 0, packet, 12, payload.length);
    return packet;
  }

  /** 20 ms of PCMU silence. */
  static byte[] audio(int sequence, long timestamp) {
    byte[] silence = new byte[160];
    java.util.Arrays.fill(silence, (byte) 0xFF);
    return rtp(false, PCMU, sequence, timestamp, SSRC, silence);
  }

  /** An RFC 4733 event packet: event code, E bit, volume 10 dBm0 below, duration in units. */
  static byte[] event(int sequence, long timestamp, boolean marker, int code, boolean end, int duration) {
    byte[] payload = {(byte) code, (byte) ((end ? 0x80 : 0) | 10), (byte) (duration >> 8), (byte) duration};
    return rtp(marker, TELEPHONE_EVENT, sequence, timestamp, SSRC, payload);
  }

  static ByteBuf buf(byte[] bytes) {
    return Unpooled.wrappedBuffer(bytes);
  }

  private static void writeInt(byte[] b, int at, long value) {
    b[at] = (byte) (value >> 24);
    b[at + 1] = (byte) (value >> 16);
    b[at + 2] = (byte) (value >> 8);
    b[at + 3] = (byte) value;
  }
}
