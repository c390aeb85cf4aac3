package io.callengine.sip.media;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;
import java.util.function.LongSupplier;

/**
 * One bound RTP port of the engine, facing one phone, with its RTCP port above it. Opened by
 * {@link MediaRelay#open()}, told where the phone is by the SIP layer ({@link #expectRemote}),
 * and bridged to the endpoint of the other leg so that packets flow phone to phone inside
 * Netty. The hot path ({@link #relay}) runs on this channel's event loop, copies nothing and
 * takes no lock. RTCP is not relayed: the endpoint's {@link RtcpSession} reports to and hears
 * from this leg's phone only, on the same event loop as this channel.
 */
public final class RtpEndpoint {

  /** How often RTCP reports go to the phone, on average, unless the relay says otherwise. */
  public static final Duration DEFAULT_RTCP_INTERVAL = Duration.ofSeconds(5);

  private final int port;
  private final IntConsumer releasePort;
  private final AtomicReference<RtpLatch> remote = new AtomicReference<>(RtpLatch.NOTHING_KNOWN);
  private final AtomicLong received = new AtomicLong();
  private final AtomicLong sent = new AtomicLong();
  // Payload octets sent, for the RTCP sender reports; see send() for why a plain store is enough.
  private final AtomicLong sentOctets = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicBoolean portReleased = new AtomicBoolean();
  private final CompletableFuture<Void> closed = new CompletableFuture<>();
  private final ReceiveMonitor monitor = new ReceiveMonitor();
  private final RtpPlayer player = new RtpPlayer(this);
  private final RtcpSession rtcp;
  private volatile Channel channel;
  private volatile RtpEndpoint peer;
  /** While true, a supervisor's monitor sends this endpoint's phone mixed frames in place of the peer's packets. */
  private volatile boolean mixed;
  /** Where accepted audio is also kept, frame by frame, while a recording or monitor taps the call; null otherwise. */
  private volatile FrameQueue tap;
  private volatile long lastPacketAt = System.nanoTime();

  RtpEndpoint(int port, IntConsumer releasePort) {
    this(port, releasePort, DEFAULT_RTCP_INTERVAL);
  }

  RtpEndpoint(int port, IntConsumer releasePort, Duration rtcpInterval) {
    this.port = port;
    this.releasePort = releasePort;
    this.rtcp = new RtcpSession(this, rtcpInterval);
  }

  /** An endpoint without RTCP, for tests of the RTP path alone. */
  void attach(Channel boundChannel) {
    attach(boundChannel, null);
  }

  /**
   * Called once both channels are bound, the RTCP one on the RTP channel's event loop. Closing
   * either closes the other; the port pair goes back to the pool once both are closed.
   */
  void attach(Channel rtpChannel, Channel rtcpChannel) {
    this.channel = rtpChannel;
    if (rtcpChannel != null) {
      rtcp.attach(rtcpChannel);
      rtcpChannel.closeFuture().addListener(f -> rtpChannel.close());
    }
    rtpChannel.closeFuture().addListener(f -> {
      unbridge();
      ChannelFuture rtcpClosed = rtcpChannel != null ? rtcpChannel.close() : rtpChannel.closeFuture();
      rtcpClosed.addListener(g -> {
        if (portReleased.compareAndSet(false, true)) {
          releasePort.accept(port);
        }
        closed.complete(null);
      });
    });
  }

  public int port() {
    return port;
  }

  /**
   * The address from the peer's SDP. Packets go there until the first packet arrives from
   * the peer; its real source then wins, because a phone behind NAT is reachable only there,
   * and a source closer to this address later takes over ({@link RtpLatch}).
   */
  public void expectRemote(InetSocketAddress sdpAddress) {
    expectRemote(sdpAddress, rtcpOf(sdpAddress));
  }

  /**
   * As above, with the phone's RTCP address when its SDP names one ({@code a=rtcp}); RTCP
   * latches onto the source of the phone's own RTCP the same way.
   */
  public void expectRemote(InetSocketAddress sdpAddress, InetSocketAddress sdpRtcpAddress) {
    remote.set(RtpLatch.announced(sdpAddress));
    rtcp.expectRemote(sdpRtcpAddress);
  }

  /** The RTCP address that goes with an RTP address: the port above (RFC 3550 11); port 0 if none. */
  static InetSocketAddress rtcpOf(InetSocketAddress rtp) {
    int port = rtp.getPort();
    return new InetSocketAddress(rtp.getAddress(), port > 0 && port < 65535 ? port + 1 : 0);
  }

  /** From now on packets arriving here leave through {@code other} towards its phone. */
  public void bridgeTo(RtpEndpoint other) {
    this.peer = other;
    // The call is connected: hold audio on either side gives way to the other phone.
    player.stop();
    other.player.stop();
  }

  /** Bridges both directions. */
  public static void bridge(RtpEndpoint a, RtpEndpoint b) {
    a.bridgeTo(b);
    b.bridgeTo(a);
  }

