package io.callengine.sip.media;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads and writes compound RTCP (RFC 3550 6.4-6.6, validity checks after A.2) for
 * {@link RtcpSession}. Reading never throws and never moves the buffer's indexes: a datagram
 * whose packets do not add up (wrong version, a length past the end, padding anywhere but at
 * the very end, counts that do not fit) is malformed as a whole. Packet types other than SR,
 * RR, SDES and BYE are skipped. Stateless.
 */
final class RtcpCodec {

  static final int SR = 200;
  static final int RR = 201;
  static final int SDES = 202;
  static final int BYE = 203;

  private static final int VERSION = 2;
  private static final int PADDING_BIT = 0x20;
  private static final int COUNT_MASK = 0x1F;
  private static final int HEADER_BYTES = 4;
  private static final int SSRC_BYTES = 4;
  private static final int SENDER_INFO_BYTES = 20;
  private static final int BLOCK_BYTES = 24;
  private static final int CNAME = 1;
  private static final long MAX_LOST = 0x7FFFFF;
  private static final long MIN_LOST = -0x800000;

  private RtcpCodec() {}

  /** The packets of the datagram between reader and writer index; empty when it is malformed. */
  static Optional<List<RtcpPacket>> parse(ByteBuf in) {
    int at = in.readerIndex();
    int end = in.writerIndex();
    List<RtcpPacket> packets = new ArrayList<>(3);
    if (at == end) {
      return Optional.empty();
    }
    while (at < end) {
      if (end - at < HEADER_BYTES) {
        return Optional.empty();
      }
      int first = in.getUnsignedByte(at);
      int length = (in.getUnsignedShort(at + 2) + 1) * 4;
      if (first >> 6 != VERSION || length > end - at) {
        return Optional.empty();
      }
      int contentEnd = at + length;
      if ((first & PADDING_BIT) != 0) {
        int pad = in.getUnsignedByte(contentEnd - 1);
        if (contentEnd != end || pad == 0 || pad > length - HEADER_BYTES) {
          return Optional.empty();
        }
        contentEnd -= pad;
      }
      if (!read(in, in.getUnsignedByte(at + 1), first & COUNT_MASK, at + HEADER_BYTES, contentEnd, packets)) {
        return Optional.empty();
      }
      at += length;
    }
    return Optional.of(packets);
  }

  static void writeSenderReport(ByteBuf out, long ssrc, RtcpPacket.SenderInfo info,
      List<RtcpPacket.ReportBlock> blocks) {
    header(out, blocks.size(), SR, SSRC_BYTES + SENDER_INFO_BYTES + BLOCK_BYTES * blocks.size());
    out.writeInt((int) ssrc)
        .writeLong(info.ntpTimestamp())
        .writeInt((int) info.rtpTimestamp())
        .writeInt((int) info.packets())
        .writeInt((int) info.octets());
    blocks.forEach(block -> writeBlock(out, block));
  }

  static void writeReceiverReport(ByteBuf out, long ssrc, List<RtcpPacket.ReportBlock> blocks) {
    header(out, blocks.size(), RR, SSRC_BYTES + BLOCK_BYTES * blocks.size());
    out.writeInt((int) ssrc);
    blocks.forEach(block -> writeBlock(out, block));
  }

  /** One chunk with a CNAME item, then the null item and zeros up to a 32-bit boundary. */
  static void writeSourceDescription(ByteBuf out, long ssrc, String cname) {
    byte[] text = cname.getBytes(StandardCharsets.UTF_8);
    if (text.length > 255) {
      throw new IllegalArgumentException("a CNAME has at most 255 octets, got " + text.length);
    }
    int chunk = (SSRC_BYTES + 2 + text.length + 1 + 3) & ~3;
    header(out, 1, SDES, chunk);
    out.writeInt((int) ssrc).writeByte(CNAME).writeByte(text.length).writeBytes(text)
        .writeZero(chunk - SSRC_BYTES - 2 - text.length);
  }

  static void writeGoodbye(ByteBuf out, List<Long> ssrcs) {
    header(out, ssrcs.size(), BYE, SSRC_BYTES * ssrcs.size());
    ssrcs.forEach(ssrc -> out.writeInt((int) (long) ssrc));
  }

  private static void header(ByteBuf out, int count, int type, int bodyBytes) {
    if (count > COUNT_MASK) {
      throw new IllegalArgumentException("an RTCP packet holds at most 31 items, got " + count);
    }
    out.writeByte(VERSION << 6 | count).writeByte(type).writeShort((HEADER_BYTES + bodyBytes) / 4 - 1);
  }

