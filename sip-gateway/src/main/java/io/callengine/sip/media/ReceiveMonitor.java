package io.callengine.sip.media;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * What the relay learns from the packets one leg's phone sends: the {@link StreamStats} of
 * that stream and, once the SIP layer asks for them, the DTMF digits among them. One per
 * {@link RtpEndpoint}; {@link RtpRelayHandler} feeds it, on the channel's event loop, every
 * packet the endpoint accepted, reading only header fields and the 4-byte event payload.
 */
final class ReceiveMonitor {

  // How often a digit whose end packets were all lost is looked for while the phone is silent.
  private static final long DTMF_FLUSH_PERIOD_MILLIS = 100;

  private final StreamStats stats = new StreamStats(StreamStats.G711_CLOCK_RATE);
  private volatile DtmfDetector dtmf;
  private volatile Channel channel;
  private boolean flushScheduled; // only on the channel's event loop

  /**
   * One packet accepted by the endpoint, with the lengths {@link RtpHeader} measured (-1 for
   * invalid RTP, which is left out of the statistics).
   */
  void onPacket(ByteBuf rtp, int headerLength, int payloadLength, long arrivalNanos) {
    if (payloadLength < 0) {
      return;
    }
    long ssrc = RtpHeader.ssrc(rtp);
    int sequence = RtpHeader.sequence(rtp);
    long timestamp = RtpHeader.timestamp(rtp);
    DtmfDetector detector = dtmf;
    if (detector != null && detector.onPacket(rtp, RtpHeader.payloadType(rtp), timestamp, headerLength, payloadLength)) {
      stats.onEventPacket(ssrc, sequence, arrivalNanos);
      if (detector.pending()) scheduleFlush();
    } else {
      stats.onPacket(ssrc, sequence, timestamp, RtpHeader.marker(rtp), arrivalNanos);
    }
  }

  /**
   * From now on digits go to {@code detector} (replacing any earlier one). While a key is being
   * pressed, the channel's event loop also flushes the detector, so that a digit whose end
   * packets were all lost is reported even if the phone then falls silent. Nothing is scheduled
   * while no key is pressed: a call up for hours costs no timer.
   */
  void detectDtmf(DtmfDetector detector, Channel channel) {
    this.channel = channel;
    dtmf = detector;
  }
  StreamQuality quality(double rttMs) {
    return stats.snapshot(rttMs);
  }

  /** The stream's raw totals, for the RTCP reports about it or on behalf of its sender. */
  StreamStats.Counters counters() {
    return stats.counters();
  }

  /** On the event loop: look again in a moment, once, however many packets the key press sends. */
  private void scheduleFlush() {
    Channel ch = channel;
    if (flushScheduled || ch == null) {
      return;
    }
    try {
      ch.eventLoop().schedule(this::flushDtmf, DTMF_FLUSH_PERIOD_MILLIS, TimeUnit.MILLISECONDS);
      flushScheduled = true;
    } catch (RejectedExecutionException e) {
      // The relay is shutting down and the channel with it: there is nothing left to flush.
    }
  }

  private void flushDtmf() {
    flushScheduled = false;
    DtmfDetector detector = dtmf;
    if (detector == null) {
      return;
    }
    detector.flush();
    if (detector.pending()) {
      scheduleFlush();
    }
  }
}
