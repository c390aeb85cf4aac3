package io.callengine.sip;

import static io.callengine.sip.testing.ToneLevel.amplitude;
import static io.callengine.core.testing.TestEngines.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callengine.core.EngineException;
import io.callengine.core.Refusal;
import io.callengine.core.agent.Activity;
import io.callengine.core.agent.Presence;
import io.callengine.core.api.AgentSpec;
import io.callengine.core.api.CallCenterEngine;
import io.callengine.core.api.QueueSpec;
import io.callengine.core.call.CallView;
import io.callengine.core.events.CallCenterEvent;
import io.callengine.core.policy.RoutingPolicy;
import io.callengine.core.policy.RoutingRule;
import io.callengine.core.queue.QueueRecording;
import io.callengine.core.events.RecordingPaused;
import io.callengine.core.events.RecordingResumed;
import io.callengine.core.events.RecordingStarted;
import io.callengine.core.events.RecordingStopped;
import io.callengine.core.records.CallRecord;
import io.callengine.core.records.CallRecordFilter;
import io.callengine.core.testing.TestEngines;
import io.callengine.sip.media.G711Law;
import io.callengine.sip.media.WavFile;
import io.callengine.sip.testing.OutgoingCall;
import io.callengine.sip.testing.TestPhone;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Recorded calls over loopback: a customer (RTP at 400 Hz) and an agent's phone (1000 Hz) talk
 * through the engine, and the WAV in the data directory holds each on its own channel; pauses
 * from the API and from the agent's pause key record silence; queues that record nothing or a
 * percentage; the notice the caller hears before the bridge.
 */
class RecordingTest {
  private static final double CUSTOMER_HZ = 400;
  private static final double AGENT_HZ = 1000;
  private static final int AMPLITUDE = 8000;
  private static final int FRAME = 160;

  @TempDir
  static Path dataDir;
  private static SipTestNode node;
  private static CallCenterEngine engine;
  private static final AtomicInteger draw = new AtomicInteger();

