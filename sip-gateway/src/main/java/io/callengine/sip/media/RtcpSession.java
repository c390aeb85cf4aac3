package io.callengine.sip.media;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The RTCP of one {@link RtpEndpoint}, towards its phone only: as a B2BUA the relay makes each
 * leg an RTP session of its own, so RTCP ends here and is never relayed. Every interval,
 * randomized to 0.5-1.5 times (RFC 3550 6.2), it sends the phone an SR for the stream it sends
 * (the hold audio's SSRC, else the relayed peer's), or an RR when it sends nothing, with a
 * report block about the phone's stream and an SDES CNAME. A report from the phone echoing one
 * of its recent SRs gives the round-trip time. {@link RtcpHandler} feeds it; the RTCP channel
 * shares the RTP channel's event loop, which alone touches the unguarded state below.
 */
final class RtcpSession {

  // Reports echo the latest SR the phone saw; a few more cover reports crossing on the way.
  private static final int KEPT_SENDER_REPORTS = 4;
  private static final int CNAME_RANDOM_BYTES = 12; // RFC 7022: 96 random bits
  private static final int COMPOUND_BYTES = 128;
  private static final long NANOS_PER_SECOND = TimeUnit.SECONDS.toNanos(1);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final RtpEndpoint endpoint;
  private final long intervalNanos;
  private final String cname;
  private final AtomicReference<RtpLatch> remote = new AtomicReference<>(RtpLatch.NOTHING_KNOWN);
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong received = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private volatile double rttMs = Double.NaN;

  // Only the endpoint's event loop touches the fields below.
  private Channel channel;
  private ScheduledFuture<?> timer;
  private final long[] recentSenderReports = new long[KEPT_SENDER_REPORTS];
  private int nextSenderReport;
  private boolean phoneSrSeen;
  private long phoneSrMiddle32;
  private long phoneSrArrival;
  private long priorExpected;
  private long priorReceived;
  private long playerPacketsReported;
  private long relayPacketsReported;
  private long relayOctetsReported;
  private long relaySsrc = -1;
  private long relayBasePackets;
  private long relayBaseOctets;

