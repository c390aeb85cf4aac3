package io.callengine.core.testing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/** Writes a valid WAV file (stereo, 16-bit PCM, 8 kHz) of seeded noise, so that every byte range of it differs. */
public final class TestWav {
  private static final int RATE = 8000;
  private static final int CHANNELS = 2;
  private static final int BYTES_PER_SAMPLE = 2;

  private TestWav() {}

  /** {@code millis} of audio; returns the file's bytes. */
  public static byte[] write(Path file, int millis, long seed) throws IOException {
    int dataBytes = (int) ((long) RATE * millis / 1000) * CHANNELS * BYTES_PER_SAMPLE;
    ByteBuffer wav = ByteBuffer.allocate(44 + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
    wav.put("RIFF".getBytes()).putInt(36 + dataBytes).put("WAVE".getBytes());
    wav.put("fmt ".getBytes()).putInt(16).putShort((short) 1).putShort((short) CHANNELS).putInt(RATE)
        .putInt(RATE * CHANNELS * BYTES_PER_SAMPLE).putShort((short) (CHANNELS * BYTES_PER_SAMPLE)).putShort((short) 16);
    wav.put("data".getBytes()).putInt(dataBytes);
    byte[] samples = new byte[dataBytes];
    new Random(seed).nextBytes(samples);
    wav.put(samples);
    Files.write(file, wav.array());
    return wav.array();
  }
}