  @BeforeAll
  static void start() throws Exception {
    node = SipTestNode.start("43400-43499", "callengine.data-dir = \"" + dataDir + "\"\n", draw::get);
    engine = node.engine();
    queue("rec-all", new QueueSpec.Recording("ALL", null, false));
    queue("rec-none", new QueueSpec.Recording("NONE", null, true));
    queue("rec-half", new QueueSpec.Recording("PERCENT", 50, false));
    queue("rec-notice", new QueueSpec.Recording("ALL", null, true));
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  @Test
  void theCustomerIsOnTheLeftChannelAndTheAgentOnTheRight() throws Exception {
    try (Call call = Call.connect("rec-all", "ana", "5558001")) {
      call.talk(100);
      call.hangUp();
      CallRecord record = finished(call.callId);
      assertTrue(record.recorded());
      assertTrue(record.recordingNode().startsWith("pekko://"), "the node is a cluster address: " + record.recordingNode());
      assertTrue(record.recordingSeconds() >= 2, "100 frames were sent each way: " + record.recordingSeconds() + " s");

      int customerLeft = 0;
      int agentRight = 0;
      for (short[][] f : stereo(frames(file(record)))) {
        assertTrue(amplitude(f[0], AGENT_HZ) < AMPLITUDE * 0.05, "no agent on the left");
        assertTrue(amplitude(f[1], CUSTOMER_HZ) < AMPLITUDE * 0.05, "no customer on the right");
        if (amplitude(f[0], CUSTOMER_HZ) > AMPLITUDE * 0.9) customerLeft++;
        if (amplitude(f[1], AGENT_HZ) > AMPLITUDE * 0.9) agentRight++;
      }
      // A frame a little late waits for the next tick; one over 60 ms late (a busy machine) is dropped.
      assertTrue(customerLeft >= 80 && customerLeft <= 100, "the customer's 100 frames on the left: " + customerLeft);
      assertTrue(agentRight >= 80 && agentRight <= 100, "the agent's 100 frames on the right: " + agentRight);
    }
  }

  @Test
  void aPauseFromTheApiRecordsSilenceAndTheCallShowsIt() throws Exception {
    TestProbe<CallCenterEvent> events = TestProbe.create(engine.system());
    TestEngines.subscribe(engine, events.ref());
    try (Call call = Call.connect("rec-all", "bea", "5558002")) {
      fish(events, RecordingStarted.class, call.callId);
      call.talk(50);
      CallView paused = engine.agent("bea").pauseRecording(call.callId, true).toCompletableFuture().get(5, TimeUnit.SECONDS);
      assertTrue(paused.recording().paused());
      fish(events, RecordingPaused.class, call.callId);
      assertEquals(Refusal.CONFLICT, refusal(() -> engine.agent("bea").pauseRecording(call.callId, true)), "already paused: 409");
      assertEquals(Refusal.NOT_FOUND, refusal(() -> engine.agent("ana").pauseRecording(call.callId, false)),
          "another agent's call: 404");
      assertEquals(Refusal.NOT_FOUND, refusal(() -> engine.agent("bea").pauseRecording("no-such-call", false)), "unknown call: 404");
      call.talk(75);
      assertFalse(engine.agent("bea").pauseRecording(call.callId, false).toCompletableFuture().get(5, TimeUnit.SECONDS)
          .recording().paused());
      fish(events, RecordingResumed.class, call.callId);
      call.talk(50);
      call.hangUp();
      fish(events, RecordingStopped.class, call.callId);

      CallRecord record = finished(call.callId);
      assertEquals(1, record.recordingPauses(), "the record counts the pause");
      List<short[][]> frames = stereo(frames(file(record)));
      int first = firstWithTones(frames, 0);
      int pauseStart = firstSilent(frames, first);
      int resumed = firstWithTones(frames, pauseStart);
      assertTrue(first >= 0 && pauseStart > first && resumed > pauseStart, "tones, silence, tones: " + first + ", " + pauseStart + ", " + resumed);
      assertTrue(resumed - pauseStart >= 50, "75 frames were sent while paused; " + (resumed - pauseStart) + " silent frames");
      assertTrue(resumed - pauseStart <= 150, "the pause ended with the resume: " + (resumed - pauseStart) + " silent frames");
    }
  }

  @Test
  void theAgentsPauseKeyTogglesTheRecording() throws Exception {
    TestProbe<CallCenterEvent> events = TestProbe.create(engine.system());
    TestEngines.subscribe(engine, events.ref());
    try (Call call = Call.connect("rec-all", "cid", "5558003")) {
      fish(events, RecordingStarted.class, call.callId);
      call.agent.rtp.sendDtmf('*');
      call.agent.rtp.sendDtmf('1');
      fish(events, RecordingPaused.class, call.callId);
      assertTrue(view(call.callId).recording().paused());
      // The same key as SIP INFO, for phones without RFC 4733.
      assertEquals(200, call.agent.infoIncoming("dtmf-relay", "Signal=*\r\nDuration=160\r\n").getStatusCode());
      assertEquals(200, call.agent.infoIncoming("dtmf-relay", "Signal=1\r\nDuration=160\r\n").getStatusCode());
      fish(events, RecordingResumed.class, call.callId);
      assertFalse(view(call.callId).recording().paused());
      call.hangUp();
      assertEquals(1, finished(call.callId).recordingPauses(), "one pause by the key, one resume");
    }
  }

  @Test
  void aQueueThatRecordsNothingWritesNoFile() throws Exception {
    try (Call call = Call.connect("rec-none", "dan", "5558004")) {
      call.talk(25);
      call.hangUp();
      CallRecord record = finished(call.callId);
      assertFalse(record.recorded());
      assertNull(record.recordingFile());
      assertNull(view(call.callId).recording());
      assertEquals(Refusal.CONFLICT, refusal(() -> engine.agent("dan").pauseRecording(call.callId, true)),
          "a call that is not recorded: 409");
      try (var files = Files.walk(dataDir)) {
        assertTrue(files.noneMatch(p -> p.getFileName().toString().startsWith(call.callId)), "no file for the call");
      }
    }
  }

  @Test
  void aPercentageQueueRecordsTheCallsItsDrawPicks() throws Exception {
    draw.set(49); // under 50: recorded
    try (Call call = Call.connect("rec-half", "eve", "5558005")) {
      call.hangUp();
      assertTrue(finished(call.callId).recorded());
    }
    draw.set(50); // not under 50: not recorded
    try (Call call = Call.connect("rec-half", "eve", "5558006")) {
      call.hangUp();
      assertFalse(finished(call.callId).recorded());
    }
  }

  @Test
  void aRoutingPolicysSettingWinsOverItsQueues() throws Exception {
    engine.admin().createPolicy(new RoutingPolicy("vip-line", "VIP line", 1,
            List.of(new RoutingRule("vip", null, null, null, "rec-none", null, null)), "UTC", null,
            new QueueRecording(QueueRecording.Mode.ALL, 0, false)))
        .toCompletableFuture().get(5, TimeUnit.SECONDS);
    try (Call call = Call.connect("vip", "gil", "5558008")) {
      call.hangUp();
      assertTrue(finished(call.callId).recorded(), "the policy records all its calls, though rec-none records none");
    }
    ExecutionException bad = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, () -> engine.admin()
        .createPolicy(new RoutingPolicy("bad-rec", "Bad", 2, List.of(new RoutingRule("bad", null, null, null, "rec-all", null, null)),
            "UTC", null, new QueueRecording(QueueRecording.Mode.PERCENT, 101, false)))
        .toCompletableFuture().get(5, TimeUnit.SECONDS));
    assertEquals(List.of("recording.percent"), ((EngineException) bad.getCause()).errors().stream().map(e -> e.field()).toList(),
        "a percentage over 100: 400 naming recording.percent");
  }

