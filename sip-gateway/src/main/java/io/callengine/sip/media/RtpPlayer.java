package io.callengine.sip.media;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Plays a {@link Playlist} out of one {@link RtpEndpoint} to its phone: one RTP stream with
 * its own SSRC, a 160-byte G.711 frame every 20 ms from a timer on the endpoint's event loop.
 * Each endpoint owns one ({@link RtpEndpoint#player()}), so sequence numbers and timestamps
 * run on across playlists; the call's session starts and stops it from any thread. While it
 * plays, the endpoint forwards nothing from its peer; bridging or closing the endpoint stops it.
 */
public final class RtpPlayer {

  private static final int PACKET_BYTES = 12 + AudioClip.FRAME_BYTES;
  private static final long PTIME_MILLIS = 20;
  private static final int RTP_VERSION_BYTE = 0x80;
  private static final int MARKER = 0x80;
  private static final long SAMPLES_PER_SECOND = 8000;

  private final RtpEndpoint endpoint;
  private final int ssrc;
  private final AtomicLong packets = new AtomicLong();
  private volatile boolean playing;

  // Only the endpoint's event loop touches the fields below.
  private int sequence;
  private int timestamp;
  private int lastSentTimestamp;
  private long lastSentAt;
  private boolean closeHooked;
  private ScheduledFuture<?> ticker;
  private CompletableFuture<Void> ended;
  private Playlist playlist;
  private AudioClip clip;
  private int clipIndex;
  private int frame;
  private boolean aLaw;
  private int payloadType;
  private boolean marker;

  RtpPlayer(RtpEndpoint endpoint) {
    this.endpoint = endpoint;
    ThreadLocalRandom random = ThreadLocalRandom.current();
    this.ssrc = random.nextInt();
    this.sequence = random.nextInt(1 << 16);
    this.timestamp = random.nextInt();
  }

  /**
   * Plays {@code playlist} in {@code codec} (PCMU or PCMA, with the payload type negotiated
   * for it) in place of whatever is playing, starting a new talk spurt. The future completes
   * when this playlist stops sounding: its last clip ended, or it was stopped, replaced,
   * bridged over or its endpoint closed. It completes on the event loop: do not block there.
   */
  public CompletableFuture<Void> play(Playlist playlist, Codec codec) {
    if (!codec.isG711()) {
      throw new IllegalArgumentException("hold audio is PCMU or PCMA, not " + codec.rtpmap());
    }
    boolean alaw = codec.encoding().toUpperCase(Locale.ROOT).equals("PCMA");
    CompletableFuture<Void> done = new CompletableFuture<>();
    if (!onLoop(() -> start(playlist, alaw, codec.payloadType(), done))) {
      done.complete(null);
    }
    return done;
  }

  /** Stops sending; the phone hears silence (or the bridged peer). Safe at any time, repeatedly. */
  public void stop() {
    onLoop(this::halt);
  }

  /** True from the start of a playlist until it ends or is stopped. */
  public boolean isPlaying() {
    return playing;
  }

  /** RTP packets this player has sent. */
  public long packetsSent() {
    return packets.get();
  }

  public int ssrc() {
    return ssrc;
  }

  /**
   * The RTP timestamp that corresponds to {@code nanoTime} on this player's timeline, for an
   * RTCP sender report (RFC 3550 6.4.1); unsigned. Only on the endpoint's event loop.
   */
  long rtpTimestampAt(long nanoTime) {
    long elapsed = nanoTime - lastSentAt;
    return (lastSentTimestamp + elapsed * SAMPLES_PER_SECOND / TimeUnit.SECONDS.toNanos(1)) & 0xFFFFFFFFL;
  }

  private boolean onLoop(Runnable task) {
    Channel channel = endpoint.channel();
    if (channel == null) {
      return false;
    }
    EventLoop loop = channel.eventLoop();
    if (loop.inEventLoop()) {
      task.run();
      return true;
    }
    try {
      loop.execute(task);
      return true;
    } catch (RejectedExecutionException e) {
      return false; // the relay is shut down: the channel is closed, nothing plays
    }
  }

  private void start(Playlist next, boolean alaw, int pt, CompletableFuture<Void> done) {
    Channel channel = endpoint.channel();
    if (!channel.isActive() || next.isEmpty()) {
      halt();
      done.complete(null);
      return;
    }
    if (!closeHooked) {
      closeHooked = true;
      channel.closeFuture().addListener(f -> halt());
    }
    finishPlaylist();
    playlist = next;
    ended = done;
    aLaw = alaw;
    payloadType = pt;
    clipIndex = 0;
    frame = 0;
    clip = clipAt(0);
    marker = true;
    playing = true;
    if (ticker == null) {
      catchUpTimestamp();
      ticker = channel.eventLoop().scheduleAtFixedRate(this::tick, 0, PTIME_MILLIS, TimeUnit.MILLISECONDS);
    }
  }

  private void tick() {
    Channel channel = endpoint.channel();
    if (!playing || !channel.isActive()) {
      halt();
      return;
    }
    InetSocketAddress target = endpoint.remoteAddress();
    if (target != null) {
      ByteBuf packet = header(channel, PACKET_BYTES, payloadType, marker);
      clip.writeFrame(aLaw, frame, packet);
      send(channel, packet, target);
      marker = false;
    }
    timestamp += AudioClip.FRAME_BYTES;
    advance();
  }

  /**
   * Sends one live 20 ms frame, {@code payload}'s readable bytes (left unread) of
   * {@code livePayloadType}, to the phone on this player's stream: its SSRC, with sequence
   * numbers running on and the timestamp one frame on, or for the first frame of a talk spurt
   * ({@code spurtStart}: the sender sent nothing on the tick before) on by the time that passed,
   * with the marker bit (RFC 3550 5.1). For a supervisor's monitor mixing a call, once per tick
   * and only on the endpoint's event loop. Nothing is sent while a playlist plays (hold audio
   * wins) or before the phone's address is known; returns whether the frame went out.
   */
  public boolean sendLive(int livePayloadType, ByteBuf payload, boolean spurtStart) {
    Channel channel = endpoint.channel();
    InetSocketAddress target = endpoint.remoteAddress();
    if (playing || channel == null || !channel.isActive() || target == null) {
      return false;
    }
    if (spurtStart) {
      catchUpTimestamp();
    }
    int bytes = payload.readableBytes();
    ByteBuf packet = header(channel, 12 + bytes, livePayloadType, spurtStart);
    packet.writeBytes(payload, payload.readerIndex(), bytes);
    send(channel, packet, target);
    timestamp += bytes;
    return true;
  }

  /** A pooled packet buffer of {@code packetBytes} with this stream's RTP header written. */
  private ByteBuf header(Channel channel, int packetBytes, int pt, boolean withMarker) {
    ByteBuf packet = channel.alloc().directBuffer(packetBytes, packetBytes);
    return packet.writeByte(RTP_VERSION_BYTE)
        .writeByte(withMarker ? MARKER | pt : pt)
        .writeShort(sequence)
        .writeInt(timestamp)
        .writeInt(ssrc);
  }

  private void send(Channel channel, ByteBuf packet, InetSocketAddress target) {
    channel.writeAndFlush(new DatagramPacket(packet, target), channel.voidPromise());
    sequence = (sequence + 1) & 0xFFFF;
    lastSentTimestamp = timestamp;
    lastSentAt = System.nanoTime();
    packets.incrementAndGet();
  }

  private void advance() {
    if (++frame < clip.frames()) {
      return;
    }
    frame = 0;
    if (clipIndex < playlist.clips().size()) {
      clipIndex++;
    }
    clip = clipAt(clipIndex);
    if (clip == null) {
      halt();
    }
  }

  /** The clip at {@code index} of the playlist, the loop past its end, or null for the end. */
  private AudioClip clipAt(int index) {
    if (index < playlist.clips().size()) {
      return playlist.clips().get(index);
    }
    return playlist.loop().orElse(null);
  }

  /** After a pause, RTP time moves on by the wall-clock time that passed (RFC 3550 5.1). */
  private void catchUpTimestamp() {
    if (lastSentAt == 0) {
      return;
    }
    long elapsed = System.nanoTime() - lastSentAt;
    long samples = elapsed * SAMPLES_PER_SECOND / TimeUnit.SECONDS.toNanos(1);
    timestamp += (int) Math.max(0, samples - AudioClip.FRAME_BYTES);
  }

  private void halt() {
    playing = false;
    if (ticker != null) {
      ticker.cancel(false);
      ticker = null;
    }
    finishPlaylist();
  }

  private void finishPlaylist() {
    playlist = null;
    clip = null;
    if (ended != null) {
      CompletableFuture<Void> done = ended;
      ended = null;
      done.complete(null);
    }
  }
}
