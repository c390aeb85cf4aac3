package io.callengine.sip.media;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Inbound handler of one {@link RtpEndpoint}'s RTCP channel: hands each datagram to the
 * endpoint's {@link RtcpSession}. Not shared; {@link MediaRelay} installs one per RTCP port.
 */
final class RtcpHandler extends SimpleChannelInboundHandler<DatagramPacket> {

  private static final Logger log = LoggerFactory.getLogger(RtcpHandler.class);

  private final RtcpSession session;
  private final int port;

  RtcpHandler(RtcpSession session, int port) {
    this.session = session;
    this.port = port;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
    session.onDatagram(packet.content(), packet.sender(), System.nanoTime());
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // A failed datagram costs one report; closing the port would end the call's media.
    log.debug("RTCP port {}: {}", port, cause.toString());
  }
}