  @Test
  void theCallerHearsTheNoticeBeforeTheAgent() throws Exception {
    byte[] notice = pcmu(WavFile.read(resource("/audio/this-call-may-be-recorded.wav")));
    try (Call call = Call.connect("rec-notice", "fay", "5558007")) {
      // The agent speaks from the answer on; the caller hears the whole notice, then the agent.
      byte[] hello = "agent-hello".getBytes(java.nio.charset.StandardCharsets.UTF_8);
      int noticeFrames = notice.length / FRAME;
      int matched = 0;
      boolean heardAgent = false;
      // Each round the agent speaks and the caller listens up to 100 ms: 1,000 rounds bound the wait.
      for (int round = 0; round < 1_000 && !heardAgent; round++) {
        call.agent.rtp.sendAudio(hello);
        byte[] packet = call.customer.rtp.receivePacket(100);
        if (packet == null) continue; // the notice is over and the bridge is being made
        byte[] payload = Arrays.copyOfRange(packet, 12, packet.length);
        if (Arrays.equals(payload, hello)) {
          heardAgent = true;
        } else if (matched < noticeFrames && Arrays.equals(payload, Arrays.copyOfRange(notice, matched * FRAME, (matched + 1) * FRAME))) {
          matched++;
        }
      }
      assertTrue(heardAgent, "the call was bridged after the notice");
      assertEquals(noticeFrames, matched, "every frame of the notice, in order, before the agent's voice");
      call.hangUp();
      assertTrue(finished(call.callId).recorded());
    }
  }

