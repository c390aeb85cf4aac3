package io.callengine.sip.media;

import static io.callengine.sip.media.RtpBytes.buf;
import static io.callengine.sip.media.RtpBytes.rtp;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class RtpHeaderTest {

  private static final InetSocketAddress PHONE = new InetSocketAddress("127.0.0.1", 40000);
  private static final InetSocketAddress ENGINE = new InetSocketAddress("127.0.0.1", 20000);

  @Test
  void readsTheFixedHeaderInPlace() {
    ByteBuf packet = Unpooled.buffer();
    packet.writeBytes(new byte[] {9, 9, 9}); // something before the packet
    packet.writeBytes(rtp(true, 101, 0xFFFE, 0xFFFFFFF0L, 0xDEADBEEFL, new byte[] {1, 2, 3}));
    packet.readerIndex(3);

    assertEquals(2, RtpHeader.version(packet));
    assertTrue(RtpHeader.marker(packet));
    assertEquals(101, RtpHeader.payloadType(packet));
    assertEquals(0xFFFE, RtpHeader.sequence(packet));
    assertEquals(0xFFFFFFF0L, RtpHeader.timestamp(packet));
    assertEquals(0xDEADBEEFL, RtpHeader.ssrc(packet));
    assertEquals(0, RtpHeader.csrcCount(packet));
    assertFalse(RtpHeader.padding(packet));
    assertFalse(RtpHeader.extension(packet));
    assertEquals(12, RtpHeader.headerLength(packet));
    assertEquals(3, RtpHeader.payloadLength(packet));
    assertTrue(RtpHeader.isValid(packet));
    assertEquals(3, packet.readerIndex(), "reading moves no index");
  }

  @Test
  void countsCsrcsExtensionAndPadding() {
    ByteBuf packet = Unpooled.buffer()
        .writeByte(0x80 | 0x20 | 0x10 | 2) // V=2, P, X, CC=2
        .writeByte(0)
        .writeShort(1).writeInt(160).writeInt(7)
        .writeInt(11).writeInt(12) // two CSRCs
        .writeShort(0xBEDE).writeShort(1).writeInt(0xCAFE) // one-word extension
        .writeBytes(new byte[] {5, 5, 5, 5, 5}) // payload
        .writeBytes(new byte[] {0, 0, 3}); // three bytes of padding

    assertEquals(2, RtpHeader.csrcCount(packet));
    assertEquals(12 + 8 + 4 + 4, RtpHeader.headerLength(packet));
    assertEquals(3, RtpHeader.paddingLength(packet));
    assertEquals(5, RtpHeader.payloadLength(packet));
  }

  @Test
  void malformedPacketsReadAsMinusOneOrFalse() {
    ByteBuf tooShort = buf(new byte[] {(byte) 0x80, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0});
    assertEquals(-1, RtpHeader.version(tooShort));
    assertEquals(-1, RtpHeader.sequence(tooShort));
    assertEquals(-1, RtpHeader.timestamp(tooShort));
    assertEquals(-1, RtpHeader.ssrc(tooShort));
    assertEquals(-1, RtpHeader.payloadType(tooShort));
    assertFalse(RtpHeader.marker(tooShort));
    assertFalse(RtpHeader.isValid(tooShort));

    byte[] versionOne = rtp(false, 0, 1, 0, 1, new byte[4]);
    versionOne[0] = 0x40;
    assertEquals(1, RtpHeader.version(buf(versionOne)));
    assertEquals(-1, RtpHeader.headerLength(buf(versionOne)));

    byte[] csrcsPastTheEnd = rtp(false, 0, 1, 0, 1, new byte[4]);
    csrcsPastTheEnd[0] = (byte) 0x82;
    assertEquals(-1, RtpHeader.headerLength(buf(csrcsPastTheEnd)));

    byte[] extensionPastTheEnd = rtp(false, 0, 1, 0, 1, new byte[] {0, 0, 0, 9});
    extensionPastTheEnd[0] = (byte) 0x90;
    assertEquals(-1, RtpHeader.headerLength(buf(extensionPastTheEnd)));

    byte[] zeroPadding = rtp(false, 0, 1, 0, 1, new byte[] {1, 2, 0});
    zeroPadding[0] = (byte) 0xA0;
    assertEquals(-1, RtpHeader.paddingLength(buf(zeroPadding)));

    byte[] paddingIntoHeader = rtp(false, 0, 1, 0, 1, new byte[] {1, 2, 9});
    paddingIntoHeader[0] = (byte) 0xA0;
    assertEquals(-1, RtpHeader.payloadLength(buf(paddingIntoHeader)));
    assertFalse(RtpHeader.isValid(buf(paddingIntoHeader)));
  }

  @Test
  void decoderTurnsDatagramsIntoPacketsAndDropsTheRest() {
    EmbeddedChannel channel = new EmbeddedChannel(RtpPacketDecoder.INSTANCE);
    byte[] payload = {1, 2, 3, 4};
    DatagramPacket good = new DatagramPacket(buf(rtp(true, 8, 42, 4242, 0xFFFFFFFFL, payload)), ENGINE, PHONE);
    DatagramPacket bad = new DatagramPacket(buf(new byte[] {1, 2, 3}), ENGINE, PHONE);

    assertTrue(channel.writeInbound(good));
    RtpPacket packet = channel.readInbound();
    assertEquals(new RtpPacket(PHONE, true, 8, 42, 4242, 0xFFFFFFFFL, payload), packet);
    assertArrayEquals(payload, packet.payload());

    assertFalse(channel.writeInbound(bad));
    assertNull(channel.readInbound());
    assertEquals(0, good.refCnt());
    assertEquals(0, bad.refCnt());
    assertFalse(channel.finish());
  }
}
