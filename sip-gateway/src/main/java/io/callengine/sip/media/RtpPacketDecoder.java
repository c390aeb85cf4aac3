package io.callengine.sip.media;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.codec.MessageToMessageDecoder;
import java.util.List;

/**
 * Turns each datagram into an {@link RtpPacket}; datagrams that are not valid RTP
 * ({@link RtpHeader#isValid}) are dropped. Stateless, so one instance may sit in any number
 * of pipelines. For tests and tools that want whole packets; the relay's own pipeline reads
 * header fields in place instead and never copies a payload.
 */
@Sharable
public final class RtpPacketDecoder extends MessageToMessageDecoder<DatagramPacket> {

  public static final RtpPacketDecoder INSTANCE = new RtpPacketDecoder();

  public RtpPacketDecoder() {
    super(DatagramPacket.class);
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, DatagramPacket datagram, List<Object> out) {
    RtpPacket packet = decode(datagram);
    if (packet != null) {
      out.add(packet);
    }
  }

  /** The packet in {@code datagram}, or null when it is not valid RTP. */
  public static RtpPacket decode(DatagramPacket datagram) {
    ByteBuf rtp = datagram.content();
    int headerLength = RtpHeader.headerLength(rtp);
    int payloadLength = RtpHeader.payloadLength(rtp, headerLength);
    if (payloadLength < 0) {
      return null;
    }
    byte[] payload = ByteBufUtil.getBytes(rtp, rtp.readerIndex() + headerLength, payloadLength);
    return new RtpPacket(
        datagram.sender(),
        RtpHeader.marker(rtp),
        RtpHeader.payloadType(rtp),
        RtpHeader.sequence(rtp),
        RtpHeader.timestamp(rtp),
        RtpHeader.ssrc(rtp),
        payload);
  }
}
