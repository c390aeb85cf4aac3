package io.callengine.node;

import static io.callengine.sip.testing.ToneLevel.amplitude;
import static io.callengine.core.testing.TestEngines.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.callengine.core.testing.TestEngines;
import io.callengine.sip.media.G711Law;
import io.callengine.sip.media.WavFile;
import io.callengine.sip.testing.OutgoingCall;
import io.callengine.sip.testing.TestPhone;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A recorded call on a node in a process of its own, paused and resumed over HTTP, then kill -9:
 * the WAV written so far plays (the customer's tone on the left, the agent's on the right), and
 * after a restart on the same data directory the call's record says it was recorded there and
 * that its file was never closed.
 */
class RecordingCrashTest {
  private static final String ADMIN = "recording-admin-token";
  private static final int FRAME = 160;
  private static final int AMPLITUDE = 8000;

  @Test
  void aKilledNodeLeavesAPlayableRecordingAndTheRecordSaysSo() throws Exception {
    Path data = Files.createTempDirectory("callengine-recording");
    Path log = data.resolve("node.log");
    int sipPort = TestEngines.freePort();
    int httpPort = TestEngines.freePort();
    Map<String, String> env = NodeProcess.loopbackEnv(ADMIN, sipPort, "43500-43599");
    String callId;
    Path file;

    try (TestPhone rita = new TestPhone("rita", TestEngines.freePort(), "127.0.0.1", sipPort);
        TestPhone customer = new TestPhone("5559001", TestEngines.freePort(), "127.0.0.1", sipPort)) {
      try (NodeProcess first = NodeProcess.start(data, env, httpPort, log)) {
        ApiClient api = first.api;
        assertEquals(201, api.call("POST", "/api/v1/admin/queues", ADMIN,
            "{\"id\":\"recorded\",\"recording\":{\"mode\":\"ALL\"}}").status());
        assertEquals(201, api.call("POST", "/api/v1/admin/agents", ADMIN,
            "{\"id\":\"rita\",\"sipUri\":\"sip:rita@127.0.0.1\",\"displayName\":\"Rita\",\"password\":\"pw-rita\",\"queues\":[\"recorded\"]}").status());
        String ritaToken = api.call("POST", "/api/v1/admin/tokens", ADMIN,
            "{\"role\":\"agent\",\"agentId\":\"rita\",\"label\":\"rita\"}").json().get("token").asText();
        assertEquals(200, rita.register("pw-rita", 600, "MD5"));
        assertEquals(200, api.call("PUT", "/api/v1/agents/rita/status", ADMIN, "{\"presence\":\"AVAILABLE\"}").status());

        OutgoingCall call = customer.call("recorded");
        assertEquals(200, call.awaitFinal().getStatusCode());
        call.useAnswer();
        String[] found = new String[2];
        eventually(Duration.ofSeconds(15), "the call is connected and recorded", () -> {
          for (JsonNode c : api.call("GET", "/api/v1/supervisor/calls", ADMIN, null).json()) {
            if ("CONNECTED".equals(c.path("status").asText()) && c.path("recorded").asBoolean()) {
              found[0] = c.get("callId").asText();
              found[1] = c.get("recordingFile").asText();
            }
          }
          return found[0] != null;
        });
        callId = found[0];
        file = data.resolve("recordings").resolve(found[1]);
        String pause = "/api/v1/agents/rita/calls/" + callId + "/recording/pause";
        String resume = "/api/v1/agents/rita/calls/" + callId + "/recording/resume";

        talk(customer, rita, 0, 100);
        ApiClient.Reply paused = api.call("POST", pause, ritaToken, null);
        assertEquals(200, paused.status());
        assertTrue(paused.json().get("recording").get("paused").asBoolean());
        assertEquals(409, api.call("POST", pause, ritaToken, null).status(), "already paused");
        talk(customer, rita, 100, 50);
        assertEquals(200, api.call("POST", resume, ritaToken, null).status());
        assertEquals(409, api.call("POST", resume, ritaToken, null).status(), "not paused");
        talk(customer, rita, 150, 100);
        // The header is brought up to date every second: once it covers what was written by now, kill.
        long written = Files.size(file);
        eventually(Duration.ofSeconds(10), "the header covers the call so far", () -> 44 + 640L * frames(file) >= written);
        first.kill();
      }

      WavFile.Stereo wav = WavFile.readStereo(file);
      int frames = wav.left().length / FRAME;
      int customerLeft = 0;
      int agentRight = 0;
      int firstTone = -1;
      int lastTone = -1;
      int longestSilence = 0;
      int silence = 0;
      for (int f = 0; f < frames; f++) {
        short[] left = java.util.Arrays.copyOfRange(wav.left(), f * FRAME, (f + 1) * FRAME);
        short[] right = java.util.Arrays.copyOfRange(wav.right(), f * FRAME, (f + 1) * FRAME);
        boolean customerTone = amplitude(left, 400) > AMPLITUDE * 0.9;
        boolean agentTone = amplitude(right, 1000) > AMPLITUDE * 0.9;
        if (customerTone) customerLeft++;
        if (agentTone) agentRight++;
        assertTrue(amplitude(left, 1000) < AMPLITUDE * 0.05 && amplitude(right, 400) < AMPLITUDE * 0.05, "each side on its own channel");
        if (customerTone || agentTone) {
          if (firstTone >= 0) longestSilence = Math.max(longestSilence, silence);
          if (firstTone < 0) firstTone = f;
          lastTone = f;
          silence = 0;
        } else if (firstTone >= 0) {
          silence++;
        }
      }
      // 200 frames were sent each way while recording, 50 while paused. A frame the node takes more
      // than 60 ms late (a pause of its JVM on a busy machine) is dropped, so not all 200 need be there.
      assertTrue(customerLeft >= 150 && customerLeft <= 200, "the customer on the left: " + customerLeft + " frames");
      assertTrue(agentRight >= 150 && agentRight <= 200, "the agent on the right: " + agentRight + " frames");
      assertTrue(longestSilence >= 45, "the pause is silence between the tones: " + longestSilence + " frames, tones from "
          + firstTone + " to " + lastTone);

      try (NodeProcess second = NodeProcess.start(data, env, httpPort, log)) {
        ApiClient api = second.api;
        eventually(Duration.ofSeconds(20), "the call that died with the process ends FAILED", () -> "FAILED".equals(record(api, callId)
            .path("disposition").asText()));
        JsonNode record = record(api, callId);
        assertTrue(record.get("recorded").asBoolean());
        assertTrue(record.get("recordingNode").asText().startsWith("pekko://callengine@"), record.toString());
        assertFalse(record.has("recordingSeconds"), "the file was never closed: " + record);
        assertEquals(1, record.get("recordingPauses").asInt(), "the pause before the crash");
        JsonNode recording = api.call("GET", "/api/v1/supervisor/calls/" + callId, ADMIN, null).json().get("recording");
        assertFalse(recording.has("stoppedAt"), recording.toString());
        assertFalse(recording.get("paused").asBoolean(), "resumed before the crash");

        // The recordings store serves the file the crash left, as it was written.
        java.net.http.HttpResponse<byte[]> served = java.net.http.HttpClient.newHttpClient().send(
            java.net.http.HttpRequest.newBuilder(api.base().resolve("/api/v1/supervisor/calls/" + callId + "/recording"))
                .header("Authorization", "Bearer " + ADMIN).timeout(Duration.ofSeconds(15)).build(),
            java.net.http.HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, served.statusCode());
        assertTrue(java.util.Arrays.equals(Files.readAllBytes(file), served.body()), "the file the node wrote");
      }
    }
  }

  /** {@code count} frames of 20 ms both ways: the customer at 400 Hz, the agent at 1000 Hz. */
  private static void talk(TestPhone customer, TestPhone agent, int from, int count) throws Exception {
    for (int i = from; i < from + count; i++) {
      customer.rtp.sendAudio(tone(400, i));
      agent.rtp.sendAudio(tone(1000, i));
      Thread.sleep(20);
    }
  }

  private static byte[] tone(double hz, int index) {
    byte[] payload = new byte[FRAME];
    for (int i = 0; i < FRAME; i++) {
      payload[i] = G711Law.PCMU.encode((short) Math.round(AMPLITUDE * Math.sin(2 * Math.PI * hz * (index * FRAME + i) / 8000)));
    }
    return payload;
  }

  /** Frames the WAV's header covers now (0 while the file is not there yet). */
  private static int frames(Path wav) {
    try {
      return WavFile.readStereo(wav).left().length / FRAME;
    } catch (Exception e) {
      return 0;
    }
  }

  private static JsonNode record(ApiClient api, String callId) throws Exception {
    for (JsonNode c : api.call("GET", "/api/v1/supervisor/calls", ADMIN, null).json()) {
      if (callId.equals(c.get("callId").asText())) return c;
    }
    return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
  }

}
