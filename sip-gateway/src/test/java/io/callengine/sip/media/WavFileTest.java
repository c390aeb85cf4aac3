package io.callengine.sip.media;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WavFileTest {

  private static final short[] SAMPLES = {0, 1, -1, 1000, -1000, Short.MAX_VALUE, Short.MIN_VALUE, 12345};

  @TempDir
  Path dir;

  @Test
  void readsAFileWithOtherChunksAroundTheAudio() throws IOException {
    byte[] wav = riff(
        chunk("fmt ", fmt(1, 1, 8000, 16)),
        chunk("LIST", "INFOISFT\u0005\0\0\0sox!\0".getBytes(StandardCharsets.ISO_8859_1)), // odd: padded
        chunk("fact", le(4).putInt(SAMPLES.length).array()),
        chunk("data", pcm(SAMPLES)),
        chunk("cue ", new byte[12]));
    Path file = dir.resolve("hold.wav");
    Files.write(file, wav);

    assertArrayEquals(SAMPLES, WavFile.read(file));
  }

  @Test
  void readsToTheEndWhenTheDataSizeWasNeverFilledIn() throws IOException {
    byte[] data = pcm(SAMPLES);
    byte[] wav = riff(chunk("fmt ", fmt(1, 1, 8000, 16)), header("data", 0xFFFFFFFFL), data);
    assertArrayEquals(SAMPLES, read(wav));
  }

  @Test
  void acceptsExtensiblePcm() throws IOException {
    ByteBuffer fmt = le(40)
        .putShort((short) 0xFFFE).putShort((short) 1).putInt(8000).putInt(16000)
        .putShort((short) 2).putShort((short) 16).putShort((short) 22)
        .putShort((short) 16).putInt(4) // valid bits, channel mask
        .putShort((short) 1); // sub-format GUID starting with PCM's code
    byte[] wav = riff(chunk("fmt ", fmt.array()), chunk("data", pcm(SAMPLES)));
    assertArrayEquals(SAMPLES, read(wav));
  }

  @Test
  void rejectsStereoSayingWhatItFound() {
    byte[] wav = riff(chunk("fmt ", fmt(1, 2, 8000, 16)), chunk("data", pcm(SAMPLES)));
    String message = assertThrows(IOException.class, () -> read(wav)).getMessage();
    assertTrue(message.contains("2 channel(s)") && message.contains("expected"), message);
  }

  @Test
  void readsStereoAsTwoChannels() throws IOException {
    byte[] wav = riff(chunk("fmt ", fmt(1, 2, 8000, 16)), chunk("data", pcm(SAMPLES)));
    WavFile.Stereo stereo = WavFile.readStereo(new ByteArrayInputStream(wav));
    assertArrayEquals(new short[] {0, -1, -1000, Short.MIN_VALUE}, stereo.left());
    assertArrayEquals(new short[] {1, 1000, Short.MAX_VALUE, 12345}, stereo.right());
    String mono = assertThrows(IOException.class,
        () -> WavFile.readStereo(new ByteArrayInputStream(riff(chunk("fmt ", fmt(1, 1, 8000, 16)),
            chunk("data", pcm(SAMPLES)))))).getMessage();
    assertTrue(mono.contains("1 channel(s)") && mono.contains("expected format 1 (PCM), 2 channel(s)"), mono);
  }

  @Test
  void rejectsCdQualitySayingWhatItFound() {
    byte[] wav = riff(chunk("fmt ", fmt(1, 1, 44100, 16)), chunk("data", pcm(SAMPLES)));
    String message = assertThrows(IOException.class, () -> read(wav)).getMessage();
    assertTrue(message.contains("44100 Hz") && message.contains("8000 Hz"), message);
  }

  @Test
  void rejectsOtherEncodingsAndSampleSizes() {
    String eightBit = assertThrows(IOException.class,
        () -> read(riff(chunk("fmt ", fmt(1, 1, 8000, 8)), chunk("data", new byte[8])))).getMessage();
    assertTrue(eightBit.contains("8 bits per sample"), eightBit);
    String ulaw = assertThrows(IOException.class,
        () -> read(riff(chunk("fmt ", fmt(7, 1, 8000, 8)), chunk("data", new byte[8])))).getMessage();
    assertTrue(ulaw.contains("format 7"), ulaw);
  }

  @Test
  void rejectsWhatIsNotAWaveFile() {
    String notRiff = assertThrows(IOException.class,
        () -> read("ID3\u0004 this is an mp3".getBytes(StandardCharsets.ISO_8859_1))).getMessage();
    assertTrue(notRiff.contains("not a RIFF/WAVE file"), notRiff);
    String noData = assertThrows(IOException.class,
        () -> read(riff(chunk("fmt ", fmt(1, 1, 8000, 16))))).getMessage();
    assertTrue(noData.contains("no 'data' chunk"), noData);
    String noFmt = assertThrows(IOException.class,
        () -> read(riff(chunk("data", pcm(SAMPLES))))).getMessage();
    assertTrue(noFmt.contains("no 'fmt ' chunk"), noFmt);
    String truncated = assertThrows(IOException.class,
        () -> read(riff(chunk("fmt ", fmt(1, 1, 8000, 16)), header("LIST", 1000), new byte[10]))).getMessage();
    assertTrue(truncated.contains("runs past the end"), truncated);
  }

  private static short[] read(byte[] wav) throws IOException {
    return WavFile.read(new ByteArrayInputStream(wav));
  }

  private static byte[] fmt(int encoding, int channels, int rate, int bits) {
    int blockAlign = channels * bits / 8;
    return le(16)
        .putShort((short) encoding).putShort((short) channels).putInt(rate).putInt(rate * blockAlign)
        .putShort((short) blockAlign).putShort((short) bits)
        .array();
  }

  private static byte[] pcm(short[] samples) {
    ByteBuffer bytes = le(samples.length * 2);
    for (short s : samples) {
      bytes.putShort(s);
    }
    return bytes.array();
  }

  private static byte[] chunk(String id, byte[] body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(header(id, body.length));
    out.writeBytes(body);
    if (body.length % 2 == 1) {
      out.write(0);
    }
    return out.toByteArray();
  }

  private static byte[] header(String id, long size) {
    ByteBuffer header = le(8).put(id.getBytes(StandardCharsets.ISO_8859_1)).putInt((int) size);
    return header.array();
  }

  private static byte[] riff(byte[]... chunks) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes("WAVE".getBytes(StandardCharsets.ISO_8859_1));
    for (byte[] chunk : chunks) {
      body.writeBytes(chunk);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(header("RIFF", body.size()));
    out.writeBytes(body.toByteArray());
    return out.toByteArray();
  }

  private static ByteBuffer le(int size) {
    return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
  }
}
