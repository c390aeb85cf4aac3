package io.callengine.sip;

import static io.callengine.core.testing.TestEngines.eventually;
import static io.callengine.sip.testing.ToneLevel.amplitude;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callengine.core.agent.Activity;
import io.callengine.core.agent.Presence;
import io.callengine.core.api.AgentSpec;
import io.callengine.core.api.CallCenterEngine;
import io.callengine.core.api.QueueSpec;
import io.callengine.core.call.CallStatus;
import io.callengine.core.call.CallView;
import io.callengine.core.call.TransferTarget;
import io.callengine.core.events.CallCenterEvent;
import io.callengine.core.events.RecordingPaused;
import io.callengine.core.events.RecordingResumed;
import io.callengine.core.events.RecordingStarted;
import io.callengine.core.records.CallRecord;
import io.callengine.core.records.CallRecordFilter;
import io.callengine.core.testing.TestEngines;
import io.callengine.sip.media.G711Law;
import io.callengine.sip.media.WavFile;
import io.callengine.sip.testing.OutgoingCall;
import io.callengine.sip.testing.TestPhone;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A recorded call handed over by its first agent to a second over loopback: one file goes on
 * with the customer (400 Hz) on the left and on the right the first agent (1000 Hz), then the
 * second (1600 Hz); the second agent's pause key pauses it; the caller hears the notice once.
 */
class RecordingAfterTransferTest {
  private static final double CUSTOMER_HZ = 400;
  private static final double FIRST_HZ = 1000;
  private static final double SECOND_HZ = 1600;
  private static final int AMPLITUDE = 8000;
  private static final int FRAME = 160;

  @TempDir
  static Path dataDir;
  private static SipTestNode node;
  private static CallCenterEngine engine;

