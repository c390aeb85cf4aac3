package io.callengine.sip;

import static io.callengine.core.testing.TestEngines.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callengine.core.agent.Activity;
import io.callengine.core.agent.Presence;
import io.callengine.core.api.AgentSpec;
import io.callengine.core.api.CallCenterEngine;
import io.callengine.core.api.MonitorApi;
import io.callengine.core.api.QueueSpec;
import io.callengine.core.call.CallView;
import io.callengine.core.events.CallCenterEvent;
import io.callengine.core.events.CallMonitored;
import io.callengine.core.events.RecordingStarted;
import io.callengine.core.records.CallRecord;
import io.callengine.core.records.CallRecordFilter;
import io.callengine.core.testing.ManualClock;
import io.callengine.core.testing.TestEngines;
import io.callengine.sip.media.G711Law;
import io.callengine.sip.media.HoldMusicFrames;
import io.callengine.sip.media.WavFile;
import io.callengine.sip.testing.OutgoingCall;
import io.callengine.sip.testing.TestPhone;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hold, recording and a supervisor's monitoring on the same call, over loopback: the customer's
 * phone sends tone A (1 kHz), the agent's tone B (500 Hz), the supervisor's tone C (300 Hz), and
 * what each phone hears and what the recording holds are checked by content. The engine's clock
 * stands still unless a test moves it, so the hold seconds are exact.
 */
class ControlsTogetherTest {
  private static final double A = 1000;
  private static final double B = 500;
  private static final double C = 300;
  private static final int AMPLITUDE = 8000;
  private static final int FRAME = 160;
  private static final ManualClock clock = new ManualClock(Instant.parse("2026-03-02T10:00:00Z"));

  @TempDir
  static Path dataDir;
  private static SipTestNode node;
  private static CallCenterEngine engine;
  private static Set<String> music;
  private static TestPhone lead;

  @BeforeAll
  static void start() throws Exception {
    node = SipTestNode.start("44200-44299", "callengine.data-dir = \"" + dataDir + "\"\n", clock);
    engine = node.engine();
    music = HoldMusicFrames.pcmu();
    for (String[] q : new String[][] {{"tg-rec", "ALL", "false"}, {"tg-notice", "ALL", "true"}, {"tg-plain", "NONE", "false"}}) {
      engine.admin().createQueue(QueueSpec.of(q[0], q[0]).withWrapUpSeconds(0)
          .withRecording(new QueueSpec.Recording(q[1], null, Boolean.parseBoolean(q[2])))).toCompletableFuture().get(5, TimeUnit.SECONDS);
    }
    await(engine.admin().createAgent(AgentSpec.of("lead-phone", "sip:lead@127.0.0.1", "Lead's phone", "lead-pw")));
    lead = node.phone("lead");
    assertEquals(200, lead.register("lead-pw", 600, "MD5"));
  }

  @AfterAll
  static void stop() throws Exception {
    lead.close();
    node.close();
  }

  @Test
  void aRecordedCallOnHoldKeepsItsTimelineWithTheCallersVoiceAndNoMusic() throws Exception {
    try (Call call = Call.connect("tg-rec", "rita", "5559001")) {
      call.talk(50, true);
      await(engine.agent("rita").hold(call.callId));
      assertNotNull(call.agent.reInviteOffers.poll(5, TimeUnit.SECONDS), "the agent's phone is held");
      clock.advance(Duration.ofSeconds(6));
      drain(call.customer);
      call.talk(75, false); // a held phone (sendonly answered recvonly) sends nothing; the caller goes on talking
      assertTrue(musicFrames(call.customer) >= 40, "the customer hears the hold music while held");
      await(engine.agent("rita").resume(call.callId));
      call.talk(50, true);
      call.hangUp();

      CallRecord record = finished(call.callId);
      assertEquals(1, record.holds());
      assertEquals(6, record.holdSeconds(), "the hold counts by the engine's clock");
      List<short[][]> frames = stereo(WavFile.readStereo(dataDir.resolve("recordings").resolve(record.recordingFile())));
      assertEquals(frames.size() / 50, record.recordingSeconds(), "the recording's seconds are its frames'");
      assertTrue(frames.size() >= 150, "the file runs through the hold: " + frames.size() + " frames");
      int heldFrames = 0;
      for (short[][] f : frames) {
        // Left: the caller's tone or silence, nothing more (the hold music is not recorded); right: the agent's.
        assertTrue(residual(f[0], A) < AMPLITUDE * 0.05, "only the caller on the left");
        assertTrue(residual(f[1], B) < AMPLITUDE * 0.05, "only the agent on the right");
        if (amplitude(f[0], A) > AMPLITUDE * 0.9 && isZero(f[1])) heldFrames++;
      }
      assertTrue(heldFrames >= 50, "the caller's voice on hold is on the left, against the agent's silence: " + heldFrames + " frames");
    }
  }

