package io.callengine.sip;

import io.callengine.sip.media.AudioClip;
import io.callengine.sip.media.Codec;
import io.callengine.sip.media.HoldAudio;
import io.callengine.sip.media.Playlist;
import io.callengine.sip.media.RtpEndpoint;
import io.callengine.sip.media.StreamQuality;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The media of one call session beyond relaying: the hold music and announcements a queued
 * caller hears, the IVR prompts, the quality samples of both legs, and the no-RTP watchdog.
 * Owned by its {@link CallSession} and used on its thread only.
 */
final class SessionMedia {
  /** One leg's quality since the call began, taken when it had received something new. */
  record Sample(String leg, StreamQuality quality) {}

  /** A leg whose audio started or stopped reaching the engine since the last look. */
  record FlowChange(String leg, boolean flowing) {}

  /** What one look at the media found. */
  record Tick(List<Sample> samples, List<FlowChange> flowChanges) {}

  private final HoldAudio holdAudio;
  private final MediaSettings settings;
  private long customerPacketsSampled;
  private long agentPacketsSampled;
  private boolean customerFlowing;
  private boolean agentFlowing;

  SessionMedia(HoldAudio holdAudio, MediaSettings settings) {
    this.holdAudio = holdAudio;
    this.settings = settings;
  }

  MediaSettings settings() {
    return settings;
  }

  void hold(RtpEndpoint customer, Codec codec) {
    customer.player().play(holdAudio.holdMusic(), codec);
  }

  /** "You are caller number N" (and the expected wait when there is an estimate), then the music again. */
  void announce(RtpEndpoint customer, Codec codec, int position, Duration expectedWait) {
    Playlist place = holdAudio.callerNumber(Math.max(1, position));
    Playlist playlist = expectedWait == null ? place
        : Playlist.of(place.clips().toArray(AudioClip[]::new))
            .then(holdAudio.expectedWait(expectedWait).clips().toArray(AudioClip[]::new))
            .thenLoop(holdAudio.music());
    customer.player().play(playlist, codec);
  }

  /** Plays an IVR prompt once; the stage completes when it has been heard (or was cut short). */
  CompletableFuture<Void> prompt(RtpEndpoint customer, Codec codec, HoldAudio.Prompt... prompts) {
    Playlist playlist = Playlist.of(java.util.Arrays.stream(prompts).map(holdAudio::prompt)
        .toArray(AudioClip[]::new));
    return customer.player().play(playlist, codec);
  }

  /** A sample of each leg that received packets since the last look, and the legs whose audio started or stopped. */
  Tick look(RtpEndpoint customer, RtpEndpoint agent) {
    List<Sample> samples = new ArrayList<>();
    List<FlowChange> changes = new ArrayList<>();
    boolean customerNow = customer != null && customer.packetsReceived() > customerPacketsSampled;
    if (customerNow) {
      customerPacketsSampled = customer.packetsReceived();
      samples.add(new Sample("customer", customer.quality()));
    }
    if (customerNow != customerFlowing) changes.add(new FlowChange("customer", customerNow));
    customerFlowing = customerNow;
    boolean agentNow = agent != null && agent.packetsReceived() > agentPacketsSampled;
    if (agentNow) {
      agentPacketsSampled = agent.packetsReceived();
      samples.add(new Sample("agent", agent.quality()));
    }
    if (agentNow != agentFlowing) changes.add(new FlowChange("agent", agentNow));
    agentFlowing = agentNow;
    return new Tick(samples, changes);
  }

  /** Whether the customer's phone has sent nothing for longer than the watchdog allows. */
  boolean silent(RtpEndpoint customer, boolean onHold, long nowNanos) {
    Duration limit = onHold ? settings.noRtpTimeoutOnHold() : settings.noRtpTimeout();
    return customer != null && nowNanos - customer.lastPacketAt() > limit.toNanos();
  }
}
