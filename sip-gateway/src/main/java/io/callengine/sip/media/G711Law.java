package io.callengine.sip.media;

import java.util.Locale;

/**
 * The two G.711 laws with their decode tables: 256 linear values per law, computed once
 * from {@link G711} so that decoding a payload on an event loop is one array read per
 * sample. Encoding stays {@link G711}'s segment rule, which allocates nothing. Used by
 * {@link G711Mixer} and {@link StereoWavRecorder}.
 */
public enum G711Law {
  PCMU,
  PCMA;

  private static final short[] ULAW = new short[256];
  private static final short[] ALAW = new short[256];

  static {
    for (int code = 0; code < 256; code++) {
      ULAW[code] = G711.ulawToLinear((byte) code);
      ALAW[code] = G711.alawToLinear((byte) code);
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
    return this == PCMU ? G711.linearToUlaw(sample) : G711.linearToAlaw(sample);
  }

  /** The code of digital silence (linear 0) in this law. */
  public byte silence() {
    return encode((short) 0);
  }
}
