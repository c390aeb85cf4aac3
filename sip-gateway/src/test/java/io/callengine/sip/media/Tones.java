package io.callengine.sip.media;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/** Test signals in 20 ms G.711 frames, and the measurements the media tests check them with. */
final class Tones {

  static final int RATE = 8000;
  static final int FRAME = G711Mixer.FRAME_SAMPLES;

  private Tones() {}

  /** Frame {@code index} of a sine of {@code hz} and {@code amplitude}, linear. */
  static short[] tone(double hz, int amplitude, int index) {
    short[] pcm = new short[FRAME];
    for (int i = 0; i < FRAME; i++) {
      int n = index * FRAME + i;
      pcm[i] = (short) Math.round(amplitude * Math.sin(2 * Math.PI * hz * n / RATE));
    }
    return pcm;
  }

  /** The samples encoded in {@code law}, as a payload buffer. */
  static ByteBuf encode(G711Law law, short[] pcm) {
    ByteBuf payload = Unpooled.buffer(pcm.length);
    for (short s : pcm) {
      payload.writeByte(law.encode(s));
    }
    return payload;
  }

  /** The readable bytes of {@code payload} decoded in {@code law}, left unread. */
  static short[] decode(G711Law law, ByteBuf payload) {
    short[] pcm = new short[payload.readableBytes()];
    for (int i = 0; i < pcm.length; i++) {
      pcm[i] = law.decode(payload.getByte(payload.readerIndex() + i));
    }
    return pcm;
  }

  /** Amplitude of the {@code hz} component of {@code pcm}. */
  static double amplitude(short[] pcm, double hz) {
    return io.callengine.sip.testing.ToneLevel.amplitude(pcm, hz);
  }

  /** Energy of {@code actual - expected} against the energy of {@code expected}, in dB. */
  static double errorDb(short[] actual, int[] expected) {
    double error = 0;
    double signal = 0;
    for (int i = 0; i < actual.length; i++) {
      double d = actual[i] - expected[i];
      error += d * d;
      signal += (double) expected[i] * expected[i];
    }
    return 10 * Math.log10(error / signal);
  }

  static short[] concat(short[][] frames) {
    short[] all = new short[frames.length * FRAME];
    for (int f = 0; f < frames.length; f++) {
      System.arraycopy(frames[f], 0, all, f * FRAME, FRAME);
    }
    return all;
  }
}
