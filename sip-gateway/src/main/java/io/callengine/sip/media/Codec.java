package io.callengine.sip.media;

import java.util.Locale;

/**
 * One RTP payload format as SDP names it: payload type, encoding name and clock rate
 * ({@code a=rtpmap:101 telephone-event/8000}). Produced by {@link Sdp#parse}, chosen by
 * {@link Sdp#negotiate} and written back by {@link Sdp#answer} and {@link Sdp#offer}.
 */
public record Codec(int payloadType, String encoding, int clockRate) {

  public static final Codec PCMU = new Codec(0, "PCMU", 8000);
  public static final Codec PCMA = new Codec(8, "PCMA", 8000);
  private static final String TELEPHONE_EVENT = "telephone-event";

  public Codec {
    if (payloadType < 0 || payloadType > 127) {
      throw new IllegalArgumentException("RTP payload type must be 0-127, got " + payloadType);
    }
    if (encoding == null || encoding.isBlank()) {
      throw new IllegalArgumentException("codec encoding name is missing");
    }
    if (clockRate <= 0) {
      throw new IllegalArgumentException("codec clock rate must be positive, got " + clockRate);
    }
  }

  /** The value of this codec's {@code a=rtpmap} attribute after the payload type. */
  public String rtpmap() {
    return encoding + "/" + clockRate;
  }

  /** RFC 4733 DTMF events. */
  public boolean isTelephoneEvent() {
    return encoding.equalsIgnoreCase(TELEPHONE_EVENT);
  }

  /** PCMU or PCMA at 8 kHz: the audio the relay passes through untouched. */
  public boolean isG711() {
    String name = encoding.toUpperCase(Locale.ROOT);
    return clockRate == 8000 && (name.equals("PCMU") || name.equals("PCMA"));
  }
}
