package io.callengine.sip.media;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class G711Test {

  @Test
  void ulawCodePoints() {
    assertEquals((byte) 0xFF, G711.linearToUlaw((short) 0));
    assertEquals((byte) 0x7F, G711.linearToUlaw((short) -1));
    assertEquals((byte) 0x80, G711.linearToUlaw(Short.MAX_VALUE));
    assertEquals((byte) 0x00, G711.linearToUlaw(Short.MIN_VALUE));
    // 1000 + 132 = 1132 = 0b100_0110_1100: segment 3, mantissa 1; sent inverted.
    assertEquals((byte) ~0x31, G711.linearToUlaw((short) 1000));

    assertEquals(0, G711.ulawToLinear((byte) 0xFF));
    assertEquals(0, G711.ulawToLinear((byte) 0x7F));
    assertEquals(32124, G711.ulawToLinear((byte) 0x80));
    assertEquals(-32124, G711.ulawToLinear((byte) 0x00));
    assertEquals(988, G711.ulawToLinear((byte) ~0x31)); // middle of 956..1019
  }

  @Test
  void alawCodePoints() {
    assertEquals((byte) 0xD5, G711.linearToAlaw((short) 0));
    assertEquals((byte) 0x55, G711.linearToAlaw((short) -1));
    assertEquals((byte) 0xAA, G711.linearToAlaw(Short.MAX_VALUE));
    assertEquals((byte) 0x2A, G711.linearToAlaw(Short.MIN_VALUE));
    // 1000 >> 3 = 125 = 0b111_1101: segment 2, mantissa 15; even bits inverted.
    assertEquals((byte) (0x2F ^ 0xD5), G711.linearToAlaw((short) 1000));

    assertEquals(8, G711.alawToLinear((byte) 0xD5));
    assertEquals(-8, G711.alawToLinear((byte) 0x55));
    assertEquals(32256, G711.alawToLinear((byte) 0xAA));
    assertEquals(-32256, G711.alawToLinear((byte) 0x2A));
    assertEquals(1008, G711.alawToLinear((byte) (0x2F ^ 0xD5))); // middle of 992..1023
  }

  @Test
  void ulawRoundTripIsWithinHalfAStepForEverySample() {
    int previous = Integer.MIN_VALUE;
    for (int x = Short.MIN_VALUE; x <= Short.MAX_VALUE; x++) {
      byte code = G711.linearToUlaw((short) x);
      int back = G711.ulawToLinear(code);
      int segment = (~code & 0x70) >> 4;
      int halfStep = 4 << segment;
      if (Math.abs(x) <= 32635) {
        assertTrue(Math.abs(back - x) <= halfStep, x + " came back as " + back);
      } else {
        assertEquals(x > 0 ? 32124 : -32124, back, "clipped");
      }
      assertTrue(back >= previous, "companding keeps the order of samples at " + x);
      previous = back;
      if (back != 0) { // 0x7F, "negative zero", decodes to 0 like 0xFF
        assertEquals(code, G711.linearToUlaw((short) back), "a decoded value encodes to its code");
      }
    }
  }

  @Test
  void alawRoundTripIsWithinHalfAStepForEverySample() {
    int previous = Integer.MIN_VALUE;
    for (int x = Short.MIN_VALUE; x <= Short.MAX_VALUE; x++) {
      byte code = G711.linearToAlaw((short) x);
      int back = G711.alawToLinear(code);
      int segment = ((code ^ 0x55) & 0x70) >> 4;
      int halfStep = segment <= 1 ? 8 : 8 << (segment - 1);
      assertTrue(Math.abs(back - x) <= halfStep, x + " came back as " + back);
      assertTrue(back >= previous, "companding keeps the order of samples at " + x);
      previous = back;
      assertEquals(code, G711.linearToAlaw((short) back), "a decoded value encodes to its code");
    }
  }

  @Test
  void wholeBuffersEncodeSampleBySample() {
    short[] pcm = {0, 1, -1, 1000, -1000, Short.MAX_VALUE, Short.MIN_VALUE};
    byte[] ulaw = new byte[pcm.length];
    byte[] alaw = new byte[pcm.length];
    for (int i = 0; i < pcm.length; i++) {
      ulaw[i] = G711.linearToUlaw(pcm[i]);
      alaw[i] = G711.linearToAlaw(pcm[i]);
    }
    assertArrayEquals(ulaw, G711.linearToUlaw(pcm));
    assertArrayEquals(alaw, G711.linearToAlaw(pcm));
  }
}
