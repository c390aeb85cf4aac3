package io.callengine.sip.media;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Inbound handler of one {@link RtpEndpoint}'s channel: drops datagrams that cannot be RTP
 * and hands the rest to the endpoint. Not shared; {@link MediaRelay} installs one per port.
 */
final class RtpRelayHandler extends SimpleChannelInboundHandler<DatagramPacket> {

  private static final Logger log = LoggerFactory.getLogger(RtpRelayHandler.class);
  private static final int RTP_HEADER_LENGTH = 12;
  private static final int RTP_VERSION = 2;

  private final RtpEndpoint endpoint;

  RtpRelayHandler(RtpEndpoint endpoint) {
    this.endpoint = endpoint;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
    ByteBuf content = packet.content();
    if (content.readableBytes() < RTP_HEADER_LENGTH
        || content.getUnsignedByte(content.readerIndex()) >> 6 != RTP_VERSION) {
      endpoint.drop();
      return;
    }
    endpoint.relay(content, packet.sender());
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // A failed datagram (ICMP unreachable, a write after the peer closed) loses one packet;
    // closing the port would end the call.
    log.debug("RTP port {}: {}", endpoint.port(), cause.toString());
  }
}
