package io.callengine.sip.media;

import io.netty.buffer.ByteBuf;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A piece of audio encoded once to PCMU and PCMA in 20 ms frames of 160 bytes, the last
 * frame padded with silence. Immutable and shared: every {@link RtpPlayer} playing it copies
 * frames straight out of the same two arrays. {@link HoldAudio} loads the engine's clips at
 * start-up; loading reads and encodes the whole file, so it never runs on an event loop.
 */
public final class AudioClip {

  /** Samples (and G.711 bytes) in one 20 ms frame at 8 kHz. */
  public static final int FRAME_BYTES = 160;
  private static final String FORMAT = "a WAV of 8 kHz, mono, 16-bit PCM";

  private final String name;
  private final byte[] ulaw;
  private final byte[] alaw;

  private AudioClip(String name, byte[] ulaw, byte[] alaw) {
    this.name = name;
    this.ulaw = ulaw;
    this.alaw = alaw;
  }

  /** Encodes 8 kHz 16-bit samples; fails on an empty clip, which a player could not loop. */
  public static AudioClip fromPcm(String name, short[] pcm) {
    if (pcm.length == 0) {
      throw new IllegalArgumentException("audio clip " + name + " has no samples");
    }
    int frames = (pcm.length + FRAME_BYTES - 1) / FRAME_BYTES;
    byte[] ulaw = new byte[frames * FRAME_BYTES];
    byte[] alaw = new byte[frames * FRAME_BYTES];
    for (int i = 0; i < ulaw.length; i++) {
      short sample = i < pcm.length ? pcm[i] : 0;
      ulaw[i] = G711.linearToUlaw(sample);
      alaw[i] = G711.linearToAlaw(sample);
    }
    return new AudioClip(name, ulaw, alaw);
  }

  /** Reads a WAV stream; a stream in any other format fails with a message naming the clip. */
  public static AudioClip fromWav(String name, InputStream wav) {
    short[] pcm;
    try {
      pcm = WavFile.read(wav);
    } catch (IOException e) {
      throw new IllegalArgumentException(name + " must be " + FORMAT + ": " + e.getMessage(), e);
    }
    return fromPcm(name, pcm);
  }

  /** One of the clips shipped in this module, {@code /audio/<name>.wav} on the class path. */
  public static AudioClip resource(String name) {
    String path = "/audio/" + name + ".wav";
    InputStream in = AudioClip.class.getResourceAsStream(path);
    if (in == null) {
      throw new IllegalStateException("built-in audio clip " + path + " is missing from the class path");
    }
    try (InputStream wav = new BufferedInputStream(in)) {
      return fromWav(path, wav);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read built-in audio clip " + path, e);
    }
  }

  /** An operator's WAV file. */
  public static AudioClip file(Path path) {
    if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
      throw new IllegalArgumentException(path + " is not a readable file; it must be " + FORMAT);
    }
    try (InputStream wav = new BufferedInputStream(Files.newInputStream(path))) {
      return fromWav(path.toString(), wav);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read audio file " + path, e);
    }
  }

  public String name() {
    return name;
  }

  /** Number of 20 ms frames, at least one. */
  public int frames() {
    return ulaw.length / FRAME_BYTES;
  }

  public Duration duration() {
    return Duration.ofMillis(20L * frames());
  }

  /** Appends frame {@code index} in A-law or μ-law to {@code out}: a copy, no allocation. */
  void writeFrame(boolean aLaw, int index, ByteBuf out) {
    out.writeBytes(aLaw ? alaw : ulaw, index * FRAME_BYTES, FRAME_BYTES);
  }

  @Override
  public String toString() {
    return "AudioClip[" + name + ", " + frames() + " frames]";
  }
}
