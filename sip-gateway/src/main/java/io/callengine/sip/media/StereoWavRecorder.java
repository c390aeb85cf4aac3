package io.callengine.sip.media;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Records a call as a stereo WAV file, 16-bit PCM at 8 kHz, customer on the left channel and
 * agent on the right, written while the call runs. The call's event loop hands it one frame
 * per 20 ms tick ({@link #frame}): the G.711 payload each side sent for that tick, or null
 * when nothing came, which is recorded as silence so that both channels and the call's
 * clock stay aligned. While paused, both channels record silence: the file keeps the call's
 * length, so a time in the call is the same time in the recording, and the pause is heard.
 *
 * <p>The event loop only decodes into one of a fixed set of preallocated blocks and queues
 * it; the file is opened and written by {@code writer}, an executor for blocking work, one
 * drain at a time per recording. When the writer falls {@code queueFrames} behind, frames are
 * dropped on both channels together and counted ({@link #framesDropped}). Every
 * {@code headerEveryFrames} frames the writer rewrites the two size fields of the header in
 * place, so a file left by a process that died mid-call plays up to that point (readers that
 * accept a data size running past the end, such as {@link WavFile}, see no difference).
 * {@link #close} writes the exact sizes. The methods that take frames are called from one
 * thread at a time: the call's event loop.
 */
public final class StereoWavRecorder {

  public static final int FRAME_SAMPLES = G711Mixer.FRAME_SAMPLES;
  static final int HEADER_BYTES = 44;
  static final int FRAME_BYTES = FRAME_SAMPLES * 4; // two channels of 16 bits
  private static final int RIFF_SIZE_AT = 4;
  private static final int DATA_SIZE_AT = 40;

  private final Path file;
  private final Executor writer;
  private final int headerEveryFrames;
  private final ArrayBlockingQueue<ByteBuffer> free;
  private final ArrayBlockingQueue<ByteBuffer> filled;
  private final AtomicBoolean draining = new AtomicBoolean();
  private final Runnable drain = this::drain;
  private final CompletableFuture<Void> closed = new CompletableFuture<>();
  private final AtomicLong dropped = new AtomicLong();
  private final byte[] codes = new byte[FRAME_SAMPLES]; // the event loop's scratch
  private final byte[] addedCodes = new byte[FRAME_SAMPLES];
  private volatile boolean paused;
  private volatile boolean closing;

  // Writer side: one drain at a time, handed over through `draining`.
  private final ByteBuffer size = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
  private FileChannel channel;
  private volatile long framesWritten;
  private volatile long framesInHeader;

  /**
   * A recording to {@code file} (created or truncated by the first write on {@code writer}),
   * buffering at most {@code queueFrames} frames and updating the header every
   * {@code headerEveryFrames}.
   */
  public StereoWavRecorder(Path file, Executor writer, int queueFrames, int headerEveryFrames) {
    if (queueFrames < 1 || headerEveryFrames < 1) {
      throw new IllegalArgumentException("queueFrames and headerEveryFrames must be at least 1, got "
          + queueFrames + " and " + headerEveryFrames);
    }
    this.file = file;
    this.writer = writer;
    this.headerEveryFrames = headerEveryFrames;
    this.free = new ArrayBlockingQueue<>(queueFrames);
    this.filled = new ArrayBlockingQueue<>(queueFrames);
    for (int i = 0; i < queueFrames; i++) {
      free.add(ByteBuffer.allocate(FRAME_BYTES));
    }
  }

  /** Records one 20 ms tick: each side's payload in its law, or null for silence. */
  public void frame(G711Law customerLaw, ByteBuf customer, G711Law agentLaw, ByteBuf agent) {
    frame(customerLaw, customer, agentLaw, agent, null);
  }

  /**
   * As above, with a barging supervisor's payload (in the agent's law, or null) added to the
   * agent's channel: the engine's side of the call as the customer hears it.
   */
  public void frame(G711Law customerLaw, ByteBuf customer, G711Law agentLaw, ByteBuf agent, ByteBuf supervisor) {
    if (closing) {
      return;
    }
    ByteBuffer block = free.poll();
    if (block == null) {
      dropped.incrementAndGet();
      schedule();
      return;
    }
    byte[] pcm = block.array();
    boolean silent = paused;
    interleave(silent ? null : customer, customerLaw, pcm, 0);
    interleave(silent ? null : agent, agentLaw, silent ? null : supervisor, pcm, 2);
    block.clear();
    filled.add(block); // cannot be full: it holds only blocks taken from `free`
    schedule();
  }

  /** From the next frame on, both channels record silence. */
  public void pause() {
    paused = true;
  }

  public void resume() {
    paused = false;
  }

  /**
   * Stops taking frames; the writer writes what is queued and the exact header, then closes
   * the file. Completes then, or exceptionally with the write error that ended the recording.
   */
  public CompletableFuture<Void> close() {
    closing = true;
    schedule();
    return closed;
  }

  /** Frames in the file so far. */
  public long framesWritten() {
    return framesWritten;
  }

  /** Frames the header's sizes cover: what a crash now would leave readable to every reader. */
  public long framesInHeader() {
    return framesInHeader;
  }

  /** Frames not recorded because the writer was {@code queueFrames} behind. */
  public long framesDropped() {
    return dropped.get();
  }

  /** Writes one side's samples, little-endian, every 4 bytes from {@code offset}; silence after its end. */
  private void interleave(ByteBuf payload, G711Law law, byte[] pcm, int offset) {
    interleave(payload, law, null, pcm, offset);
  }

  /** As above, with {@code added} (same law, or null) summed in and clipped to 16 bits. */
  private void interleave(ByteBuf payload, G711Law law, ByteBuf added, byte[] pcm, int offset) {
    int samples = payload == null ? 0 : Math.min(payload.readableBytes(), FRAME_SAMPLES);
    if (samples > 0) {
      payload.getBytes(payload.readerIndex(), codes, 0, samples); // one bulk copy, then array reads
    }
    int addedSamples = added == null ? 0 : Math.min(added.readableBytes(), FRAME_SAMPLES);
    if (addedSamples > 0) {
      added.getBytes(added.readerIndex(), addedCodes, 0, addedSamples);
    }
    for (int i = 0; i < FRAME_SAMPLES; i++) {
      int sum = (i < samples ? law.decode(codes[i]) : 0) + (i < addedSamples ? law.decode(addedCodes[i]) : 0);
      short sample = (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, sum));
      pcm[offset + 4 * i] = (byte) sample;
      pcm[offset + 4 * i + 1] = (byte) (sample >> 8);
    }
  }

  private void schedule() {
    if (draining.compareAndSet(false, true)) {
      writer.execute(drain);
    }
  }

  private void drain() {
    do {
      writeQueued();
      draining.set(false);
    } while (hasWork() && draining.compareAndSet(false, true));
  }

  private boolean hasWork() {
    return !closed.isDone() && (closing || !filled.isEmpty());
  }

  private void writeQueued() {
    if (closed.isDone()) {
      filled.drainTo(free);
      return;
    }
    try {
      if (channel == null) {
        channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING);
        channel.write(header());
      }
      ByteBuffer block;
      while ((block = filled.poll()) != null) {
        while (block.hasRemaining()) {
          channel.write(block);
        }
        free.add(block);
        framesWritten++;
        if (framesWritten - framesInHeader >= headerEveryFrames) {
          writeSizes();
        }
      }
      if (closing) {
        writeSizes();
        channel.close();
        closed.complete(null);
      }
    } catch (IOException | RuntimeException e) {
      closeQuietly();
      closed.completeExceptionally(new UncheckedIOException("recording " + file + " failed after "
          + framesWritten + " frames", e instanceof IOException io ? io : new IOException(e)));
    }
  }

  /** Rewrites the RIFF and data sizes in place, without moving the append position. */
  private void writeSizes() throws IOException {
    long frames = framesWritten;
    long data = frames * FRAME_BYTES;
    writeUint32(36 + data, RIFF_SIZE_AT);
    writeUint32(data, DATA_SIZE_AT);
    framesInHeader = frames;
  }

  private void writeUint32(long value, long position) throws IOException {
    size.clear();
    size.putInt((int) value).flip();
    while (size.hasRemaining()) {
      channel.write(size, position + size.position());
    }
  }

  private static ByteBuffer header() {
    ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    header.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36)
        .put("WAVEfmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16)
        .putShort((short) 1).putShort((short) 2) // PCM, stereo
        .putInt(WavFile.SAMPLE_RATE).putInt(WavFile.SAMPLE_RATE * 4)
        .putShort((short) 4).putShort((short) 16) // block align, bits per sample
        .put("data".getBytes(StandardCharsets.US_ASCII)).putInt(0);
    return header.flip();
  }

  private void closeQuietly() {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // the write error that brought us here is the one reported
      }
    }
  }
}