  @BeforeAll
  static void start() throws Exception {
    node = SipTestNode.start("44500-44599", "callengine.data-dir = \"" + dataDir + "\"\n");
    engine = node.engine();
    engine.admin().createQueue(QueueSpec.of("rt-q", "rt-q").withRecording(new QueueSpec.Recording("ALL", null, true))
        .withWrapUpSeconds(60)).toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  private static TestPhone agent(String id) throws Exception {
    engine.admin().createAgent(AgentSpec.of(id, "sip:" + id + "@127.0.0.1", id, "pw-" + id).withQueues(List.of("rt-q")))
        .toCompletableFuture().get(5, TimeUnit.SECONDS);
    TestPhone phone = node.phone(id);
    assertEquals(200, phone.register("pw-" + id, 300, "MD5"));
    return phone;
  }

  @Test
  void theSameFileGoesOnWithTheSecondAgentWhosePauseKeyPausesIt() throws Exception {
    Set<String> noticeFrames = noticeFrames();
    TestProbe<CallCenterEvent> events = TestProbe.create(engine.system());
    TestEngines.subscribe(engine, events.ref());
    try (TestPhone ann = agent("rt-ann"); TestPhone bob = agent("rt-bob"); TestPhone customer = node.phone("5557001")) {
      engine.agent("rt-ann").updateStatus(Presence.AVAILABLE, null).toCompletableFuture().get(5, TimeUnit.SECONDS);
      OutgoingCall call = customer.call("rt-q");
      assertEquals(200, call.awaitFinal().getStatusCode());
      call.useAnswer();
      eventually(Duration.ofSeconds(10), "ann answers",
          () -> engine.admin().getAgent("rt-ann").toCompletableFuture().get(5, TimeUnit.SECONDS).activity() == Activity.ON_CALL);
      String callId = engine.admin().getAgent("rt-ann").toCompletableFuture().get(5, TimeUnit.SECONDS).currentCalls().get(0);
      assertEquals(1, talkUntilHeard(customer, ann, FIRST_HZ, noticeFrames), "the caller hears the notice, then ann");
      fish(events, RecordingStarted.class, callId);
      talk(customer, ann, FIRST_HZ, 50);

      engine.agent("rt-bob").updateStatus(Presence.AVAILABLE, null).toCompletableFuture().get(5, TimeUnit.SECONDS);
      engine.agent("rt-ann").transfer(callId, TransferTarget.agent("rt-bob")).toCompletableFuture().get(10, TimeUnit.SECONDS);
      eventually(Duration.ofSeconds(10), "the call is connected to bob", () -> {
        CallView view = view(callId);
        return view.status() == CallStatus.CONNECTED && "rt-bob".equals(view.agentId());
      });
      assertEquals(0, talkUntilHeard(customer, bob, SECOND_HZ, noticeFrames), "the caller hears bob and no second notice");
      talk(customer, bob, SECOND_HZ, 50);

      bob.rtp.sendDtmf('*');
      bob.rtp.sendDtmf('1');
      fish(events, RecordingPaused.class, callId);
      assertTrue(view(callId).recording().paused(), "bob's pause key paused the recording");
      talk(customer, bob, SECOND_HZ, 75);
      bob.rtp.sendDtmf('*');
      bob.rtp.sendDtmf('1');
      fish(events, RecordingResumed.class, callId);
      talk(customer, bob, SECOND_HZ, 50);
      call.hangUp();

      CallRecord record = finished(callId);
      assertTrue(record.recorded());
      assertEquals("rt-bob", record.agentId());
      assertEquals(1, record.recordingPauses(), "bob's pause is on the record");
      Path recordings = dataDir.resolve("recordings");
      try (var files = Files.walk(recordings)) {
        assertEquals(List.of(recordings.resolve(record.recordingFile())),
            files.filter(p -> p.getFileName().toString().startsWith(callId)).toList(), "one file for the call");
      }
      List<short[][]> frames = stereo(dataDir.resolve("recordings").resolve(record.recordingFile()));
      int lastFirst = -1;
      int firstSecond = -1;
      int customerBefore = 0;
      int customerAfter = 0;
      for (int f = 0; f < frames.size(); f++) {
        short[] left = frames.get(f)[0];
        short[] right = frames.get(f)[1];
        assertTrue(amplitude(left, FIRST_HZ) < AMPLITUDE * 0.05 && amplitude(left, SECOND_HZ) < AMPLITUDE * 0.05, "no agent on the left");
        assertTrue(amplitude(right, CUSTOMER_HZ) < AMPLITUDE * 0.05, "no customer on the right");
        if (amplitude(right, FIRST_HZ) > AMPLITUDE * 0.9) lastFirst = f;
        if (firstSecond < 0 && amplitude(right, SECOND_HZ) > AMPLITUDE * 0.9) firstSecond = f;
        if (amplitude(left, CUSTOMER_HZ) > AMPLITUDE * 0.9) {
          if (firstSecond < 0) customerBefore++;
          else customerAfter++;
        }
      }
      assertTrue(lastFirst >= 40 && firstSecond > lastFirst, "ann on the right, then bob: " + lastFirst + ", " + firstSecond);
      int secondFrames = 0;
      for (int f = firstSecond; f < frames.size(); f++) if (amplitude(frames.get(f)[1], SECOND_HZ) > AMPLITUDE * 0.9) secondFrames++;
      assertTrue(secondFrames >= 80, "bob's 100 frames out of the pause on the right: " + secondFrames);
      assertTrue(customerBefore >= 40 && customerAfter >= 80, "the customer on the left before and after: " + customerBefore
          + ", " + customerAfter);
      int silentRun = longestSilence(frames, firstSecond);
      assertTrue(silentRun >= 50 && silentRun <= 150, "75 frames were sent while paused: " + silentRun + " silent frames");
    }
  }

  /**
   * The customer and {@code agent} talk, paced like phones, until the customer hears the agent's
   * tone (750 rounds of at most 60 ms); returns 1 when the customer heard a frame of the notice
   * before, else 0.
   */
  private static int talkUntilHeard(TestPhone customer, TestPhone agent, double agentHz, Set<String> noticeFrames) throws Exception {
    String agentTone = Arrays.toString(tone(agentHz));
    int noticeHeard = 0;
    for (int round = 0; round < 750; round++) {
      customer.rtp.sendAudio(tone(CUSTOMER_HZ));
      agent.rtp.sendAudio(tone(agentHz));
      for (int packets = 0; packets < 3; packets++) {
        byte[] packet = customer.rtp.receivePacket(20);
        if (packet == null) break;
        String payload = Arrays.toString(Arrays.copyOfRange(packet, 12, packet.length));
        if (payload.equals(agentTone)) return noticeHeard;
        if (noticeFrames.contains(payload)) noticeHeard = 1;
      }
    }
    throw new AssertionError("the customer never heard the agent");
  }

  /** {@code frames} of 20 ms both ways, paced like a phone. */
  private static void talk(TestPhone customer, TestPhone agent, double agentHz, int frames) throws Exception {
    for (int i = 0; i < frames; i++) {
      customer.rtp.sendAudio(tone(CUSTOMER_HZ));
      agent.rtp.sendAudio(tone(agentHz));
      Thread.sleep(20);
    }
  }

  /** A frame of the tone; 400, 1000 and 1600 Hz repeat whole within 20 ms, so every frame is the same. */
  private static byte[] tone(double hz) {
    byte[] payload = new byte[FRAME];
    for (int i = 0; i < FRAME; i++) {
      payload[i] = G711Law.PCMU.encode((short) Math.round(AMPLITUDE * Math.sin(2 * Math.PI * hz * i / 8000)));
    }
    return payload;
  }

  /** The notice's frames as the engine plays them (PCMU, the last padded with silence). */
  private static Set<String> noticeFrames() throws Exception {
    short[] pcm = WavFile.read(RecordingAfterTransferTest.class.getResourceAsStream("/audio/this-call-may-be-recorded.wav"));
    Set<String> frames = new HashSet<>();
    for (int f = 0; f * FRAME < pcm.length; f++) {
      byte[] frame = new byte[FRAME];
      boolean silent = true;
      for (int i = 0; i < FRAME; i++) {
        short sample = f * FRAME + i < pcm.length ? pcm[f * FRAME + i] : 0;
        frame[i] = G711Law.PCMU.encode(sample);
        silent &= sample == 0;
      }
      if (!silent) frames.add(Arrays.toString(frame)); // silence could be anything's
    }
    return frames;
  }

  private static List<short[][]> stereo(Path wav) throws Exception {
    WavFile.Stereo stereo = WavFile.readStereo(wav);
    List<short[][]> frames = new ArrayList<>();
    for (int f = 0; f < stereo.left().length / FRAME; f++) {
      frames.add(new short[][] {Arrays.copyOfRange(stereo.left(), f * FRAME, (f + 1) * FRAME),
          Arrays.copyOfRange(stereo.right(), f * FRAME, (f + 1) * FRAME)});
    }
    return frames;
  }

  /** The longest run from {@code from} on of frames that are digital silence on both channels. */
  private static int longestSilence(List<short[][]> frames, int from) {
    int longest = 0;
    int run = 0;
    for (int f = from; f < frames.size(); f++) {
      run = isZero(frames.get(f)[0]) && isZero(frames.get(f)[1]) ? run + 1 : 0;
      longest = Math.max(longest, run);
    }
    return longest;
  }

  private static boolean isZero(short[] pcm) {
    for (short s : pcm) if (s != 0) return false;
    return true;
  }

  private static CallView view(String callId) throws Exception {
    return engine.supervisor().call(callId).toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  private static CallRecord finished(String callId) throws Exception {
    CallRecord[] found = new CallRecord[1];
    eventually(Duration.ofSeconds(10), "the record of " + callId + " is complete", () -> {
      found[0] = engine.supervisor().calls(CallRecordFilter.all()).toCompletableFuture().get(5, TimeUnit.SECONDS).stream()
          .filter(r -> r.callId().equals(callId)).findFirst().orElse(null);
      return found[0] != null && found[0].disposition() != null && found[0].recordingSeconds() != null;
    });
    return found[0];
  }

  private static <T extends CallCenterEvent> void fish(TestProbe<CallCenterEvent> events, Class<T> type, String callId) {
    events.fishForMessage(Duration.ofSeconds(8), e -> type.isInstance(e) && callId.equals(((io.callengine.core.events.CallEvent) e).callId())
        ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore());
  }
}
