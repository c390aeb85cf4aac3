package io.callengine.sip.media;

import java.util.Locale;

/**
 * The two G.711 laws with their tables, computed once from {@link G711}'s segment rule so
 * that coding a payload on an event loop is one array read per sample: 256 linear values per
 * law to decode, and one code for each of the 65,536 linear values to encode (64 KiB a law,
 * which made mixing about twice as fast as computing the segment per sample). Used by
 * {@link G711Mixer} and {@link StereoWavRecorder}.
 */
public enum G711Law {
  PCMU,
  PCMA;

  private static final short[] ULAW = new short[256];
  private static final short[] ALAW = new short[256];
  private static final byte[] TO_ULAW = new byte[1 << 16];
  private static final byte[] TO_ALAW = new byte[1 << 16];

  static {
    for (int code = 0; code < 256; code++) {
      ULAW[code] = G711.ulawToLinear((byte) code);
      ALAW[code] = G711.alawToLinear((byte) code);
    }
    for (int sample = Short.MIN_VALUE; sample <= Short.MAX_VALUE; sample++) {
      TO_ULAW[sample & 0xFFFF] = G711.linearToUlaw((short) sample);
      TO_ALAW[sample & 0xFFFF] = G711.linearToAlaw((short) sample);
    }
  }

  /** The law of a negotiated codec; fails for anything but PCMU or PCMA at 8 kHz. */
  public static G711Law of(Codec codec) {
    if (!codec.isG711()) {
      throw new IllegalArgumentException("only PCMU and PCMA at 8000 Hz can be mixed or recorded, got "
          + codec.rtpmap());
    }
    return codec.encoding().toUpperCase(Locale.ROOT).equals("PCMU") ? PCMU : PCMA;
  }

  /** Linear value of one code. */
  public short decode(byte code) {
    return (this == PCMU ? ULAW : ALAW)[code & 0xFF];
  }

  /** Code of one linear sample. */
  public byte encode(short sample) {
    return (this == PCMU ? TO_ULAW : TO_ALAW)[sample & 0xFFFF];
  }

  /** Decodes {@code count} codes of {@code codes} and adds them to {@code sum}. */
  void decodeAdd(byte[] codes, int count, int[] sum) {
    short[] table = this == PCMU ? ULAW : ALAW;
    for (int i = 0; i < count; i++) {
      sum[i] += table[codes[i] & 0xFF];
    }
  }

  /** Encodes {@code sum}, clipped to 16 bits, into {@code codes}. */
  void encodeClipped(int[] sum, int count, byte[] codes) {
    byte[] table = this == PCMU ? TO_ULAW : TO_ALAW;
    for (int i = 0; i < count; i++) {
      int clipped = Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, sum[i]));
      codes[i] = table[clipped & 0xFFFF];
    }
  }

  /** The code of digital silence (linear 0) in this law. */
  public byte silence() {
    return encode((short) 0);
  }
}
