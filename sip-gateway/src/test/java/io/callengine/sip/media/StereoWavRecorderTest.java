package io.callengine.sip.media;

import static io.callengine.sip.media.Tones.FRAME;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The recorder's file, read back with {@link WavFile}. The writer is an executor the test runs
 * by hand (what it queued, when the test says), so what is in the file at each step does not
 * depend on thread timing; one test uses a real writer thread and waits for {@code close}.
 */
class StereoWavRecorderTest {

  private static final double CUSTOMER_HZ = 1000;
  private static final double AGENT_HZ = 500;
  private static final int AMPLITUDE = 8000;

  @TempDir
  Path dir;

  private final ArrayDeque<Runnable> writerTasks = new ArrayDeque<>();

  @Test
  void customerIsLeftAndAgentIsRight() throws Exception {
    Path file = dir.resolve("call.wav");
    StereoWavRecorder recorder = new StereoWavRecorder(file, writerTasks::add, 50, 50);
    int frames = 8; // whole periods of both tones
    for (int f = 0; f < frames; f++) {
      feed(recorder, f);
    }
    recorder.close();
    runWriter();
    assertTrue(recorder.close().isDone());

    WavFile.Stereo wav = WavFile.readStereo(file);
    assertEquals(frames * FRAME, wav.left().length);
    assertTrue(Tones.amplitude(wav.left(), CUSTOMER_HZ) > AMPLITUDE * 0.97, "customer on the left");
    assertTrue(Tones.amplitude(wav.left(), AGENT_HZ) < AMPLITUDE * 0.01, "no agent on the left");
    assertTrue(Tones.amplitude(wav.right(), AGENT_HZ) > AMPLITUDE * 0.97, "agent on the right");
    assertTrue(Tones.amplitude(wav.right(), CUSTOMER_HZ) < AMPLITUDE * 0.01, "no customer on the right");
    for (int f = 0; f < frames; f++) {
      assertArrayEquals(customerHeard(f), frame(wav.left(), f), "left frame " + f);
      assertArrayEquals(agentHeard(f), frame(wav.right(), f), "right frame " + f);
    }
    assertExactHeader(file, frames);
  }

  @Test
  void aMissingFrameIsSilenceOnItsChannelAndKeepsBothAligned() throws Exception {
    Path file = dir.resolve("gaps.wav");
    StereoWavRecorder recorder = new StereoWavRecorder(file, writerTasks::add, 50, 50);
    for (int f = 0; f < 6; f++) {
      boolean customerLost = f == 2 || f == 3;
      boolean agentLost = f == 4;
      recorder.frame(G711Law.PCMU, customerLost ? null : Tones.encode(G711Law.PCMU, Tones.tone(CUSTOMER_HZ, AMPLITUDE, f)),
          G711Law.PCMA, agentLost ? null : Tones.encode(G711Law.PCMA, Tones.tone(AGENT_HZ, AMPLITUDE, f)));
    }
    recorder.close();
    runWriter();

    WavFile.Stereo wav = WavFile.readStereo(file);
    short[] silence = new short[FRAME];
    for (int f = 0; f < 6; f++) {
      assertArrayEquals(f == 2 || f == 3 ? silence : customerHeard(f), frame(wav.left(), f), "left frame " + f);
      assertArrayEquals(f == 4 ? silence : agentHeard(f), frame(wav.right(), f), "right frame " + f);
    }
  }

  @Test
  void pausedTicksAreSilenceOnBothChannelsAndKeepTheCallsLength() throws Exception {
    Path file = dir.resolve("paused.wav");
    StereoWavRecorder recorder = new StereoWavRecorder(file, writerTasks::add, 50, 50);
    for (int f = 0; f < 7; f++) {
      if (f == 2) {
        recorder.pause();
      }
      if (f == 5) {
        recorder.resume();
      }
      feed(recorder, f);
    }
    recorder.close();
    runWriter();

    WavFile.Stereo wav = WavFile.readStereo(file);
    assertEquals(7 * FRAME, wav.left().length, "paused ticks are in the file");
    short[] silence = new short[FRAME];
    for (int f = 0; f < 7; f++) {
      boolean paused = f >= 2 && f < 5;
      assertArrayEquals(paused ? silence : customerHeard(f), frame(wav.left(), f), "left frame " + f);
      assertArrayEquals(paused ? silence : agentHeard(f), frame(wav.right(), f), "right frame " + f);
    }
  }

  @Test
  void aFileLeftOpenByADeadProcessReadsUpToTheLastHeaderUpdate() throws Exception {
    Path file = dir.resolve("crashed.wav");
    StereoWavRecorder recorder = new StereoWavRecorder(file, writerTasks::add, 50, 10);
    int frames = 35;
    for (int f = 0; f < frames; f++) {
      feed(recorder, f);
      if (f % 4 == 3) {
        runWriter(); // the writer keeps up in batches of four frames
      }
    }
    runWriter();
    // Not closed: this is the file as the process leaves it if it dies now.
    assertEquals(frames, recorder.framesWritten());
    assertEquals(30, recorder.framesInHeader(), "updated every 10 frames");
    assertEquals(StereoWavRecorder.HEADER_BYTES + frames * StereoWavRecorder.FRAME_BYTES, Files.size(file),
        "every frame written is in the file");

    WavFile.Stereo wav = WavFile.readStereo(file);
    assertEquals(30 * FRAME, wav.left().length, "a strict reader stops at the header's data size");
    for (int f = 0; f < 30; f++) {
      assertArrayEquals(customerHeard(f), frame(wav.left(), f), "left frame " + f);
      assertArrayEquals(agentHeard(f), frame(wav.right(), f), "right frame " + f);
    }
    byte[] bytes = Files.readAllBytes(file);
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(40, 0xFFFFFFFF); // "to the end"
    WavFile.Stereo all = WavFile.readStereo(new ByteArrayInputStream(bytes));
    assertArrayEquals(customerHeard(frames - 1), frame(all.left(), frames - 1),
        "the frames after it are there for a reader that reads to the end");
    recorder.close();
    runWriter();
  }

