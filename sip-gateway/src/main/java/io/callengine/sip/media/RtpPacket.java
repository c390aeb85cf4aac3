package io.callengine.sip.media;

import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.Objects;

/**
 * One RTP packet taken apart, with a copy of its payload: what {@link RtpPacketDecoder}
 * produces for tests and tools. The relay never builds these; it reads header fields in
 * place with {@link RtpHeader}.
 */
public record RtpPacket(
    InetSocketAddress sender,
    boolean marker,
    int payloadType,
    int sequence,
    long timestamp,
    long ssrc,
    byte[] payload) {

  public RtpPacket {
    payload = payload.clone();
  }

  /** A copy: the record stays immutable. */
  @Override
  public byte[] payload() {
    return payload.clone();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof RtpPacket p
        && Objects.equals(sender, p.sender)
        && marker == p.marker
        && payloadType == p.payloadType
        && sequence == p.sequence
        && timestamp == p.timestamp
        && ssrc == p.ssrc
        && Arrays.equals(payload, p.payload);
  }

  @Override
  public int hashCode() {
    return Objects.hash(sender, marker, payloadType, sequence, timestamp, ssrc)
        * 31 + Arrays.hashCode(payload);
  }

  @Override
  public String toString() {
    return "RtpPacket[sender=" + sender + ", marker=" + marker + ", payloadType=" + payloadType
        + ", sequence=" + sequence + ", timestamp=" + timestamp + ", ssrc=" + ssrc
        + ", payload=" + payload.length + " bytes]";
  }
}
