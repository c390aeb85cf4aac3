package io.callengine.sip.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callengine.sip.media.RtcpPacket.Goodbye;
import io.callengine.sip.media.RtcpPacket.ReceiverReport;
import io.callengine.sip.media.RtcpPacket.ReportBlock;
import io.callengine.sip.media.RtcpPacket.SenderInfo;
import io.callengine.sip.media.RtcpPacket.SenderReport;
import io.callengine.sip.media.RtcpPacket.SourceDescription;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RtcpCodecTest {

  private static final ReportBlock BLOCK =
      new ReportBlock(0x8A2B3C4DL, 23, 1, 0x1_0010L, 42, 0xABCD1234L, 0x8000);
  private static final SenderInfo INFO =
      new SenderInfo(0xE9A1B2C3_80000000L, 0xF0000000L, 500, 80_000);

  @Test
  void aSenderReportWithOneBlockAndACnameMakeACompoundPacket() {
    ByteBuf out = Unpooled.buffer();
    RtcpCodec.writeSenderReport(out, 0xCAFEBABEL, INFO, List.of(BLOCK));
    RtcpCodec.writeSourceDescription(out, 0xCAFEBABEL, "0123456789abcdef");

    byte[] bytes = ByteBufUtil.getBytes(out);
    assertEquals(52 + 28, bytes.length);
    assertEquals("81c8000c" + "cafebabe" + "e9a1b2c380000000" + "f0000000" + "000001f4" + "00013880"
        + "8a2b3c4d" + "17000001" + "00010010" + "0000002a" + "abcd1234" + "00008000",
        HexFormat.of().formatHex(bytes, 0, 52));
    assertEquals("81ca0006" + "cafebabe" + "0110", HexFormat.of().formatHex(bytes, 52, 62));
    assertEquals(List.of(
        new SenderReport(0xCAFEBABEL, INFO, List.of(BLOCK)),
        new SourceDescription(0xCAFEBABEL, "0123456789abcdef")), parse(bytes).orElseThrow());
  }

  @Test
  void aReceiverReportWithoutBlocksIsEightBytes() {
    ByteBuf out = Unpooled.buffer();
    RtcpCodec.writeReceiverReport(out, 7, List.of());

    assertEquals("80c9000100000007", ByteBufUtil.hexDump(out));
    assertEquals(List.of(new ReceiverReport(7, List.of())), parse(ByteBufUtil.getBytes(out)).orElseThrow());
  }

  @Test
  void cumulativeLossIsSignedTwentyFourBitsAndSaturates() {
    ByteBuf out = Unpooled.buffer();
    RtcpCodec.writeReceiverReport(out, 1, List.of(block(-5), block(10_000_000), block(-10_000_000)));

    List<ReportBlock> blocks = ((ReceiverReport) parse(ByteBufUtil.getBytes(out)).orElseThrow().get(0)).reports();
    assertEquals(List.of(-5L, 0x7FFFFFL, -0x800000L), blocks.stream().map(ReportBlock::cumulativeLost).toList());
  }

  @Test
  void byeSdesWithSeveralItemsAndUnknownTypesAreRead() {
    ByteBuf out = Unpooled.buffer();
    RtcpCodec.writeReceiverReport(out, 1, List.of());
    // SDES, two chunks: NAME then CNAME "ab"; a chunk with no item at all.
    out.writeBytes(HexFormat.of().parseHex("82ca0006" + "00000011" + "0203" + "616263" + "0102" + "6162" + "000000"
        + "00000022" + "00000000"));
    out.writeBytes(HexFormat.of().parseHex("80cc0002" + "00000001" + "74657374")); // APP: skipped
    RtcpCodec.writeGoodbye(out, List.of(0x11L, 0xFFFFFFFFL));

    assertEquals(List.of(
        new ReceiverReport(1, List.of()),
        new SourceDescription(0x11, "ab"),
        new SourceDescription(0x22, ""),
        new Goodbye(List.of(0x11L, 0xFFFFFFFFL))), parse(ByteBufUtil.getBytes(out)).orElseThrow());
  }

  @Test
  void paddingIsAllowedOnTheLastPacketOnly() {
    byte[] rr = HexFormat.of().parseHex("80c9000100000007");
    byte[] paddedRr = HexFormat.of().parseHex("a0c9000200000007" + "00000004");

    assertEquals(2, parse(concat(rr, paddedRr)).orElseThrow().size());
    assertTrue(parse(concat(paddedRr, rr)).isEmpty());
    assertTrue(parse(HexFormat.of().parseHex("a0c9000200000007" + "00000000")).isEmpty(), "zero padding");
    assertTrue(parse(HexFormat.of().parseHex("a0c9000200000007" + "00000009")).isEmpty(), "padding into the header");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "",
      "80c900",
      "40c9000100000007", // version 1
      "80c9000200000007", // length past the datagram
      "81c9000100000007", // one block announced, none there
      "80c8000100000007", // SR without sender info
      "81ca000200000001" + "01056162", // CNAME item runs past the packet
      "81ca000200000001" + "01026162", // no null item before the end
      "82cb000100000001", // BYE announces two sources, holds one
  })
  void malformedDatagramsAreRejectedAsAWhole(String hex) {
    byte[] rr = HexFormat.of().parseHex("80c9000100000007");
    assertTrue(parse(HexFormat.of().parseHex(hex)).isEmpty(), hex);
    if (!hex.isEmpty()) {
      assertTrue(parse(concat(rr, HexFormat.of().parseHex(hex))).isEmpty(), "after a good packet: " + hex);
    }
  }

  @Test
  void everyTruncationOfACompoundIsRejectedUnlessItEndsOnAPacket() {
    ByteBuf out = Unpooled.buffer();
    RtcpCodec.writeSenderReport(out, 1, INFO, List.of(BLOCK, BLOCK));
    int first = out.writerIndex();
    RtcpCodec.writeSourceDescription(out, 1, "someone@example");
    byte[] whole = ByteBufUtil.getBytes(out);

    for (int length = 0; length < whole.length; length++) {
      Optional<List<RtcpPacket>> parsed = parse(Arrays.copyOf(whole, length));
      assertEquals(length == first, parsed.isPresent(), "cut at " + length);
    }
  }

  @Test
  void noInputMakesTheReaderThrow() {
    Random random = new Random(3550);
    ByteBuf out = Unpooled.buffer();
    RtcpCodec.writeSenderReport(out, 1, INFO, List.of(BLOCK));
    RtcpCodec.writeSourceDescription(out, 1, "cname");
    RtcpCodec.writeGoodbye(out, List.of(1L));
    byte[] valid = ByteBufUtil.getBytes(out);
    List<byte[]> inputs = new ArrayList<>();
    for (int i = 0; i < 20_000; i++) {
      byte[] mutated = valid.clone();
      for (int flips = 1 + random.nextInt(4); flips > 0; flips--) {
        mutated[random.nextInt(mutated.length)] = (byte) random.nextInt(256);
      }
      inputs.add(mutated);
      byte[] noise = new byte[1 + random.nextInt(80)];
      random.nextBytes(noise);
      noise[0] = (byte) (0x80 | (noise[0] & 0x3F)); // version 2, to get past the first check
      inputs.add(noise);
    }
    for (byte[] input : inputs) {
      parse(input); // must return, present or empty
    }
  }

  @Test
  void readingLeavesTheBufferIndexesAlone() {
    ByteBuf in = Unpooled.wrappedBuffer(HexFormat.of().parseHex("ff80c9000100000007"));
    in.readerIndex(1);

    assertEquals(1, RtcpCodec.parse(in).orElseThrow().size());
    assertEquals(1, in.readerIndex());
    assertEquals(9, in.writerIndex());
  }

  @Test
  void aCnameLongerThan255OctetsIsRefused() {
    assertThrows(IllegalArgumentException.class,
        () -> RtcpCodec.writeSourceDescription(Unpooled.buffer(), 1, "é".repeat(128)));
  }

  private static ReportBlock block(long cumulativeLost) {
    return new ReportBlock(2, 0, cumulativeLost, 0, 0, 0, 0);
  }

  private static Optional<List<RtcpPacket>> parse(byte[] bytes) {
    return RtcpCodec.parse(Unpooled.wrappedBuffer(bytes));
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] both = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, both, a.length, b.length);
    return both;
  }
}
