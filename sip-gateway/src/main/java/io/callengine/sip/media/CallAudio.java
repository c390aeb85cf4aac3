package io.callengine.sip.media;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audio of one bridged call as 20 ms frames, for those who need both sides at once: the
 * recording and the supervisor's monitor. It keeps a {@link FrameQueue} on each leg and, on a
 * 20 ms timer of the call's event loop, hands each {@link Listener} what each side sent for
 * that tick. Both legs must be on that one loop ({@link MediaRelay#openBeside}), so frames are
 * read without locks. Tapping changes nothing in the relay itself: the phones still hear each
 * other packet by packet.
 */
public final class CallAudio {
  private static final Logger log = LoggerFactory.getLogger(CallAudio.class);
  private static final long TICK_MILLIS = 20;

  /** Hears a call's frames, on the call's event loop. */
  public interface Listener {
    /**
     * One 20 ms tick: each side's G.711 payload (its readable bytes, up to 160), or null when
     * that side sent nothing for this tick. The buffers are only valid during this call; read
     * them without moving their reader index.
     */
    void frame(ByteBuf customer, ByteBuf agent);

    /**
     * As above, with the frame of the supervisor who monitors the call ({@link #voice}), or null,
     * and whether the customer hears that supervisor now (a barge, not on hold). Unless a
     * listener says otherwise, the supervisor is not part of what it hears.
     */
    default void frame(ByteBuf customer, ByteBuf agent, ByteBuf supervisor, boolean heardByCustomer) {
      frame(customer, agent);
    }
  }

  /** A third voice of the call: a monitoring supervisor's frames, taken once per tick for all listeners. */
  public interface Voice {
    /** This tick's frame, or null (see {@link FrameQueue#take}). */
    ByteBuf take();

    /** Whether the customer hears this voice now. */
    boolean heardByCustomer();
  }

  private final EventLoop loop;
  private final FrameQueue customer;
  private final int payloadType;
  // Replaced on the loop when another agent takes the call over (a transfer).
  private FrameQueue agent;
  /** The agent leg tapped now; read and written by the call's session only. */
  private RtpEndpoint agentEndpoint;
  // Only the event loop touches the list: add and remove run there as tasks, never mid-tick.
  private final List<Listener> listeners = new ArrayList<>();
  private final ScheduledFuture<?> ticker;
  // Only the event loop touches it, as the list.
  private Voice voice;

  private CallAudio(EventLoop loop, FrameQueue customer, RtpEndpoint agent, int payloadType) {
    this.loop = loop;
    this.customer = customer;
    this.payloadType = payloadType;
    this.agentEndpoint = agent;
    this.agent = FrameQueue.on(agent, payloadType);
    this.ticker = loop.scheduleAtFixedRate(this::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
  }

  /**
   * Taps a bridged call whose legs share one event loop, keeping the payloads of
   * {@code audioPayloadType}; fails if the legs are on different loops or not bound.
   */
  public static CallAudio tap(RtpEndpoint customer, RtpEndpoint agent, int audioPayloadType) {
    EventLoop loop = customer.eventLoop();
    if (loop == null || loop != agent.eventLoop()) {
      throw new IllegalArgumentException("a call's audio is tapped only when both legs are bound on one event loop");
    }
    return new CallAudio(loop, FrameQueue.on(customer, audioPayloadType), agent, audioPayloadType);
  }

  /**
   * Another agent leg took the call over (a transfer's target answered), on the same event loop:
   * its frames are the agent side from the next tick on. Called by the call's session.
   */
  public void agentChanged(RtpEndpoint newAgent) {
    if (newAgent == agentEndpoint) {
      return;
    }
    if (newAgent.eventLoop() != loop) {
      throw new IllegalArgumentException("a call's agent leg is tapped only on the call's event loop");
    }
    agentEndpoint = newAgent;
    onLoop(() -> {
      agent.detach();
      agent = FrameQueue.on(newAgent, payloadType);
    });
  }

  /** The call's event loop: where listeners are called, and where a monitor's own leg must be. */
  public EventLoop loop() {
    return loop;
  }

  /** From the next tick on, {@code listener} hears the frames; from any thread. */
  public void add(Listener listener) {
    onLoop(() -> listeners.add(listener));
  }

  /** From the next tick on, listeners also get {@code third}'s frames (null: none); from any thread. */
  public void voice(Voice third) {
    onLoop(() -> voice = third);
  }

  /** From the next tick on, {@code listener} hears nothing more; from any thread. */
  public void remove(Listener listener) {
    onLoop(() -> listeners.remove(listener));
  }

  /** Stops the ticks and the tapping; safe more than once, from any thread. */
  public void stop() {
    ticker.cancel(false);
    onLoop(() -> {
      listeners.clear();
      voice = null;
      customer.detach();
      agent.detach();
    });
  }

  private void onLoop(Runnable task) {
    try {
      loop.execute(task);
    } catch (RejectedExecutionException e) {
      // The relay is shut down: no tick runs any more, there is nothing left to change.
    }
  }

  private void tick() {
    ByteBuf fromCustomer = customer.take();
    ByteBuf fromAgent = agent.take();
    Voice third = voice;
    ByteBuf fromThird = third == null ? null : third.take();
    boolean heardByCustomer = third != null && third.heardByCustomer();
    for (Listener listener : listeners) {
      try {
        listener.frame(fromCustomer, fromAgent, fromThird, heardByCustomer);
      } catch (RuntimeException e) {
        // One listener's fault must not silence the others, nor stop the timer.
        log.warn("A call audio listener failed on a frame: {}", e.toString());
      }
    }
  }
}
