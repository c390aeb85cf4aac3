package io.callengine.bench.media;

import io.callengine.sip.media.G711;
import io.callengine.sip.media.G711Law;
import io.callengine.sip.media.G711Mixer;
import io.callengine.sip.media.MonitorMode;
import io.callengine.sip.media.MonitorMode.Party;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
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
 * The mixing work of one monitored call for one 20 ms frame, on direct pooled buffers as the
 * relay's channels hand them over; customer and supervisor on PCMU, agent on PCMA so that
 * both laws are decoded. Listen mixes one output (the supervisor's: customer and agent keep
 * the plain relay), whisper two (agent and supervisor; the customer hears the agent alone),
 * barge three. The reference is the plain relay's payload work for the same call: copying
 * each of the three 160-byte payloads into an outgoing buffer.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms256m", "-Xmx256m"})
public class MixingBenchmark {

  private static final int FRAME = G711Mixer.FRAME_SAMPLES;

  private final G711Mixer mixer = new G711Mixer(G711Law.PCMU, G711Law.PCMA, G711Law.PCMU);
  private ByteBuf customer;
  private ByteBuf agent;
  private ByteBuf supervisor;
  private ByteBuf out;

  @Setup(Level.Trial)
  public void setUp() {
    customer = payload(G711Law.PCMU, 1000, 9000);
    agent = payload(G711Law.PCMA, 500, 12000);
    supervisor = payload(G711Law.PCMU, 300, 7000);
    out = PooledByteBufAllocator.DEFAULT.directBuffer(3 * FRAME);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    customer.release();
    agent.release();
    supervisor.release();
    out.release();
  }

  @Benchmark
  public ByteBuf relayCopyReference() {
    out.clear();
    out.writeBytes(customer, customer.readerIndex(), FRAME);
    out.writeBytes(agent, agent.readerIndex(), FRAME);
    out.writeBytes(supervisor, supervisor.readerIndex(), FRAME);
    return out;
  }

  @Benchmark
  public ByteBuf listen() {
    out.clear();
    mixer.mix(MonitorMode.LISTEN, Party.SUPERVISOR, customer, agent, supervisor, out);
    return out;
  }

  @Benchmark
  public ByteBuf whisper() {
    out.clear();
    mixer.mix(MonitorMode.WHISPER, Party.AGENT, customer, agent, supervisor, out);
    mixer.mix(MonitorMode.WHISPER, Party.SUPERVISOR, customer, agent, supervisor, out);
    return out;
  }

  @Benchmark
  public ByteBuf barge() {
    out.clear();
    mixer.mix(MonitorMode.BARGE, Party.CUSTOMER, customer, agent, supervisor, out);
    mixer.mix(MonitorMode.BARGE, Party.AGENT, customer, agent, supervisor, out);
    mixer.mix(MonitorMode.BARGE, Party.SUPERVISOR, customer, agent, supervisor, out);
    return out;
  }

  private static ByteBuf payload(G711Law law, double hz, int amplitude) {
    ByteBuf payload = PooledByteBufAllocator.DEFAULT.directBuffer(FRAME);
    for (int i = 0; i < FRAME; i++) {
      short sample = (short) Math.round(amplitude * Math.sin(2 * Math.PI * hz * i / 8000));
      payload.writeByte(law == G711Law.PCMU ? G711.linearToUlaw(sample) : G711.linearToAlaw(sample));
    }
    return payload;
  }
}
