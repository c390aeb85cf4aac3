package io.callengine.sip.media;

/**
 * ITU-T G.711 companding between 16-bit linear PCM and 8-bit μ-law (PCMU) or A-law (PCMA),
 * computed with the standard's segment (exponent and mantissa) rule rather than looked up.
 * {@link AudioClip} encodes hold audio with it; tools decode captured payloads with it.
 *
 * <p>μ-law works on 14 bits of magnitude: the sample is clipped to ±32635, biased by 132 and
 * the segment is the position of its highest set bit; codes are sent inverted. A-law works
 * on 13 bits: segment 0 and 1 share one step size and even bits are inverted (0x55) on the
 * line. Decoding returns the middle of the code's quantization interval, so a round trip is
 * off by at most half a step.
 */
public final class G711 {

  private static final int ULAW_BIAS = 0x84;
  private static final int ULAW_CLIP = 32635;
  private static final int SIGN_BIT = 0x80;
  private static final int SEGMENT_SHIFT = 4;
  private static final int MANTISSA_MASK = 0x0F;
  private static final int SEGMENT_MASK = 0x70;
  private static final int ALAW_POSITIVE = 0xD5;
  private static final int ALAW_NEGATIVE = 0x55;
  private static final int ALAW_EVEN_BITS = 0x55;

  private G711() {}

  /** μ-law code of one linear sample. */
  public static byte linearToUlaw(short sample) {
    int magnitude = sample;
    int sign = 0;
    if (magnitude < 0) {
      magnitude = -magnitude; // an int, so -(-32768) does not overflow; the clip takes it
      sign = SIGN_BIT;
    }
    int biased = Math.min(magnitude, ULAW_CLIP) + ULAW_BIAS; // 132..32767: bits 7..14
    int segment = highestBit(biased) - 7;
    int mantissa = (biased >> (segment + 3)) & MANTISSA_MASK;
    return (byte) ~(sign | segment << SEGMENT_SHIFT | mantissa);
  }

  /** Linear value of one μ-law code, ±32124 at most. */
  public static short ulawToLinear(byte code) {
    int u = ~code & 0xFF;
    int segment = (u & SEGMENT_MASK) >> SEGMENT_SHIFT;
    int biased = (((u & MANTISSA_MASK) << 3) + ULAW_BIAS) << segment;
    return (short) ((u & SIGN_BIT) != 0 ? ULAW_BIAS - biased : biased - ULAW_BIAS);
  }

  /** A-law code of one linear sample. */
  public static byte linearToAlaw(short sample) {
    int line;
    int magnitude; // 13 bits: 0..4095
    if (sample >= 0) {
      line = ALAW_POSITIVE;
      magnitude = sample >> 3;
    } else {
      line = ALAW_NEGATIVE;
      magnitude = (-sample - 1) >> 3;
    }
    int segment = magnitude < 32 ? 0 : highestBit(magnitude) - 4;
    int mantissa = (magnitude >> Math.max(segment, 1)) & MANTISSA_MASK;
    return (byte) ((segment << SEGMENT_SHIFT | mantissa) ^ line);
  }

  /** Linear value of one A-law code, ±32256 at most. */
  public static short alawToLinear(byte code) {
    int a = (code & 0xFF) ^ ALAW_EVEN_BITS;
    int segment = (a & SEGMENT_MASK) >> SEGMENT_SHIFT;
    int value = (a & MANTISSA_MASK) << 4;
    value = segment == 0 ? value + 8 : (value + 0x108) << (segment - 1);
    return (short) ((a & SIGN_BIT) != 0 ? value : -value);
  }

  /** μ-law codes of {@code samples}, one byte each. */
  public static byte[] linearToUlaw(short[] samples) {
    byte[] codes = new byte[samples.length];
    for (int i = 0; i < samples.length; i++) {
      codes[i] = linearToUlaw(samples[i]);
    }
    return codes;
  }

  /** A-law codes of {@code samples}, one byte each. */
  public static byte[] linearToAlaw(short[] samples) {
    byte[] codes = new byte[samples.length];
    for (int i = 0; i < samples.length; i++) {
      codes[i] = linearToAlaw(samples[i]);
    }
    return codes;
  }

  private static int highestBit(int value) {
    return 31 - Integer.numberOfLeadingZeros(value);
  }
}