  /** Stops forwarding in both directions; packets arriving afterwards are counted and dropped. */
  public void unbridge() {
    RtpEndpoint other = peer;
    peer = null;
    if (other != null && other.peer == this) {
      other.peer = null;
    }
  }

  /**
   * While {@code on}, packets of the peer are no longer sent to this endpoint's phone: a
   * supervisor's monitor sends it the mix of what it may hear instead (through
   * {@link RtpPlayer#sendLive}); off again, the direct relay resumes.
   */
  public void giveWayToMix(boolean on) {
    mixed = on;
  }

  /** Closes the channel; the port returns to the pool once. Safe to call any number of times. */
  public CompletableFuture<Void> close() {
    Channel ch = channel;
    if (ch != null) {
      ch.close();
    }
    return closed.copy();
  }

  /** Plays hold audio and prompts to this endpoint's phone; one per endpoint. */
  public RtpPlayer player() {
    return player;
  }

  /**
   * Reports the DTMF digits this leg's phone sends as RFC 4733 telephone-events with
   * {@code payloadType} (the one negotiated for telephone-event/8000) to {@code listener},
   * on this channel's event loop. Those packets are still forwarded to a bridged peer.
   * A later call replaces the listener. The detector keeps the time of the event loop whose
   * timer looks for key presses that lost their end packets.
   */
  public void detectDtmf(int payloadType, DtmfListener listener) {
    Channel ch = channel;
    LongSupplier nanoTime = ch != null ? ch.eventLoop().ticker()::nanoTime : System::nanoTime;
    monitor.detectDtmf(new DtmfDetector(payloadType, listener, nanoTime), ch);
  }

  /** Loss, jitter, round-trip time and estimated MOS of what this leg's phone has sent so far. */
  public StreamQuality quality() {
    return monitor.quality(rtcp.rttMs());
  }

  /** Valid RTP packets received from the phone, forwarded or not. */
  public long packetsReceived() {
    return received.get();
  }

  /** Packets this endpoint sent to its phone on behalf of its peer. */
  public long packetsSent() {
    return sent.get();
  }

  /** Datagrams discarded: not RTP, from a stranger once latched, or nowhere to send them. */
  public long packetsDropped() {
    return dropped.get();
  }

  /** {@link System#nanoTime()} of the last valid packet received, or of the opening. */
  public long lastPacketAt() {
    return lastPacketAt;
  }

  /** The remote address packets are sent to now, or null before anything is known. */
  public InetSocketAddress remoteAddress() {
    return remote.get().address();
  }

  Channel channel() {
    return channel;
  }

  ReceiveMonitor monitor() {
    return monitor;
  }

  RtcpSession rtcp() {
    return rtcp;
  }

  /** The event loop of this endpoint's channel, or null before it is bound. */
  public EventLoop eventLoop() {
    Channel ch = channel;
    return ch == null ? null : ch.eventLoop();
  }

  void tap(FrameQueue queue) {
    tap = queue;
  }

  void untap(FrameQueue queue) {
    if (tap == queue) {
      tap = null;
    }
  }

  /** A packet accepted from this endpoint's phone, for the frames of a tapped call; on the event loop. */
  void tapped(ByteBuf rtp, int headerLength, int payloadLength) {
    FrameQueue queue = tap;
    if (queue != null) {
      queue.offer(rtp, headerLength, payloadLength);
    }
  }

  /** The endpoint whose phone's packets this one sends to its own phone, or null. */
  RtpEndpoint peer() {
    return peer;
  }

  /** Payload octets sent to the phone on behalf of the peer. */
  long octetsSent() {
    return sentOctets.get();
  }

  void drop() {
    dropped.incrementAndGet();
  }

  /** An RTP packet from {@code sender} arrived on this endpoint's channel; -1 octets if not valid RTP. */
  void relay(ByteBuf rtp, InetSocketAddress sender, int payloadOctets) {
    RtpLatch current = remote.get();
    if (!current.latched() || !sender.equals(current.address())) {
      RtpLatch next = current.after(sender);
      if (next == null) {
        dropped.incrementAndGet();
        return;
      }
      remote.compareAndSet(current, next);
    }
    received.incrementAndGet();
    lastPacketAt = System.nanoTime();
    RtpEndpoint other = peer;
    if (other == null || !other.send(rtp, payloadOctets)) {
      dropped.incrementAndGet();
    }
  }

  private boolean send(ByteBuf rtp, int payloadOctets) {
    InetSocketAddress target = remote.get().address();
    Channel out = channel;
    if (target == null || out == null || !out.isActive() || player.isPlaying() || mixed) {
      return false;
    }
    sent.incrementAndGet();
    // One writer at a time, the peer's event loop, so no atomic add is needed on the hot path;
    // a count lost while the peer changes only blurs an RTCP report.
    sentOctets.lazySet(sentOctets.get() + Math.max(0, payloadOctets));
    out.writeAndFlush(new DatagramPacket(rtp.retain(), target), out.voidPromise());
    return true;
  }
}