  @Test
  void aHoldDuringTheRecordingNoticeStaysAHoldWhenTheNoticeEnds() throws Exception {
    TestProbe<CallCenterEvent> events = TestProbe.create(engine.system());
    TestEngines.subscribe(engine, events.ref());
    try (Call call = Call.connect("tg-notice", "nora", "5559002")) {
      await(engine.agent("nora").hold(call.callId));
      // The notice gives way to the music; 100 frames of it in a row while the agent talks: no bridge behind the hold's back.
      int inARow = 0;
      for (int packets = 0; packets < 600 && inARow < 100; packets++) {
        call.agent.rtp.send("agent-talking");
        byte[] packet = call.customer.rtp.receivePacket(2000);
        assertNotNull(packet, "the customer hears something on hold");
        boolean isMusic = music.contains(HexFormat.of().formatHex(Arrays.copyOfRange(packet, 12, packet.length)));
        assertFalse(!isMusic && new String(packet, 12, packet.length - 12).equals("agent-talking"), "the held customer hears the agent");
        inARow = isMusic ? inARow + 1 : 0;
      }
      assertEquals(100, inARow, "the customer hears the hold music");
      events.fishForMessage(Duration.ofSeconds(8), e -> e instanceof RecordingStarted s && s.callId().equals(call.callId)
          ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore());
      await(engine.agent("nora").resume(call.callId));
      assertTrue(call.agent.rtp.sendUntilHeard("agent-back", call.customer.rtp, 300), "the resume bridges the call");
      call.hangUp();
      assertTrue(finished(call.callId).recorded());
    }
  }

  @Test
  void holdAndResumeKeepTheMonitorsRuleOfWhoHearsWhom() throws Exception {
    TestProbe<CallCenterEvent> events = TestProbe.create(engine.system());
    TestEngines.subscribe(engine, events.ref());
    try (Call call = Call.connect("tg-plain", "wes", "5559003")) {
      startMonitor(events, call, "whisper");
      call.heard().expect("whisper", Set.of(A, B), Set.of(B), Set.of(A, C));

      await(engine.agent("wes").hold(call.callId));
      call.heard().expectHeld("whisper on hold", Set.of(A, B), Set.of(C));
      await(new MonitorApi(engine).change(call.callId, "barge"));
      call.heard().expectHeld("barge on hold", Set.of(A, B), Set.of(C));
      await(engine.agent("wes").resume(call.callId));
      call.heard().expect("barge resumed", Set.of(A, B), Set.of(B, C), Set.of(A, C));
      await(new MonitorApi(engine).change(call.callId, "whisper"));
      call.heard().expect("whisper after the resume", Set.of(A, B), Set.of(B), Set.of(A, C));

      await(engine.agent("wes").hold(call.callId));
      await(new MonitorApi(engine).end(call.callId, "lead"));
      eventually(Duration.ofSeconds(10), "the supervisor's phone gets BYE", () -> lead.events.contains("BYE"));
      call.heard().expectHeld("held, monitor ended", Set.of(), Set.of());
      await(engine.agent("wes").resume(call.callId));
      call.heard().expect("resumed, unmonitored", Set.of(), Set.of(B), Set.of(A));
      call.hangUp();
    }
  }

