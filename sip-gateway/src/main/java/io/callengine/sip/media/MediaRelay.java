package io.callengine.sip.media;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetAddress;
import java.time.Duration;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The node's RTP relay: one Netty event loop group, the RTP port pool and the address to
 * bind on. The SIP layer opens one {@link RtpEndpoint} per call leg, with its RTCP port, and
 * bridges the two legs of a call; {@code open()} never blocks the caller.
 */
public final class MediaRelay {

  // A port that another process holds fails to bind; a few tries skip past such pairs.
  private static final int BIND_ATTEMPTS = 8;

  private final InetAddress bindAddress;
  private final RtpPortAllocator ports;
  private final EventLoopGroup group;
  private final Bootstrap bootstrap;
  private final Duration rtcpInterval;

  public MediaRelay(InetAddress bindAddress, RtpPortRange range, int ioThreads) {
    this(bindAddress, range, ioThreads, RtpEndpoint.DEFAULT_RTCP_INTERVAL);
  }

  /** As above, with RTCP reports every {@code rtcpInterval} on average. */
  public MediaRelay(InetAddress bindAddress, RtpPortRange range, int ioThreads, Duration rtcpInterval) {
    this.bindAddress = bindAddress;
    this.rtcpInterval = rtcpInterval;
    this.ports = new RtpPortAllocator(range);
    this.group = new MultiThreadIoEventLoopGroup(
        ioThreads, new DefaultThreadFactory("rtp-relay", true), NioIoHandler.newFactory());
    this.bootstrap = new Bootstrap().group(group).channel(NioDatagramChannel.class);
  }

  /** Binds a fresh RTP and RTCP port pair; fails when the range is exhausted or no pair would bind. */
  public CompletableFuture<RtpEndpoint> open() {
    CompletableFuture<RtpEndpoint> result = new CompletableFuture<>();
    bind(bootstrap, BIND_ATTEMPTS, result);
    return result;
  }

  /**
   * As {@link #open()}, on the event loop of {@code near}: the legs of one call opened this way
   * can be read together without locks ({@link CallAudio}).
   */
  public CompletableFuture<RtpEndpoint> openBeside(RtpEndpoint near) {
    EventLoop loop = near.eventLoop();
    if (loop == null) {
      return open();
    }
    CompletableFuture<RtpEndpoint> result = new CompletableFuture<>();
    bind(bootstrap.clone(loop), BIND_ATTEMPTS, result);
    return result;
  }

  /** RTP ports currently held by open endpoints. */
  public int portsInUse() {
    return ports.inUse();
  }

  /** Closes every endpoint and stops the event loops; completes when they have stopped. */
  public CompletableFuture<Void> shutdown() {
    CompletableFuture<Void> done = new CompletableFuture<>();
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).addListener(f -> done.complete(null));
    return done;
  }

  private void bind(Bootstrap base, int attemptsLeft, CompletableFuture<RtpEndpoint> result) {
    if (group.isShuttingDown()) {
      result.completeExceptionally(new IllegalStateException("media relay is shut down"));
      return;
    }
    OptionalInt port = ports.allocate();
    if (port.isEmpty()) {
      result.completeExceptionally(new IllegalStateException(
          "RTP port range " + ports.range().first() + "-" + ports.range().last() + " is exhausted"));
      return;
    }
    int rtpPort = port.getAsInt();
    RtpEndpoint endpoint = new RtpEndpoint(rtpPort, ports::release, rtcpInterval);
    base.clone()
        .handler(new RtpRelayHandler(endpoint))
        .bind(bindAddress, rtpPort)
        .addListener((ChannelFuture rtp) -> {
          if (!rtp.isSuccess()) {
            retry(base, rtpPort, attemptsLeft, result, rtp.cause());
            return;
          }
          // On the RTP channel's own event loop: the RTCP session reads its state without locks.
          bootstrap.clone(rtp.channel().eventLoop())
              .handler(new RtcpHandler(endpoint.rtcp(), rtpPort + 1))
              .bind(bindAddress, rtpPort + 1)
              .addListener((ChannelFuture rtcp) -> {
                if (rtcp.isSuccess()) {
                  endpoint.attach(rtp.channel(), rtcp.channel());
                  result.complete(endpoint);
                } else {
                  rtp.channel().close().addListener(closed -> retry(base, rtpPort, attemptsLeft, result, rtcp.cause()));
                }
              });
        });
  }

  /** Gives back a pair that did not bind; the pool hands out another one next, if any. */
  private void retry(Bootstrap base, int rtpPort, int attemptsLeft, CompletableFuture<RtpEndpoint> result, Throwable cause) {
    ports.release(rtpPort);
    if (attemptsLeft > 1) {
      bind(base, attemptsLeft - 1, result);
    } else {
      result.completeExceptionally(cause);
    }
  }
}
