package io.callengine.sip.media;

import java.util.List;

/**
 * One packet of a compound RTCP datagram (RFC 3550 6.4-6.6), the kinds the relay sends and
 * understands, as {@link RtcpCodec} reads and writes them. 32-bit fields are unsigned longs.
 */
sealed interface RtcpPacket {

  /**
   * What a receiver says about one source (RFC 3550 6.4.1).
   *
   * @param fractionLost packets lost since the previous report, in 256ths
   * @param cumulativeLost packets lost since reception began (24-bit signed on the wire)
   * @param highestSequence extended highest sequence number received
   * @param jitter interarrival jitter in RTP timestamp units
   * @param lastSr middle 32 bits of the NTP timestamp of the source's latest SR, 0 if none
   * @param delaySinceLastSr time from that SR to this report, in 1/65536 s
   */
  record ReportBlock(long ssrc, int fractionLost, long cumulativeLost, long highestSequence,
      long jitter, long lastSr, long delaySinceLastSr) {}

  /** The sender info of an SR: when, on both clocks, and how much the source has sent. */
  record SenderInfo(long ntpTimestamp, long rtpTimestamp, long packets, long octets) {}

  record SenderReport(long ssrc, SenderInfo sender, List<ReportBlock> reports) implements RtcpPacket {
    public SenderReport {
      reports = List.copyOf(reports);
    }
  }

  record ReceiverReport(long ssrc, List<ReportBlock> reports) implements RtcpPacket {
    public ReceiverReport {
      reports = List.copyOf(reports);
    }
  }

  /** One SDES chunk; {@code cname} is empty when the chunk carries none. */
  record SourceDescription(long ssrc, String cname) implements RtcpPacket {}

  record Goodbye(List<Long> ssrcs) implements RtcpPacket {
    public Goodbye {
      ssrcs = List.copyOf(ssrcs);
    }
  }
}
