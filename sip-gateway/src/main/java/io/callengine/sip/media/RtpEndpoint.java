package io.callengine.sip.media;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;

/**
 * One bound RTP port of the engine, facing one phone. Opened by {@link MediaRelay#open()},
 * told where the phone is by the SIP layer ({@link #expectRemote}), and bridged to the
 * endpoint of the other leg so that packets flow phone to phone inside Netty. The hot path
 * ({@link #relay}) runs on this channel's event loop, copies nothing and takes no lock.
 */
public final class RtpEndpoint {

  /** Where to send, and whether that was seen on the wire (latched) or only read in SDP. */
  private record Remote(InetSocketAddress address, boolean latched) {}

  private final int port;
  private final IntConsumer releasePort;
  private final AtomicReference<Remote> remote = new AtomicReference<>(new Remote(null, false));
  private final AtomicLong received = new AtomicLong();
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicBoolean portReleased = new AtomicBoolean();
  private final CompletableFuture<Void> closed = new CompletableFuture<>();
  private final ReceiveMonitor monitor = new ReceiveMonitor();
  private final RtpPlayer player = new RtpPlayer(this);
  private volatile Channel channel;
  private volatile RtpEndpoint peer;
  private volatile long lastPacketAt = System.nanoTime();

  RtpEndpoint(int port, IntConsumer releasePort) {
    this.port = port;
    this.releasePort = releasePort;
  }

  /** Called once the channel is bound; the port goes back to the pool whenever it closes. */
  void attach(Channel boundChannel) {
    this.channel = boundChannel;
    boundChannel.closeFuture().addListener(f -> {
      unbridge();
      if (portReleased.compareAndSet(false, true)) {
        releasePort.accept(port);
      }
      closed.complete(null);
    });
  }

  public int port() {
    return port;
  }

  /**
   * The address from the peer's SDP. Packets go there until the first packet arrives from
   * the peer; its real source then wins, because a phone behind NAT is reachable only there.
   */
  public void expectRemote(InetSocketAddress sdpAddress) {
    remote.set(new Remote(sdpAddress, false));
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
   * A later call replaces the listener.
   */
  public void detectDtmf(int payloadType, DtmfListener listener) {
    monitor.detectDtmf(new DtmfDetector(payloadType, listener), channel);
  }

  /** Loss, jitter and estimated MOS of what this leg's phone has sent so far. */
  public StreamQuality quality() {
    return monitor.quality();
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

  void drop() {
    dropped.incrementAndGet();
  }

  /** An RTP packet from {@code sender} arrived on this endpoint's channel. */
  void relay(ByteBuf rtp, InetSocketAddress sender) {
    Remote current = remote.get();
    if (!current.latched()) {
      remote.compareAndSet(current, new Remote(sender, true));
    } else if (!sender.equals(current.address())) {
      dropped.incrementAndGet();
      return;
    }
    received.incrementAndGet();
    lastPacketAt = System.nanoTime();
    RtpEndpoint other = peer;
    if (other == null || !other.send(rtp)) {
      dropped.incrementAndGet();
    }
  }

  private boolean send(ByteBuf rtp) {
    InetSocketAddress target = remote.get().address();
    Channel out = channel;
    if (target == null || out == null || !out.isActive() || player.isPlaying()) {
      return false;
    }
    sent.incrementAndGet();
    out.writeAndFlush(new DatagramPacket(rtp.retain(), target), out.voidPromise());
    return true;
  }
}