  @Test
  void aRecordingSettingOutOfRangeIsRefusedWithFieldErrors() {
    ExecutionException bad = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, () -> engine.admin()
        .createQueue(QueueSpec.of("rec-bad", "Bad").withRecording(new QueueSpec.Recording("SOME", 101, null)))
        .toCompletableFuture().get(5, TimeUnit.SECONDS));
    EngineException invalid = (EngineException) bad.getCause();
    assertEquals(Refusal.INVALID, invalid.refusal());
    assertEquals(List.of("recording.mode", "recording.percent"), invalid.errors().stream().map(e -> e.field()).toList());
  }

  // --- a call between a customer and an agent, with tones both ways ---

  /** A customer's call answered by a newly created agent of {@code queue}. */
  private record Call(String agentId, TestPhone agent, TestPhone customer, OutgoingCall sip, String callId) implements AutoCloseable {

    static Call connect(String queue, String agentId, String number) throws Exception {
      if (!agentExists(agentId)) {
        engine.admin().createAgent(AgentSpec.of(agentId, "sip:" + agentId + "@127.0.0.1", agentId, "pw-" + agentId)
            .withQueues(List.of("rec-all", "rec-none", "rec-half", "rec-notice"))).toCompletableFuture().get(5, TimeUnit.SECONDS);
      }
      TestPhone agent = node.phone(agentId);
      TestPhone customer = node.phone(number);
      assertEquals(200, agent.register("pw-" + agentId, 300, "MD5"));
      engine.agent(agentId).updateStatus(Presence.AVAILABLE, null).toCompletableFuture().get(5, TimeUnit.SECONDS);
      OutgoingCall sip = customer.call(queue);
      assertEquals(200, sip.awaitFinal().getStatusCode());
      sip.useAnswer();
      eventually(Duration.ofSeconds(8), agentId + " answers",
          () -> engine.admin().getAgent(agentId).toCompletableFuture().get().activity() == Activity.ON_CALL);
      String[] callId = new String[1];
      eventually(Duration.ofSeconds(8), "the call is connected to " + agentId, () -> {
        callId[0] = records(number).stream().filter(r -> "CONNECTED".equals(r.status())).map(CallRecord::callId).findFirst().orElse(null);
        return callId[0] != null;
      });
      return new Call(agentId, agent, customer, sip, callId[0]);
    }

    /** {@code frames} of 20 ms both ways at once, paced like a phone. */
    void talk(int frames) throws Exception {
      for (int i = 0; i < frames; i++) {
        customer.rtp.sendAudio(tone(CUSTOMER_HZ, i));
        agent.rtp.sendAudio(tone(AGENT_HZ, i));
        Thread.sleep(20);
      }
    }

    void hangUp() throws Exception {
      sip.hangUp();
      eventually(Duration.ofSeconds(8), "the call ends", () -> "ENDED".equals(view(callId).status().name()));
      engine.agent(agentId).updateStatus(Presence.OFFLINE, null).toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
      agent.close();
      customer.close();
    }
  }

  private static void queue(String id, QueueSpec.Recording recording) throws Exception {
    engine.admin().createQueue(QueueSpec.of(id, id).withRecording(recording).withWrapUpSeconds(0))
        .toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  private static boolean agentExists(String id) {
    try {
      engine.admin().getAgent(id).toCompletableFuture().get(5, TimeUnit.SECONDS);
      return true;
    } catch (Exception e) {
      return false;
    }
  }

  private static CallView view(String callId) throws Exception {
    return engine.supervisor().call(callId).toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  /** The call's record once it is ended and, when recorded, its file closed. */
  private static CallRecord finished(String callId) throws Exception {
    CallRecord[] found = new CallRecord[1];
    eventually(Duration.ofSeconds(10), "the record of " + callId + " is complete", () -> {
      found[0] = engine.supervisor().calls(CallRecordFilter.all()).toCompletableFuture().get(5, TimeUnit.SECONDS).stream()
          .filter(r -> r.callId().equals(callId)).findFirst().orElse(null);
      return found[0] != null && found[0].disposition() != null && (!found[0].recorded() || found[0].recordingSeconds() != null);
    });
    return found[0];
  }

  private static List<CallRecord> records(String caller) throws Exception {
    return engine.supervisor().calls(CallRecordFilter.all()).toCompletableFuture().get(5, TimeUnit.SECONDS).stream()
        .filter(r -> r.caller().contains(":" + caller + "@")).toList();
  }

  private static Path file(CallRecord record) {
    return dataDir.resolve("recordings").resolve(record.recordingFile());
  }

  private static Refusal refusal(java.util.concurrent.Callable<java.util.concurrent.CompletionStage<?>> ask) throws Exception {
    try {
      ask.call().toCompletableFuture().get(5, TimeUnit.SECONDS);
      return null;
    } catch (ExecutionException | CompletionException e) {
      return Refusal.toException(e.getCause()).refusal();
    }
  }

  private static <T extends CallCenterEvent> void fish(TestProbe<CallCenterEvent> events, Class<T> type, String callId) {
    events.fishForMessage(Duration.ofSeconds(8), e -> type.isInstance(e) && callId.equals(((io.callengine.core.events.CallEvent) e).callId())
        ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore());
  }

  // --- audio ---

  private static byte[] tone(double hz, int index) {
    byte[] payload = new byte[FRAME];
    for (int i = 0; i < FRAME; i++) {
      int n = index * FRAME + i;
      payload[i] = G711Law.PCMU.encode((short) Math.round(AMPLITUDE * Math.sin(2 * Math.PI * hz * n / 8000)));
    }
    return payload;
  }

  /** The WAV's two channels. */
  private static short[][] frames(Path wav) throws Exception {
    WavFile.Stereo stereo = WavFile.readStereo(wav);
    return new short[][] {stereo.left(), stereo.right()};
  }

  /** Frame by frame: {left, right} of each 20 ms. */
  private static List<short[][]> stereo(short[][] channels) {
    int count = channels[0].length / FRAME;
    List<short[][]> frames = new java.util.ArrayList<>();
    for (int f = 0; f < count; f++) {
      frames.add(new short[][] {Arrays.copyOfRange(channels[0], f * FRAME, (f + 1) * FRAME),
          Arrays.copyOfRange(channels[1], f * FRAME, (f + 1) * FRAME)});
    }
    return frames;
  }

  private static int firstWithTones(List<short[][]> frames, int from) {
    for (int f = Math.max(0, from); f < frames.size(); f++) {
      if (amplitude(frames.get(f)[0], CUSTOMER_HZ) > AMPLITUDE * 0.5 || amplitude(frames.get(f)[1], AGENT_HZ) > AMPLITUDE * 0.5) return f;
    }
    return -1;
  }

  /** The first frame from {@code from} on where both channels are digital silence for 25 frames in a row. */
  private static int firstSilent(List<short[][]> frames, int from) {
    for (int f = Math.max(0, from); f + 25 <= frames.size(); f++) {
      boolean silent = true;
      for (int g = f; g < f + 25 && silent; g++) silent = isZero(frames.get(g)[0]) && isZero(frames.get(g)[1]);
      if (silent) return f;
    }
    return -1;
  }

  private static boolean isZero(short[] pcm) {
    for (short s : pcm) if (s != 0) return false;
    return true;
  }

  private static InputStream resource(String name) {
    return RecordingTest.class.getResourceAsStream(name);
  }

  /** The samples as the engine plays them: PCMU, padded with silence to whole frames. */
  private static byte[] pcmu(short[] pcm) {
    int frames = (pcm.length + FRAME - 1) / FRAME;
    byte[] out = new byte[frames * FRAME];
    for (int i = 0; i < out.length; i++) out[i] = G711Law.PCMU.encode(i < pcm.length ? pcm[i] : 0);
    return out;
  }
}
