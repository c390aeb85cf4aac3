package io.callengine.sip.media;

import io.callengine.sip.media.MonitorMode.Party;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoop;
import java.util.concurrent.RejectedExecutionException;

/**
 * The audio of a supervisor's monitor on one call: a {@link CallAudio.Listener} that, on every
 * 20 ms tick of the call's event loop, mixes with a {@link G711Mixer} what each party may hear
 * under the {@link MonitorMode} and sends it out of that party's endpoint as a live frame
 * ({@link RtpPlayer#sendLive}). The supervisor always gets the mix of customer and agent; in
 * whisper the agent gets customer and supervisor mixed, in barge the customer gets agent and
 * supervisor too, and the endpoints that get a mix give way to it in the direct relay
 * ({@link RtpEndpoint#giveWayToMix}). The supervisor's own frames come from a {@link FrameQueue}
 * on its endpoint, opened on the call's event loop. The monitor's SIP leg starts and stops it;
 * a tick allocates nothing but the outgoing packets, as the relay does.
 */
public final class MonitorMix implements CallAudio.Listener, CallAudio.Voice {
  private final CallAudio audio;
  private final RtpEndpoint customer;
  private final RtpEndpoint agent;
  private final RtpEndpoint supervisor;
  private final FrameQueue supervisorFrames;
  private final G711Mixer mixer;
  private final int payloadType;
  private final ByteBuf out = Unpooled.buffer(G711Mixer.FRAME_SAMPLES, G711Mixer.FRAME_SAMPLES);
  // Only on the event loop: the mode, and which parties got a frame on the last tick (else the next starts a talk spurt).
  private MonitorMode mode;
  /** Whether the call is on hold: its customer then hears the hold music, and the agent's mix leaves the customer out. */
  private boolean held;
  private final boolean[] streaming = new boolean[Party.values().length];

  private MonitorMix(CallAudio audio, RtpEndpoint customer, RtpEndpoint agent, RtpEndpoint supervisor, Codec codec) {
    this.audio = audio;
    this.customer = customer;
    this.agent = agent;
    this.supervisor = supervisor;
    this.payloadType = codec.payloadType();
    G711Law law = G711Law.of(codec);
    this.mixer = new G711Mixer(law, law, law);
    this.supervisorFrames = FrameQueue.on(supervisor, payloadType);
  }

  /**
   * Starts mixing the tapped call for the supervisor's endpoint (bound on {@code audio}'s event
   * loop) in {@code mode}; all three legs carry {@code codec}, PCMU or PCMA.
   */
  public static MonitorMix start(CallAudio audio, RtpEndpoint customer, RtpEndpoint agent, RtpEndpoint supervisor, Codec codec,
      MonitorMode mode) {
    return start(audio, customer, agent, supervisor, codec, mode, false);
  }

  /** As above, for a call that is on hold when {@code held}. */
  public static MonitorMix start(CallAudio audio, RtpEndpoint customer, RtpEndpoint agent, RtpEndpoint supervisor, Codec codec,
      MonitorMode mode, boolean held) {
    if (supervisor.eventLoop() != audio.loop()) {
      throw new IllegalArgumentException("the supervisor's leg must be on the call's event loop");
    }
    MonitorMix mix = new MonitorMix(audio, customer, agent, supervisor, codec);
    mix.held = held; // before the mix reaches the event loop
    mix.giveWay(mode); // at once: no packet relayed from now on may reach a party that is to hear the mix
    mix.onLoop(() -> mix.apply(mode));
    audio.add(mix);
    audio.voice(mix); // the recording hears a barging supervisor from the same frames
    return mix;
  }

  /** From the next tick on, mixes for {@code newMode}; from any thread. */
  public void mode(MonitorMode newMode) {
    onLoop(() -> apply(newMode));
  }

  /**
   * The call went on hold or was resumed, from the next tick on; from any thread. The hold owns
   * the customer's leg while it lasts (the music, no bridge): the mix only leaves the customer
   * out of what the agent hears and sends the customer nothing.
   */
  public void hold(boolean on) {
    onLoop(() -> held = on);
  }

  /** Stops mixing and gives customer and agent their direct audio back; from any thread, more than once. */
  public void stop() {
    audio.remove(this);
    audio.voice(null);
    onLoop(() -> {
      customer.giveWayToMix(false);
      agent.giveWayToMix(false);
      supervisorFrames.detach();
    });
  }

  @Override
  public ByteBuf take() {
    return supervisorFrames.take();
  }

  @Override
  public boolean heardByCustomer() {
    return mode == MonitorMode.BARGE && !held;
  }

  @Override
  public void frame(ByteBuf fromCustomer, ByteBuf fromAgent) {
    frame(fromCustomer, fromAgent, take(), heardByCustomer());
  }

  @Override
  public void frame(ByteBuf fromCustomer, ByteBuf fromAgent, ByteBuf fromSupervisor, boolean supervisorHeardByCustomer) {
    send(supervisor, Party.SUPERVISOR, fromCustomer, fromAgent, fromSupervisor);
    if (mode != MonitorMode.LISTEN) {
      send(agent, Party.AGENT, fromCustomer, fromAgent, fromSupervisor);
    }
    if (mode == MonitorMode.BARGE && !held) {
      send(customer, Party.CUSTOMER, fromCustomer, fromAgent, fromSupervisor);
    }
  }

  private void send(RtpEndpoint to, Party listener, ByteBuf fromCustomer, ByteBuf fromAgent, ByteBuf fromSupervisor) {
    out.clear();
    mixer.mix(mode, held, listener, fromCustomer, fromAgent, fromSupervisor, out);
    streaming[listener.ordinal()] = to.player().sendLive(payloadType, out, !streaming[listener.ordinal()]);
  }

  private void apply(MonitorMode newMode) {
    mode = newMode;
    streaming[Party.AGENT.ordinal()] &= newMode != MonitorMode.LISTEN;
    streaming[Party.CUSTOMER.ordinal()] &= newMode == MonitorMode.BARGE;
    giveWay(newMode);
  }

  private void giveWay(MonitorMode newMode) {
    agent.giveWayToMix(newMode != MonitorMode.LISTEN);
    customer.giveWayToMix(newMode == MonitorMode.BARGE);
  }

  private void onLoop(Runnable task) {
    EventLoop loop = audio.loop();
    try {
      loop.execute(task);
    } catch (RejectedExecutionException e) {
      // The relay is shut down: the call's legs are closed, nothing is left to mix or restore.
    }
  }
}