  @Test
  void aWhisperIsInNeitherChannelOfTheRecording() throws Exception {
    TestProbe<CallCenterEvent> events = TestProbe.create(engine.system());
    TestEngines.subscribe(engine, events.ref());
    try (Call call = Call.connect("tg-rec", "willa", "5559004")) {
      startMonitor(events, call, "whisper");
      call.heard().expect("whisper", Set.of(A, B), Set.of(B), Set.of(A, C));
      call.hangUp();
      CallRecord record = finished(call.callId);
      int customer = 0;
      for (short[][] f : stereo(WavFile.readStereo(dataDir.resolve("recordings").resolve(record.recordingFile())))) {
        assertTrue(residual(f[0], A) < AMPLITUDE * 0.05, "only the customer on the left, no whisper");
        assertTrue(residual(f[1], B) < AMPLITUDE * 0.05, "only the agent on the right, no whisper");
        if (amplitude(f[0], A) > AMPLITUDE * 0.9) customer++;
      }
      assertTrue(customer >= 30, "the customer was recorded: " + customer + " frames");
    }
  }

  @Test
  void aBargingSupervisorIsRecordedOnTheAgentsChannelAsTheCustomerHearsHim() throws Exception {
    TestProbe<CallCenterEvent> events = TestProbe.create(engine.system());
    TestEngines.subscribe(engine, events.ref());
    try (Call call = Call.connect("tg-rec", "bart", "5559005")) {
      startMonitor(events, call, "barge");
      call.heard().expect("barge", Set.of(A, B), Set.of(B, C), Set.of(A, C));
      call.hangUp();
      CallRecord record = finished(call.callId);
      int bothOnTheRight = 0;
      for (short[][] f : stereo(WavFile.readStereo(dataDir.resolve("recordings").resolve(record.recordingFile())))) {
        assertTrue(residual(f[0], A) < AMPLITUDE * 0.05, "only the customer on the left");
        assertTrue(amplitude(f[1], A) < AMPLITUDE * 0.05, "no customer on the right");
        if (amplitude(f[1], B) > AMPLITUDE * 0.9 && amplitude(f[1], C) > AMPLITUDE * 0.9) bothOnTheRight++;
      }
      assertTrue(bothOnTheRight >= 30, "agent and supervisor together on the right: " + bothOnTheRight + " frames");
    }
  }

  // --- a call between a customer and an agent, and its supervisor ---

  private static void startMonitor(TestProbe<CallCenterEvent> events, Call call, String mode) throws Exception {
    lead.events.clear();
    await(new MonitorApi(engine).start(call.callId, "lead", mode, "lead-phone", null));
    eventually(Duration.ofSeconds(10), "the supervisor's phone is called", () -> lead.events.contains("INVITE"));
    events.fishForMessage(Duration.ofSeconds(10), e -> e instanceof CallMonitored m && m.callId().equals(call.callId)
        && m.change().equals("started") ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore());
  }

  private record Call(String agentId, TestPhone agent, TestPhone customer, OutgoingCall sip, String callId) implements AutoCloseable {

    static Call connect(String queue, String agentId, String number) throws Exception {
      await(engine.admin().createAgent(AgentSpec.of(agentId, "sip:" + agentId + "@127.0.0.1", agentId, "pw-" + agentId)
          .withQueues(List.of(queue))));
      TestPhone agent = node.phone(agentId);
      TestPhone customer = node.phone(number);
      assertEquals(200, agent.register("pw-" + agentId, 300, "MD5"));
      await(engine.agent(agentId).updateStatus(Presence.AVAILABLE, null));
      OutgoingCall sip = customer.call(queue);
      assertEquals(200, sip.awaitFinal().getStatusCode());
      sip.useAnswer();
      eventually(Duration.ofSeconds(8), agentId + " answers", () -> await(engine.admin().getAgent(agentId)).activity() == Activity.ON_CALL);
      String[] callId = new String[1];
      eventually(Duration.ofSeconds(8), "the call is connected to " + agentId, () -> {
        callId[0] = await(engine.supervisor().calls(CallRecordFilter.all())).stream()
            .filter(r -> r.caller().contains(":" + number + "@") && "CONNECTED".equals(r.status()))
            .map(CallRecord::callId).findFirst().orElse(null);
        return callId[0] != null;
      });
      return new Call(agentId, agent, customer, sip, callId[0]);
    }