  RtcpSession(RtpEndpoint endpoint, Duration interval) {
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("RTCP interval must be positive, got " + interval);
    }
    this.endpoint = endpoint;
    this.intervalNanos = interval.toNanos();
    byte[] id = new byte[CNAME_RANDOM_BYTES];
    RANDOM.nextBytes(id);
    this.cname = Base64.getEncoder().encodeToString(id);
    Arrays.fill(recentSenderReports, -1);
  }

  /** Starts the reports on the bound RTCP channel, from its event loop; they stop when it closes. */
  void attach(Channel rtcpChannel) {
    channel = rtcpChannel;
    rtcpChannel.closeFuture().addListener(f -> cancel());
    schedule();
  }

  /** The address from the phone's SDP; RTCP goes there until the phone's own RTCP is seen. */
  void expectRemote(InetSocketAddress sdpAddress) {
    remote.set(RtpLatch.announced(sdpAddress));
  }

  /** The latest round-trip time to the phone in milliseconds, {@code NaN} before the first. */
  double rttMs() {
    return rttMs;
  }

  /** Where RTCP goes now, or null before anything is known. */
  InetSocketAddress remoteAddress() {
    return remote.get().address();
  }

  long packetsSent() {
    return sent.get();
  }

  long packetsReceived() {
    return received.get();
  }

  /** Datagrams discarded: malformed RTCP, or from a stranger once latched. */
  long packetsDropped() {
    return dropped.get();
  }

  String cname() {
    return cname;
  }

  /** A datagram on the RTCP port. The handler never throws; neither does this. */
  void onDatagram(ByteBuf content, InetSocketAddress sender, long arrivalNanos) {
    RtpLatch current = remote.get();
    RtpLatch next = current.after(sender);
    if (next == null) {
      dropped.incrementAndGet();
      return;
    }
    Optional<List<RtcpPacket>> packets = RtcpCodec.parse(content);
    if (packets.isEmpty()) {
      dropped.incrementAndGet();
      return;
    }
    if (next != current) {
      remote.compareAndSet(current, next);
    }
    received.incrementAndGet();
    for (RtcpPacket packet : packets.get()) {
      if (packet instanceof RtcpPacket.SenderReport sr) {
        phoneSrSeen = true;
        phoneSrMiddle32 = NtpTime.middle32(sr.sender().ntpTimestamp());
        phoneSrArrival = arrivalNanos;
        measure(sr.reports(), arrivalNanos);
      } else if (packet instanceof RtcpPacket.ReceiverReport rr) {
        measure(rr.reports(), arrivalNanos);
      } else if (packet instanceof RtcpPacket.Goodbye) {
        phoneSrSeen = false; // the phone left: its last SR is no longer worth echoing
      }
    }
  }

  /** Sends one compound report now; the timer calls it, and tests do with their own clock. */
  void report(long nowNanos) {
    InetSocketAddress target = remote.get().address();
    if (channel == null || !channel.isActive() || target == null || target.getPort() == 0) {
      return;
    }
    List<RtcpPacket.ReportBlock> blocks = receptionReport(nowNanos);
    ByteBuf out = channel.alloc().directBuffer(COMPOUND_BYTES);
    long ssrc = writeReport(out, blocks, nowNanos);
    RtcpCodec.writeSourceDescription(out, ssrc, cname);
    sent.incrementAndGet();
    channel.writeAndFlush(new DatagramPacket(out, target), channel.voidPromise());
  }

  private void measure(List<RtcpPacket.ReportBlock> blocks, long arrivalNanos) {
    for (RtcpPacket.ReportBlock block : blocks) {
      if (block.lastSr() != 0 && isRecentSenderReport(block.lastSr())) {
        double rtt = NtpTime.roundTripMs(NtpTime.middle32(NtpTime.at(arrivalNanos)),
            block.lastSr(), block.delaySinceLastSr());
        if (!Double.isNaN(rtt)) {
          rttMs = rtt;
        }
      }
    }
  }

  /** An SR for what went to the phone since the last report (hold audio first), else an RR. */
  private long writeReport(ByteBuf out, List<RtcpPacket.ReportBlock> blocks, long now) {
    RtpPlayer player = endpoint.player();
    long playerPackets = player.packetsSent();
    long relayPackets = endpoint.packetsSent();
    long relayOctets = endpoint.octetsSent();
    boolean played = playerPackets > playerPacketsReported;
    boolean relayed = relayPackets > relayPacketsReported;
    StreamStats.Counters source = relayed && endpoint.peer() != null ? endpoint.peer().monitor().counters() : null;
    if (source != null && source.ssrc() != relaySsrc) {
      // A new stream: its counts start with what went out since the last report (RFC 3550 6.4.1).
      relaySsrc = source.ssrc();
      relayBasePackets = relayPacketsReported;
      relayBaseOctets = relayOctetsReported;
    }
    playerPacketsReported = playerPackets;
    relayPacketsReported = relayPackets;
    relayOctetsReported = relayOctets;
    long ownSsrc = player.ssrc() & 0xFFFFFFFFL;
    if (played) {
      return senderReport(out, ownSsrc, player.rtpTimestampAt(now), playerPackets,
          playerPackets * AudioClip.FRAME_BYTES, blocks, now);
    }
    if (source != null && source.packets() > 0) {
      long elapsed = now - source.lastTimedAt();
      long rtpTimestamp = source.lastTimestamp() + elapsed * StreamStats.G711_CLOCK_RATE / NANOS_PER_SECOND;
      return senderReport(out, relaySsrc, rtpTimestamp, relayPackets - relayBasePackets,
          relayOctets - relayBaseOctets, blocks, now);
    }
    RtcpCodec.writeReceiverReport(out, ownSsrc, blocks);
    return ownSsrc;
  }

  private long senderReport(ByteBuf out, long ssrc, long rtpTimestamp, long packets, long octets,
      List<RtcpPacket.ReportBlock> blocks, long now) {
    long ntp = NtpTime.at(now);
    recentSenderReports[nextSenderReport] = NtpTime.middle32(ntp);
    nextSenderReport = (nextSenderReport + 1) % KEPT_SENDER_REPORTS;
    RtcpCodec.writeSenderReport(out, ssrc,
        new RtcpPacket.SenderInfo(ntp, rtpTimestamp & 0xFFFFFFFFL, packets, octets), blocks);
    return ssrc;
  }

  /** One block about the phone's stream (RFC 3550 6.4.1, A.3), or none before its first packet. */
  private List<RtcpPacket.ReportBlock> receptionReport(long now) {
    StreamStats.Counters c = endpoint.monitor().counters();
    if (c.packets() == 0) {
      return List.of();
    }
    long expectedInterval = c.expected() - priorExpected;
    long lostInterval = expectedInterval - (c.received() - priorReceived);
    priorExpected = c.expected();
    priorReceived = c.received();
    int fraction = expectedInterval <= 0 || lostInterval <= 0
        ? 0 : (int) Math.min(255, (lostInterval << 8) / expectedInterval);
    long lastSr = phoneSrSeen ? phoneSrMiddle32 : 0;
    long delay = phoneSrSeen ? NtpTime.shortUnits(now - phoneSrArrival) : 0;
    return List.of(new RtcpPacket.ReportBlock(c.ssrc(), fraction, c.expected() - c.received(),
        c.highestSequence() & 0xFFFFFFFFL, (long) c.jitter(), lastSr, delay));
  }

  private boolean isRecentSenderReport(long lastSr) {
    for (long ntp : recentSenderReports) {
      if (ntp == lastSr) {
        return true;
      }
    }
    return false;
  }

  private void schedule() {
    double spread = 0.5 + ThreadLocalRandom.current().nextDouble();
    try {
      timer = channel.eventLoop().schedule(this::tick, (long) (intervalNanos * spread), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      // The relay is shutting down, and the channel with it: no more reports.
    }
  }

  private void tick() {
    if (channel.isActive()) {
      report(System.nanoTime());
      schedule();
    }
  }

  private void cancel() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }
}