  private static void writeBlock(ByteBuf out, RtcpPacket.ReportBlock block) {
    long lost = Math.max(MIN_LOST, Math.min(MAX_LOST, block.cumulativeLost()));
    out.writeInt((int) block.ssrc())
        .writeInt((Math.min(255, Math.max(0, block.fractionLost())) << 24) | (int) (lost & 0xFFFFFF))
        .writeInt((int) block.highestSequence())
        .writeInt((int) block.jitter())
        .writeInt((int) block.lastSr())
        .writeInt((int) block.delaySinceLastSr());
  }

  /** Adds the packet of {@code type} whose body lies in [from, to); false when it does not fit. */
  private static boolean read(ByteBuf in, int type, int count, int from, int to, List<RtcpPacket> out) {
    return switch (type) {
      case SR -> senderReport(in, count, from, to, out);
      case RR -> receiverReport(in, count, from, to, out);
      case SDES -> sourceDescription(in, count, from, to, out);
      case BYE -> goodbye(in, count, from, to, out);
      default -> true;
    };
  }

  private static boolean senderReport(ByteBuf in, int count, int from, int to, List<RtcpPacket> out) {
    if (to - from < SSRC_BYTES + SENDER_INFO_BYTES + BLOCK_BYTES * count) {
      return false;
    }
    RtcpPacket.SenderInfo info = new RtcpPacket.SenderInfo(in.getLong(from + 4),
        in.getUnsignedInt(from + 12), in.getUnsignedInt(from + 16), in.getUnsignedInt(from + 20));
    out.add(new RtcpPacket.SenderReport(in.getUnsignedInt(from), info,
        blocks(in, count, from + SSRC_BYTES + SENDER_INFO_BYTES)));
    return true;
  }

  private static boolean receiverReport(ByteBuf in, int count, int from, int to, List<RtcpPacket> out) {
    if (to - from < SSRC_BYTES + BLOCK_BYTES * count) {
      return false;
    }
    out.add(new RtcpPacket.ReceiverReport(in.getUnsignedInt(from), blocks(in, count, from + SSRC_BYTES)));
    return true;
  }

  private static List<RtcpPacket.ReportBlock> blocks(ByteBuf in, int count, int from) {
    List<RtcpPacket.ReportBlock> blocks = new ArrayList<>(count);
    for (int i = 0, at = from; i < count; i++, at += BLOCK_BYTES) {
      int lossWord = in.getInt(at + 4);
      blocks.add(new RtcpPacket.ReportBlock(in.getUnsignedInt(at), lossWord >>> 24, (lossWord << 8) >> 8,
          in.getUnsignedInt(at + 8), in.getUnsignedInt(at + 12), in.getUnsignedInt(at + 16),
          in.getUnsignedInt(at + 20)));
    }
    return blocks;
  }

  /** Chunks of an SSRC and items (type, length, text) ending in a null item, each 32-bit aligned. */
  private static boolean sourceDescription(ByteBuf in, int count, int from, int to, List<RtcpPacket> out) {
    int at = from;
    for (int i = 0; i < count; i++) {
      if (to - at < SSRC_BYTES + 1) {
        return false;
      }
      long ssrc = in.getUnsignedInt(at);
      String cname = "";
      at += SSRC_BYTES;
      while (in.getUnsignedByte(at) != 0) {
        if (to - at < 2 || to - at < 2 + in.getUnsignedByte(at + 1)) {
          return false;
        }
        int length = in.getUnsignedByte(at + 1);
        if (in.getUnsignedByte(at) == CNAME) {
          cname = in.toString(at + 2, length, StandardCharsets.UTF_8);
        }
        at += 2 + length;
        if (at >= to) {
          return false;
        }
      }
      at = from + ((at + 1 - from + 3) & ~3);
      if (at > to) {
        return false;
      }
      out.add(new RtcpPacket.SourceDescription(ssrc, cname));
    }
    return true;
  }

  private static boolean goodbye(ByteBuf in, int count, int from, int to, List<RtcpPacket> out) {
    if (to - from < SSRC_BYTES * count) {
      return false;
    }
    List<Long> ssrcs = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      ssrcs.add(in.getUnsignedInt(from + SSRC_BYTES * i));
    }
    out.add(new RtcpPacket.Goodbye(ssrcs));
    return true;
  }
}
