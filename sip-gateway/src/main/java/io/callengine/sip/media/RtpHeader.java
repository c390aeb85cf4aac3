package io.callengine.sip.media;

import io.netty.buffer.ByteBuf;

/**
 * Reads RTP header fields (RFC 3550 5.1) in place, from a packet that starts at the buffer's
 * reader index; nothing is copied and no index moves. {@link RtpRelayHandler} and the
 * statistics behind it read the few fields they need straight out of each datagram, and
 * {@link RtpPacketDecoder} uses the same readers.
 *
 * <p>The fixed-header readers return -1 (or false) when fewer than {@link #FIXED_LENGTH}
 * bytes are readable and otherwise report the bits as they are; {@link #headerLength},
 * {@link #paddingLength}, {@link #payloadLength} and {@link #isValid} check the rest
 * (version 2, CSRC list and extension inside the packet, consistent padding).
 */
public final class RtpHeader {

  /** Bytes of the header before any CSRC or extension. */
  public static final int FIXED_LENGTH = 12;
  /** The only RTP version there is. */
  public static final int VERSION = 2;

  private static final int PADDING_BIT = 0x20;
  private static final int EXTENSION_BIT = 0x10;
  private static final int CSRC_COUNT_MASK = 0x0F;
  private static final int MARKER_BIT = 0x80;
  private static final int PAYLOAD_TYPE_MASK = 0x7F;
  private static final int EXTENSION_HEADER_LENGTH = 4;

  private RtpHeader() {}

  /** The version bits, or -1 for a datagram shorter than the fixed header. */
  public static int version(ByteBuf rtp) {
    return hasFixedHeader(rtp) ? rtp.getUnsignedByte(rtp.readerIndex()) >> 6 : -1;
  }

  /** The P bit: the packet ends with padding whose length is its last byte. */
  public static boolean padding(ByteBuf rtp) {
    return hasFixedHeader(rtp) && (rtp.getUnsignedByte(rtp.readerIndex()) & PADDING_BIT) != 0;
  }

  /** The X bit: a header extension follows the CSRC list. */
  public static boolean extension(ByteBuf rtp) {
    return hasFixedHeader(rtp) && (rtp.getUnsignedByte(rtp.readerIndex()) & EXTENSION_BIT) != 0;
  }

  /** The CC field, 0-15, or -1 for a datagram shorter than the fixed header. */
  public static int csrcCount(ByteBuf rtp) {
    return hasFixedHeader(rtp) ? rtp.getUnsignedByte(rtp.readerIndex()) & CSRC_COUNT_MASK : -1;
  }

  /** The M bit: for audio, the first packet of a talk spurt (RFC 3551 4.1). */
  public static boolean marker(ByteBuf rtp) {
    return hasFixedHeader(rtp) && (rtp.getUnsignedByte(rtp.readerIndex() + 1) & MARKER_BIT) != 0;
  }

  /** The payload type, 0-127, or -1. */
  public static int payloadType(ByteBuf rtp) {
    return hasFixedHeader(rtp) ? rtp.getUnsignedByte(rtp.readerIndex() + 1) & PAYLOAD_TYPE_MASK : -1;
  }

  /** The 16-bit sequence number, 0-65535, or -1. */
  public static int sequence(ByteBuf rtp) {
    return hasFixedHeader(rtp) ? rtp.getUnsignedShort(rtp.readerIndex() + 2) : -1;
  }

  /** The 32-bit timestamp as an unsigned value, or -1. */
  public static long timestamp(ByteBuf rtp) {
    return hasFixedHeader(rtp) ? rtp.getUnsignedInt(rtp.readerIndex() + 4) : -1;
  }

  /** The 32-bit synchronization source as an unsigned value, or -1. */
  public static long ssrc(ByteBuf rtp) {
    return hasFixedHeader(rtp) ? rtp.getUnsignedInt(rtp.readerIndex() + 8) : -1;
  }

  /**
   * Bytes from the start of the packet to its payload: the fixed header, the CSRC list and
   * the header extension. -1 when the version is not 2 or the header runs past the packet.
   */
  public static int headerLength(ByteBuf rtp) {
    if (version(rtp) != VERSION) {
      return -1;
    }
    int start = rtp.readerIndex();
    int readable = rtp.readableBytes();
    int length = FIXED_LENGTH + 4 * csrcCount(rtp);
    if (extension(rtp)) {
      if (length + EXTENSION_HEADER_LENGTH > readable) {
        return -1;
      }
      int words = rtp.getUnsignedShort(start + length + 2);
      length += EXTENSION_HEADER_LENGTH + 4 * words;
    }
    return length <= readable ? length : -1;
  }

  /**
   * Bytes of padding at the end: 0 without the P bit, else the last byte. -1 when the header
   * is malformed or the padding claims to be empty or to reach into the header.
   */
  public static int paddingLength(ByteBuf rtp) {
    return paddingLength(rtp, headerLength(rtp));
  }

  /** Bytes of payload between the header and any padding, or -1 for a malformed packet. */
  public static int payloadLength(ByteBuf rtp) {
    return payloadLength(rtp, headerLength(rtp));
  }

  /** {@link #payloadLength(ByteBuf)} for a caller that already has {@link #headerLength}. */
  static int payloadLength(ByteBuf rtp, int headerLength) {
    int pad = paddingLength(rtp, headerLength);
    return pad < 0 ? -1 : rtp.readableBytes() - headerLength - pad;
  }

  private static int paddingLength(ByteBuf rtp, int headerLength) {
    if (headerLength < 0) {
      return -1;
    }
    if (!padding(rtp)) {
      return 0;
    }
    int pad = rtp.getUnsignedByte(rtp.writerIndex() - 1);
    return pad > 0 && headerLength + pad <= rtp.readableBytes() ? pad : -1;
  }

  /** Version 2, with header, CSRCs, extension and padding all inside the datagram. */
  public static boolean isValid(ByteBuf rtp) {
    return paddingLength(rtp) >= 0;
  }

  private static boolean hasFixedHeader(ByteBuf rtp) {
    return rtp.readableBytes() >= FIXED_LENGTH;
  }
}
