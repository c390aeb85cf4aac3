package io.callengine.bench.media;

import io.callengine.sip.media.G711;
import io.callengine.sip.media.G711Law;
import io.callengine.sip.media.StereoWavRecorder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The CPU of recording one call for one 20 ms frame: {@link StereoWavRecorder#frame} (decode
 * both sides, queue the block) with its writer run inline on the same thread, writing to
 * /dev/null, so the figure is the event loop's share plus the writer's system call without a
 * disk. Customer on PCMU, agent on PCMA; the header is rewritten every 50 frames.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms256m", "-Xmx256m"})
public class RecordingBenchmark {

  private StereoWavRecorder recorder;
  private ByteBuf customer;
  private ByteBuf agent;

  @Setup(Level.Trial)
  public void setUp() {
    recorder = new StereoWavRecorder(Path.of("/dev/null"), Runnable::run, 50, 50);
    customer = payload(G711Law.PCMU, 1000);
    agent = payload(G711Law.PCMA, 500);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    recorder.close().get(10, TimeUnit.SECONDS);
    if (recorder.framesDropped() != 0) {
      throw new IllegalStateException("an inline writer cannot fall behind, yet "
          + recorder.framesDropped() + " frames were dropped");
    }
    customer.release();
    agent.release();
  }

  @Benchmark
  public void recordFrame() {
    recorder.frame(G711Law.PCMU, customer, G711Law.PCMA, agent);
  }

  private static ByteBuf payload(G711Law law, double hz) {
    ByteBuf payload = PooledByteBufAllocator.DEFAULT.directBuffer(160);
    for (int i = 0; i < 160; i++) {
      short sample = (short) Math.round(9000 * Math.sin(2 * Math.PI * hz * i / 8000));
      payload.writeByte(law == G711Law.PCMU ? G711.linearToUlaw(sample) : G711.linearToAlaw(sample));
    }
    return payload;
  }
}