  @Test
  void aWriterThatFallsBehindDropsFramesOnBothChannelsAndCountsThem() throws Exception {
    Path file = dir.resolve("behind.wav");
    StereoWavRecorder recorder = new StereoWavRecorder(file, writerTasks::add, 4, 50);
    for (int f = 0; f < 6; f++) {
      feed(recorder, f); // the writer does not run: four blocks, then nowhere to put a frame
    }
    assertEquals(2, recorder.framesDropped());
    recorder.close();
    runWriter();
    WavFile.Stereo wav = WavFile.readStereo(file);
    assertEquals(4 * FRAME, wav.left().length);
    assertEquals(4 * FRAME, wav.right().length);
  }

  @Test
  void framesAfterCloseAreIgnoredAndCloseCompletesOnARealWriterThread() throws Exception {
    Path file = dir.resolve("threaded.wav");
    ExecutorService writer = Executors.newSingleThreadExecutor();
    try {
      StereoWavRecorder recorder = new StereoWavRecorder(file, writer, 50, 5);
      for (int f = 0; f < 20; f++) {
        feed(recorder, f);
      }
      recorder.close().get(10, TimeUnit.SECONDS);
      feed(recorder, 20);
      assertEquals(20, recorder.framesWritten());
      assertEquals(20, recorder.framesInHeader());
      assertExactHeader(file, 20);
    } finally {
      writer.shutdownNow();
    }
  }

  @Test
  void takingAFrameAllocatesNothing() throws Exception {
    StereoWavRecorder recorder = new StereoWavRecorder(dir.resolve("steady.wav"), writerTasks::add, 40, 50);
    ByteBuf customer = Tones.encode(G711Law.PCMU, Tones.tone(CUSTOMER_HZ, AMPLITUDE, 0));
    ByteBuf agent = Tones.encode(G711Law.PCMA, Tones.tone(AGENT_HZ, AMPLITUDE, 0));
    var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long thread = Thread.currentThread().getId();
    long allocated = 0;
    int cycles = 200;
    for (int cycle = 0; cycle < 2 * cycles; cycle++) { // the first half warms up
      long before = threads.getThreadAllocatedBytes(thread);
      for (int f = 0; f < 40; f++) {
        recorder.frame(G711Law.PCMU, customer, G711Law.PCMA, agent);
      }
      if (cycle >= cycles) {
        allocated += threads.getThreadAllocatedBytes(thread) - before;
      }
      runWriter(); // not counted: the writer's thread, not the event loop
    }
    assertEquals(0, recorder.framesDropped());
    // A frame that allocated even its smallest object (16 bytes) would add up to 128,000.
    assertTrue(allocated < 12_800, allocated + " bytes allocated taking " + 40 * cycles + " frames");
    recorder.close();
    runWriter();
  }

  @Test
  void aFileThatCannotBeWrittenFailsTheRecordingNamingIt() {
    Path file = dir.resolve("no-such-directory").resolve("call.wav");
    StereoWavRecorder recorder = new StereoWavRecorder(file, writerTasks::add, 50, 50);
    feed(recorder, 0);
    runWriter();
    ExecutionException failure = assertThrows(ExecutionException.class, () -> recorder.close().get());
    assertTrue(failure.getCause().getMessage().contains(file.toString()), failure.getCause().getMessage());
    assertThrows(IllegalArgumentException.class, () -> new StereoWavRecorder(file, writerTasks::add, 0, 50),
        "a recorder with no room for a frame is refused");
  }

  private void runWriter() {
    for (int i = 0; i < 1000 && !writerTasks.isEmpty(); i++) {
      writerTasks.poll().run();
    }
    assertTrue(writerTasks.isEmpty(), "the writer's work ends");
  }

  /** Frame {@code f}: the customer's tone in μ-law, the agent's in A-law. */
  private static void feed(StereoWavRecorder recorder, int f) {
    recorder.frame(G711Law.PCMU, Tones.encode(G711Law.PCMU, Tones.tone(CUSTOMER_HZ, AMPLITUDE, f)),
        G711Law.PCMA, Tones.encode(G711Law.PCMA, Tones.tone(AGENT_HZ, AMPLITUDE, f)));
  }

  private static short[] customerHeard(int f) {
    return Tones.decode(G711Law.PCMU, Tones.encode(G711Law.PCMU, Tones.tone(CUSTOMER_HZ, AMPLITUDE, f)));
  }

  private static short[] agentHeard(int f) {
    return Tones.decode(G711Law.PCMA, Tones.encode(G711Law.PCMA, Tones.tone(AGENT_HZ, AMPLITUDE, f)));
  }

  private static short[] frame(short[] channel, int f) {
    return Arrays.copyOfRange(channel, f * FRAME, (f + 1) * FRAME);
  }

  private static void assertExactHeader(Path file, int frames) throws IOException {
    ByteBuffer header = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    int data = frames * StereoWavRecorder.FRAME_BYTES;
    assertEquals(StereoWavRecorder.HEADER_BYTES + data, header.capacity());
    assertEquals(36 + data, header.getInt(4), "RIFF size");
    assertEquals(2, header.getShort(22), "channels");
    assertEquals(8000, header.getInt(24), "sample rate");
    assertEquals(32000, header.getInt(28), "byte rate");
    assertEquals(data, header.getInt(40), "data size");
  }
}
