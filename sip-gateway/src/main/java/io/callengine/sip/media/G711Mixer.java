package io.callengine.sip.media;

import io.callengine.sip.media.MonitorMode.Party;
import io.netty.buffer.ByteBuf;
import java.util.Arrays;

/**
 * Mixes one 20 ms frame of a monitored call (customer, agent, supervisor) for one listener:
 * the payloads of the parties the listener hears under the {@link MonitorMode} are decoded
 * to linear PCM, added, clipped to 16 bits and encoded in the listener's law. One instance
 * per monitored call, used only from that call's event loop (it keeps its scratch arrays);
 * it allocates nothing per frame.
 *
 * <p>A frame is a payload of {@value #FRAME_SAMPLES} G.711 bytes, the readable bytes of the
 * given buffer, which is left unread. A null buffer is a party that sent nothing for this
 * frame and counts as silence; a shorter payload is silence after its end and a longer one
 * is cut at {@value #FRAME_SAMPLES} bytes, so the output is always one whole frame.
 */
public final class G711Mixer {

  /** Samples (and G.711 bytes) in one 20 ms frame at 8 kHz. */
  public static final int FRAME_SAMPLES = 160;

  private final G711Law[] laws = new G711Law[Party.values().length];
  private final int[] sum = new int[FRAME_SAMPLES];
  private final byte[] codes = new byte[FRAME_SAMPLES];

  /** A mixer for parties whose negotiated laws are these. */
  public G711Mixer(G711Law customer, G711Law agent, G711Law supervisor) {
    laws[Party.CUSTOMER.ordinal()] = customer;
    laws[Party.AGENT.ordinal()] = agent;
    laws[Party.SUPERVISOR.ordinal()] = supervisor;
  }

  /** The law {@code party} sends and hears. */
  public G711Law law(Party party) {
    return laws[party.ordinal()];
  }

  /**
   * Appends to {@code out} the frame that {@code listener} hears in {@code mode}, from this
   * frame's payloads of the three parties (null for a party that sent nothing).
   */
  public void mix(MonitorMode mode, Party listener, ByteBuf customer, ByteBuf agent, ByteBuf supervisor,
      ByteBuf out) {
    mix(mode, false, listener, customer, agent, supervisor, out);
  }

  /** As above, for a call that is on hold when {@code held} ({@link MonitorMode#hears(Party, Party, boolean)}). */
  public void mix(MonitorMode mode, boolean held, Party listener, ByteBuf customer, ByteBuf agent, ByteBuf supervisor,
      ByteBuf out) {
    Arrays.fill(sum, 0);
    if (mode.hears(listener, Party.CUSTOMER, held)) {
      add(customer, laws[Party.CUSTOMER.ordinal()]);
    }
    if (mode.hears(listener, Party.AGENT, held)) {
      add(agent, laws[Party.AGENT.ordinal()]);
    }
    if (mode.hears(listener, Party.SUPERVISOR, held)) {
      add(supervisor, laws[Party.SUPERVISOR.ordinal()]);
    }
    laws[listener.ordinal()].encodeClipped(sum, FRAME_SAMPLES, codes);
    out.writeBytes(codes, 0, FRAME_SAMPLES);
  }

  private void add(ByteBuf payload, G711Law law) {
    if (payload == null) {
      return;
    }
    int samples = Math.min(payload.readableBytes(), FRAME_SAMPLES);
    payload.getBytes(payload.readerIndex(), codes, 0, samples); // one bulk copy, then array reads
    law.decodeAdd(codes, samples, sum);
  }
}
