package io.callengine.sip.media;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Inbound handler of one {@link RtpEndpoint}'s channel: drops datagrams that cannot be RTP,
 * hands the rest to the endpoint, and lets the endpoint's {@link ReceiveMonitor} (loss,
 * jitter, DTMF) see each packet the endpoint accepted from its phone. Not shared;
 * {@link MediaRelay} installs one per port.
 */
final class RtpRelayHandler extends SimpleChannelInboundHandler<DatagramPacket> {

  private static final Logger log = LoggerFactory.getLogger(RtpRelayHandler.class);

  private final RtpEndpoint endpoint;

  RtpRelayHandler(RtpEndpoint endpoint) {
    this.endpoint = endpoint;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
    ByteBuf content = packet.content();
    if (RtpHeader.version(content) != RtpHeader.VERSION) {
      endpoint.drop();
      return;
    }
    InetSocketAddress sender = packet.sender();
    // Measured once here: the peer counts the payload octets it sends for its RTCP reports.
    int headerLength = RtpHeader.headerLength(content);
    int payloadLength = RtpHeader.payloadLength(content, headerLength);
    endpoint.relay(content, sender, payloadLength);
    // The endpoint latches onto its phone and drops strangers: a packet it accepted left the
    // phone's address in place. The forwarded copy shares these bytes and nothing writes them.
    if (sender.equals(endpoint.remoteAddress())) {
      endpoint.monitor().onPacket(content, headerLength, payloadLength, System.nanoTime());
      endpoint.tapped(content, headerLength, payloadLength);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // A failed datagram (ICMP unreachable, a write after the peer closed) loses one packet;
    // closing the port would end the call.
    log.debug("RTP port {}: {}", endpoint.port(), cause.toString());
  }
}
