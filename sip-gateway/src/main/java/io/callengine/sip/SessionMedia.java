package io.callengine.sip;

import io.callengine.core.api.CallCenterEngine;
import io.callengine.core.call.CallEntity;
import io.callengine.core.events.MediaFlow;
import io.callengine.core.events.MediaQuality;
import io.callengine.core.events.Warning;
import io.callengine.core.queue.WaitingCall;
import io.callengine.sip.media.AudioClip;
import io.callengine.sip.media.Codec;
import io.callengine.sip.media.HoldAudio;
import io.callengine.sip.media.Playlist;
import io.callengine.sip.media.RtpEndpoint;
import io.callengine.sip.media.StreamQuality;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The media of one call session beyond relaying: the hold music and announcements a queued
 * caller hears, the IVR prompts, the quality samples of both legs, and the no-RTP watchdog.
 * Owned by its {@link CallSession} and used on its thread only.
 */
final class SessionMedia {
  private static final Logger log = LoggerFactory.getLogger(SessionMedia.class);
  /** One leg's quality since the call began, taken when it had received something new. */
  record Sample(String leg, StreamQuality quality) {}

  /** A leg whose audio started or stopped reaching the engine since the last look. */
  record FlowChange(String leg, boolean flowing) {}

  /** What one look at the media found. */
  record Tick(List<Sample> samples, List<FlowChange> flowChanges) {}

  /** A waiting caller's place in line, and the expected wait when there is an estimate. */
  record Place(int position, Duration expectedWait) {}

  private static final int LOW_MOS_SAMPLES_FOR_WARNING = 2;
  private final HoldAudio holdAudio;
  /** Consecutive samples under the MOS warning level, per leg: a warning when the audio stays poor. */
  private final Map<String, Integer> lowMosSamples = new HashMap<>();
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

  HoldAudio holdAudio() {
    return holdAudio;
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

  /**
   * Publishes what a look found (flow changes, quality samples, a warning when a leg stays
   * poor) and records each sample on the call.
   */
  void report(Tick tick, CallCenterEngine engine, String callId, String queueId, String agentId) {
    Instant now = engine.clock().instant();
    tick.flowChanges().forEach(change -> engine.publish(new MediaFlow(now, callId, queueId, agentId, change.leg(), change.flowing())));
    for (Sample sample : tick.samples()) {
      StreamQuality q = sample.quality();
      Double rttMs = Double.isNaN(q.rttMs()) ? null : q.rttMs();
      engine.publish(new MediaQuality(now, callId, queueId, agentId, sample.leg(), q.mos(), q.lossPercent(), q.jitterMs(), q.packets(), rttMs));
      boolean poor = q.mos() > 0 && q.mos() < settings.mosWarning();
      int lowInARow = poor ? lowMosSamples.merge(sample.leg(), 1, Integer::sum) : 0;
      if (!poor) lowMosSamples.remove(sample.leg());
      if (lowInARow == LOW_MOS_SAMPLES_FOR_WARNING) {
        String text = String.format("poor audio on the %s leg: MOS %.2f, loss %.1f%%, jitter %.1f ms", sample.leg(), q.mos(),
            q.lossPercent(), q.jitterMs());
        log.warn("Call {}: {}", callId, text);
        engine.publish(new Warning(now, callId, queueId, agentId, "low-mos", text));
      }
      engine.asks().<CallEntity.Command, Done>ask(engine.sharding().entityRefFor(CallEntity.ENTITY_KEY, callId),
          r -> new CallEntity.RecordQuality(sample.leg(), q.mos(), q.lossPercent(), q.jitterMs(), r));
    }
  }

  /**
   * The caller's place in his queue, and the expected wait: the queue's average speed of answer
   * over the calls that entered it in the last hour (docs/metrics.md).
   */
  static CompletionStage<Place> placeInLine(CallCenterEngine engine, String queueId, String callId) {
    Instant now = engine.clock().instant();
    CompletionStage<Integer> position = engine.supervisor().waitingCalls(queueId)
        .thenApply(line -> line.stream().map(WaitingCall::callId).toList().indexOf(callId) + 1);
    CompletionStage<Duration> wait = engine.supervisor().getPerformanceMetrics(now.minus(Duration.ofHours(1)), now, queueId, null)
        .thenApply(metrics -> metrics.figures().averageSpeedOfAnswerSeconds())
        .thenApply(seconds -> seconds == null ? null : Duration.ofSeconds(Math.round(seconds)));
    return position.thenCombine(wait, Place::new);
  }

  /** Whether the customer's phone has sent nothing for longer than the watchdog allows. */
  boolean silent(RtpEndpoint customer, boolean onHold, long nowNanos) {
    Duration limit = onHold ? settings.noRtpTimeoutOnHold() : settings.noRtpTimeout();
    return customer != null && nowNanos - customer.lastPacketAt() > limit.toNanos();
  }
}
