package io.callengine.sip.media;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads a RIFF/WAVE file of 16-bit PCM at 8000 Hz into linear samples: mono, the format of
 * the engine's hold audio, or stereo, the format of {@link StereoWavRecorder}'s call
 * recordings. {@link AudioClip} loads clips with it at start-up (it reads the whole file:
 * never call it on an event loop). Chunks other than {@code fmt } and
 * {@code data} ({@code LIST}, {@code fact}, {@code cue }...) are skipped, odd-sized chunks
 * keep their pad byte, and a {@code data} size that runs past the end of the file (as
 * streaming writers leave it) is taken to mean "up to the end". Anything else fails with an
 * {@link IOException} that names the fields at fault.
 */
public final class WavFile {

  public static final int SAMPLE_RATE = 8000;
  private static final int PCM = 1;
  private static final int EXTENSIBLE = 0xFFFE;
  private static final int MIN_FMT_LENGTH = 16;
  private static final int EXTENSIBLE_SUBFORMAT_OFFSET = 24;

  /** The fields of a {@code fmt } chunk that decide whether the samples can be read. */
  private record Format(int encoding, int channels, long sampleRate, int blockAlign, int bitsPerSample) {

    boolean isPcm16At8k(int wantedChannels) {
      return encoding == PCM && channels == wantedChannels && sampleRate == SAMPLE_RATE
          && bitsPerSample == 16 && blockAlign == 2 * wantedChannels;
    }

    @Override
    public String toString() {
      String name = encoding == PCM ? " (PCM)" : "";
      return "format " + encoding + name + ", " + channels + " channel(s), " + sampleRate + " Hz, "
          + bitsPerSample + " bits per sample, block align " + blockAlign;
    }
  }

  /** The two channels of a stereo file, sample by sample. */
  public record Stereo(short[] left, short[] right) {}

  private WavFile() {}

  /** The samples of {@code file}. */
  public static short[] read(Path file) throws IOException {
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
      return read(in);
    }
  }

  /** The samples of a mono WAV stream, read to its {@code data} chunk (or to its end); not closed. */
  public static short[] read(InputStream in) throws IOException {
    return samples(pcm(in, 1));
  }

  /** The two channels of a stereo file; a trailing incomplete sample frame is dropped. */
  public static Stereo readStereo(Path file) throws IOException {
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
      return readStereo(in);
    }
  }

  /** The two channels of a stereo WAV stream, read like {@link #read(InputStream)}; not closed. */
  public static Stereo readStereo(InputStream in) throws IOException {
    short[] interleaved = samples(pcm(in, 2));
    short[] left = new short[interleaved.length / 2];
    short[] right = new short[left.length];
    for (int i = 0; i < left.length; i++) {
      left[i] = interleaved[2 * i];
      right[i] = interleaved[2 * i + 1];
    }
    return new Stereo(left, right);
  }

  private static byte[] pcm(InputStream in, int channels) throws IOException {
    String riff = fourCc(in, "the RIFF header");
    uint32(in, "the RIFF header"); // the RIFF size: often wrong, the chunks are what count
    String wave = fourCc(in, "the RIFF header");
    if (!riff.equals("RIFF") || !wave.equals("WAVE")) {
      throw new IOException("not a RIFF/WAVE file: it starts with '" + riff + "' ... '" + wave + "'"
          + (riff.equals("RF64") ? " (RF64 is not supported)" : ""));
    }
    Format format = null;
    byte[] data = null;
    String chunk;
    while ((format == null || data == null) && (chunk = nextChunkId(in)) != null) {
      long size = uint32(in, "the size of chunk '" + chunk + "'");
      switch (chunk) {
        case "fmt " -> format = supported(format(in, size), channels);
        case "data" -> data = dataBytes(in, size);
        default -> skip(in, size, chunk);
      }
      if ((size & 1) != 0) {
        in.read(); // RIFF pads odd-sized chunks; a file that ends without the pad is fine
      }
    }
    if (format == null) {
      throw new IOException("no 'fmt ' chunk");
    }
    if (data == null) {
      throw new IOException("no 'data' chunk");
    }
    return data;
  }

  private static Format supported(Format format, int channels) throws IOException {
    if (!format.isPcm16At8k(channels)) {
      throw new IOException("unsupported " + format + "; expected format 1 (PCM), " + channels
          + " channel(s), " + SAMPLE_RATE + " Hz, 16 bits per sample, block align " + 2 * channels);
    }
    return format;
  }

  private static Format format(InputStream in, long size) throws IOException {
    if (size < MIN_FMT_LENGTH || size > 1024) {
      throw new IOException("'fmt ' chunk of " + size + " bytes; PCM needs 16");
    }
    byte[] fmt = readFully(in, (int) size, "the 'fmt ' chunk");
    int encoding = uint16(fmt, 0);
    int bits = uint16(fmt, 14);
    if (encoding == EXTENSIBLE && size >= EXTENSIBLE_SUBFORMAT_OFFSET + 2) {
      // WAVE_FORMAT_EXTENSIBLE names the real encoding in the first two bytes of its GUID.
      encoding = uint16(fmt, EXTENSIBLE_SUBFORMAT_OFFSET);
    }
    long rate = uint16(fmt, 4) | (long) uint16(fmt, 6) << 16;
    return new Format(encoding, uint16(fmt, 2), rate, uint16(fmt, 12), bits);
  }

  /** The chunk's bytes, or fewer when the file ends first; an odd trailing byte is dropped. */
  private static byte[] dataBytes(InputStream in, long size) throws IOException {
    int wanted = (int) Math.min(size, Integer.MAX_VALUE - 8);
    return in.readNBytes(wanted);
  }

  private static short[] samples(byte[] data) {
    short[] samples = new short[data.length / 2];
    for (int i = 0; i < samples.length; i++) {
      samples[i] = (short) ((data[2 * i] & 0xFF) | data[2 * i + 1] << 8);
    }
    return samples;
  }

  /** The next chunk's id, or null at a clean end of file. */
  private static String nextChunkId(InputStream in) throws IOException {
    byte[] id = in.readNBytes(4);
    if (id.length == 0) {
      return null;
    }
    if (id.length < 4) {
      throw new IOException("truncated chunk header at the end of the file");
    }
    return new String(id, StandardCharsets.ISO_8859_1);
  }

  private static void skip(InputStream in, long bytes, String chunk) throws IOException {
    try {
      in.skipNBytes(bytes);
    } catch (EOFException e) {
      throw new IOException("chunk '" + chunk + "' of " + bytes + " bytes runs past the end of the file", e);
    }
  }

  private static String fourCc(InputStream in, String where) throws IOException {
    return new String(readFully(in, 4, where), StandardCharsets.ISO_8859_1);
  }

  private static long uint32(InputStream in, String where) throws IOException {
    byte[] b = readFully(in, 4, where);
    return (uint16(b, 0) | (long) uint16(b, 2) << 16);
  }

  private static byte[] readFully(InputStream in, int length, String where) throws IOException {
    byte[] bytes = in.readNBytes(length);
    if (bytes.length < length) {
      throw new IOException("the file ends inside " + where);
    }
    return bytes;
  }

  private static int uint16(byte[] b, int offset) {
    return (b[offset] & 0xFF) | (b[offset + 1] & 0xFF) << 8;
  }
}
