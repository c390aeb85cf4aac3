package io.callengine.sip.media;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * The audio one phone sent, kept as whole 20 ms payloads until a mixer or recorder takes them
 * on its tick: a jitter buffer of {@value #DEPTH} frames, so a packet that comes a little early
 * or late still lands in its own tick. It is fed by its {@link RtpEndpoint} ({@link #on}) and
 * read by {@link CallAudio} (or a monitor's supervisor leg), both on the endpoint's event loop,
 * so it takes no lock; its slots are allocated once. When the reader falls behind (the phone's
 * clock runs a little fast) the oldest frame is dropped, which keeps the delay bounded.
 */
public final class FrameQueue {

  /** Frames kept at most: 60 ms of delay before the oldest gives way. */
  static final int DEPTH = 3;

  private final RtpEndpoint endpoint;
  private final int payloadType;
  private final ByteBuf[] slots = new ByteBuf[DEPTH];
  private int head;
  private int count;
  private long dropped;

  private FrameQueue(RtpEndpoint endpoint, int payloadType) {
    this.endpoint = endpoint;
    this.payloadType = payloadType;
    for (int i = 0; i < DEPTH; i++) {
      slots[i] = Unpooled.buffer(G711Mixer.FRAME_SAMPLES, G711Mixer.FRAME_SAMPLES);
    }
  }

  /**
   * Starts keeping the payloads of {@code payloadType} (the call's G.711 codec: telephone-events
   * and comfort noise are not audio to mix) that {@code endpoint}'s phone sends. One queue per
   * endpoint: a later one replaces it.
   */
  public static FrameQueue on(RtpEndpoint endpoint, int payloadType) {
    FrameQueue queue = new FrameQueue(endpoint, payloadType);
    endpoint.tap(queue);
    return queue;
  }

  /**
   * The oldest frame kept, or null when the phone sent nothing since the last take. The buffer
   * stays valid until the event loop runs its next task: use it within the tick.
   */
  public ByteBuf take() {
    if (count == 0) {
      return null;
    }
    ByteBuf frame = slots[head];
    head = (head + 1) % DEPTH;
    count--;
    return frame;
  }

  /** Frames given up because the reader was {@value #DEPTH} behind. */
  public long dropped() {
    return dropped;
  }

  /** The endpoint stops feeding this queue. */
  public void detach() {
    endpoint.untap(this);
  }

  /** A packet the endpoint accepted from its phone. */
  void offer(ByteBuf rtp, int headerLength, int payloadLength) {
    if (payloadLength <= 0 || RtpHeader.payloadType(rtp) != payloadType) {
      return;
    }
    if (count == DEPTH) {
      head = (head + 1) % DEPTH;
      count--;
      dropped++;
    }
    ByteBuf slot = slots[(head + count) % DEPTH];
    slot.clear().writeBytes(rtp, rtp.readerIndex() + headerLength, Math.min(payloadLength, G711Mixer.FRAME_SAMPLES));
    count++;
  }
}