    /** {@code frames} of 20 ms, the customer always and the agent when {@code agentToo}, paced like a phone. */
    void talk(int frames, boolean agentToo) throws Exception {
      for (int i = 0; i < frames; i++) {
        customer.rtp.sendAudio(tone(A));
        if (agentToo) agent.rtp.sendAudio(tone(B));
        Thread.sleep(20); // the pace of a phone's frames, not a wait for anything
      }
    }

    /** What each phone heard while all three sent their tones for 1.5 s. */
    Heard heard() throws Exception {
      for (TestPhone p : List.of(customer, agent, lead)) drain(p);
      for (int frame = 0; frame < 75; frame++) {
        customer.rtp.sendAudio(tone(A));
        agent.rtp.sendAudio(tone(B));
        lead.rtp.sendAudio(tone(C));
        Thread.sleep(20); // the pace of a phone's frames, not a wait for anything
      }
      return new Heard(measure(lead), measure(customer), measure(agent));
    }

    void hangUp() throws Exception {
      sip.hangUp();
      eventually(Duration.ofSeconds(8), "the call ends", () -> "ENDED".equals(await(engine.supervisor().call(callId)).status().name()));
      await(engine.agent(agentId).updateStatus(Presence.OFFLINE, null));
    }

    @Override
    public void close() {
      agent.close();
      customer.close();
    }
  }

  /** Per phone, the received frames that carried each tone (and the loudest); the customer's music frames apart. */
  private record Heard(Tally supervisor, Tally customer, Tally agent) {
    void expect(String phase, Set<Double> bySupervisor, Set<Double> byCustomer, Set<Double> byAgent) {
      supervisor.expect(phase + ", supervisor", bySupervisor);
      customer.expect(phase + ", customer", byCustomer);
      agent.expect(phase + ", agent", byAgent);
    }

    /** On hold the customer hears only the hold music. */
    void expectHeld(String phase, Set<Double> bySupervisor, Set<Double> byAgent) {
      if (bySupervisor.isEmpty()) assertEquals(0, supervisor.frames(), phase + ": the supervisor's phone gets nothing");
      else supervisor.expect(phase + ", supervisor", bySupervisor);
      assertTrue(customer.frames() >= 20 && customer.music() == customer.frames(),
          phase + ": the customer hears only the hold music, " + customer.music() + " of " + customer.frames() + " frames");
      agent.expect(phase + ", agent", byAgent);
    }
  }

  private record Tally(int frames, int music, int[] framesWith, double[] loudest) {
    void expect(String who, Set<Double> heard) {
      double[] tones = {A, B, C};
      for (int i = 0; i < tones.length; i++) {
        String what = who + " hears " + (int) tones[i] + " Hz in " + framesWith[i] + " of " + frames + " frames, at most " + Math.round(loudest[i]);
        if (heard.contains(tones[i])) assertTrue(framesWith[i] >= Math.max(3, frames / 5), what);
        else assertTrue(loudest[i] < 0.05 * AMPLITUDE, what);
      }
    }
  }

  /** The 160-byte PCMU frames a phone received, from the 16th on (after a change took effect), up to 60. */
  private static Tally measure(TestPhone phone) throws Exception {
    List<byte[]> payloads = new ArrayList<>();
    while (payloads.size() < 60) {
      byte[] packet = phone.rtp.receivePacket(300);
      if (packet == null) break;
      if (packet.length != 12 + FRAME || (packet[1] & 0x7f) != 0) continue;
      payloads.add(Arrays.copyOfRange(packet, 12, packet.length));
    }
    List<byte[]> steady = payloads.size() > 15 ? payloads.subList(15, payloads.size()) : List.of();
    double[] tones = {A, B, C};
    int[] framesWith = new int[3];
    double[] loudest = new double[3];
    int musicFrames = 0;
    for (byte[] payload : steady) {
      if (music.contains(HexFormat.of().formatHex(payload))) {
        musicFrames++;
        continue;
      }
      short[] pcm = decode(payload);
      for (int i = 0; i < 3; i++) {
        double amplitude = amplitude(pcm, tones[i]);
        if (amplitude > 0.9 * AMPLITUDE) framesWith[i]++;
        loudest[i] = Math.max(loudest[i], amplitude);
      }
    }
    return new Tally(steady.size(), musicFrames, framesWith, loudest);
  }

  /** Hold-music frames among what the phone received since the last drain. */
  private static int musicFrames(TestPhone phone) throws Exception {
    int count = 0;
    for (int i = 0; i < 200; i++) {
      byte[] packet = phone.rtp.receivePacket(100);
      if (packet == null) break;
      if (music.contains(HexFormat.of().formatHex(Arrays.copyOfRange(packet, 12, packet.length)))) count++;
    }
    return count;
  }

  /** Reads away what arrived before: until no packet comes within 5 ms (a tick is 20 ms). */
  private static void drain(TestPhone phone) throws Exception {
    for (int i = 0; i < 5000 && phone.rtp.receivePacket(5) != null; i++) {
      // an earlier phase's audio
    }
  }

  /** The call's record once it has ended and its recording (if any) is closed. */
  private static CallRecord finished(String callId) throws Exception {
    CallRecord[] found = new CallRecord[1];
    eventually(Duration.ofSeconds(10), "the record of " + callId + " is complete", () -> {
      found[0] = await(engine.supervisor().calls(CallRecordFilter.all())).stream().filter(r -> r.callId().equals(callId)).findFirst().orElse(null);
      return found[0] != null && found[0].disposition() != null && (!found[0].recorded() || found[0].recordingSeconds() != null);
    });
    return found[0];
  }

  // --- audio ---

  /** One 20 ms frame of a tone (whole periods, so every frame is the same), in PCMU. */
  private static byte[] tone(double hz) {
    byte[] frame = new byte[FRAME];
    for (int i = 0; i < FRAME; i++) frame[i] = G711Law.PCMU.encode((short) Math.round(AMPLITUDE * Math.sin(2 * Math.PI * hz * i / 8000)));
    return frame;
  }

  private static short[] decode(byte[] payload) {
    short[] pcm = new short[payload.length];
    for (int s = 0; s < payload.length; s++) pcm[s] = G711Law.PCMU.decode(payload[s]);
    return pcm;
  }

  /** Frame by frame: {left, right} of each 20 ms. */
  private static List<short[][]> stereo(WavFile.Stereo wav) {
    List<short[][]> frames = new ArrayList<>();
    for (int f = 0; f < wav.left().length / FRAME; f++) {
      frames.add(new short[][] {Arrays.copyOfRange(wav.left(), f * FRAME, (f + 1) * FRAME),
          Arrays.copyOfRange(wav.right(), f * FRAME, (f + 1) * FRAME)});
    }
    return frames;
  }

  private static boolean isZero(short[] pcm) {
    for (short s : pcm) if (s != 0) return false;
    return true;
  }

  /** The amplitude of the {@code hz} component (one DFT bin). */
  private static double amplitude(short[] pcm, double hz) {
    double re = 0;
    double im = 0;
    for (int n = 0; n < pcm.length; n++) {
      double w = 2 * Math.PI * hz * n / 8000;
      re += pcm[n] * Math.cos(w);
      im += pcm[n] * Math.sin(w);
    }
    return 2 * Math.hypot(re, im) / pcm.length;
  }

  /** What is left of a frame once its {@code hz} component is taken out, as an amplitude: anything else it carries. */
  private static double residual(short[] pcm, double hz) {
    double energy = 0;
    for (short s : pcm) energy += (double) s * s;
    double tone = amplitude(pcm, hz);
    return Math.sqrt(Math.max(0, 2 * (energy / pcm.length) - tone * tone));
  }

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(5, TimeUnit.SECONDS);
  }
}
