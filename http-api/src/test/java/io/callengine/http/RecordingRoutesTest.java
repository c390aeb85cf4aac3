package io.callengine.http;

import static io.callengine.core.testing.TestEngines.eventually;
import static io.callengine.http.TestNode.ADMIN;
import static io.callengine.http.TestNode.assertProblem;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.callengine.core.testing.TestCalls;
import io.callengine.core.testing.TestWav;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /api/v1/supervisor/calls/{id}/recording} on a real node: a WAV file placed where the
 * recorder writes it ({@code Recordings.fileFor}) comes back whole or by byte range, to
 * supervisors and admins only, with a problem for every other case.
 */
class RecordingRoutesTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static TestNode node;
  private static Path dataDir;
  private static String supervisor;
  private static String agent;
  private static byte[] wav;

  @BeforeAll
  static void start() throws Exception {
    dataDir = Files.createTempDirectory("callengine-recordings");
    node = TestNode.start("callengine.data-dir = \"" + dataDir + "\"\ncallengine.recording.retention-sweep-interval = 200ms");
    assertEquals(201, node.send("POST", "/api/v1/admin/agents", ADMIN,
        "{\"id\":\"erin\",\"sipUri\":\"sip:erin@example.com\",\"displayName\":\"Erin\",\"password\":\"pw-erin\"}").status());
    supervisor = node.mint("supervisor", null, "recordings-supervisor");
    agent = node.mint("agent", "erin", "recordings-agent");
    TestCalls.ended(node.engine, "rec-1");
    wav = TestWav.write(node.engine.recordings().fileFor("rec-1", Instant.now()), 1000, 42);
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  @Test
  void theWholeRecordingIsStreamedAsWav() throws Exception {
    for (String token : new String[] {supervisor, ADMIN}) {
      HttpResponse<byte[]> whole = get("rec-1", token, null);
      assertEquals(200, whole.statusCode());
      assertEquals("audio/wav", whole.headers().firstValue("Content-Type").orElse(""));
      assertEquals("bytes", whole.headers().firstValue("Accept-Ranges").orElse(""));
      assertEquals(Long.toString(wav.length), whole.headers().firstValue("Content-Length").orElse(""));
      assertArrayEquals(wav, whole.body());
    }
  }

  @Test
  void rangesAnswer206WithTheirSlice() throws Exception {
    int size = wav.length;
    assertSlice(get("rec-1", supervisor, "bytes=100-199"), 100, 199);
    assertSlice(get("rec-1", supervisor, "bytes=0-43"), 0, 43);
    assertSlice(get("rec-1", supervisor, "bytes=30000-"), 30000, size - 1);
    assertSlice(get("rec-1", supervisor, "bytes=-500"), size - 500, size - 1);
    assertSlice(get("rec-1", supervisor, "bytes=" + (size - 10) + "-" + (size + 1000)), size - 10, size - 1);
  }

  @Test
  void anUnsatisfiableRangeIs416WithTheSize() throws Exception {
    for (String range : new String[] {"bytes=" + wav.length + "-", "bytes=" + (wav.length + 5) + "-" + (wav.length + 10), "bytes=-0"}) {
      HttpResponse<byte[]> refused = get("rec-1", supervisor, range);
      assertEquals(416, refused.statusCode(), range);
      assertEquals("bytes */" + wav.length, refused.headers().firstValue("Content-Range").orElse(""), range);
      assertTrue(refused.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));
      assertEquals(416, JSON.readTree(refused.body()).get("status").asInt());
    }
  }

  @Test
  void conditionalRequestsFollowTheFilesETag() throws Exception {
    String etag = get("rec-1", supervisor, null).headers().firstValue("ETag").orElseThrow();
    HttpResponse<byte[]> unchanged = client.send(request("rec-1", supervisor, null).header("If-None-Match", etag).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(304, unchanged.statusCode(), "the player's cached copy is still good");
    HttpResponse<byte[]> sameFile = client.send(request("rec-1", supervisor, "bytes=0-9").header("If-Range", etag).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(206, sameFile.statusCode(), "If-Range with the file's ETag: the range");
    HttpResponse<byte[]> otherFile = client.send(request("rec-1", supervisor, "bytes=0-9").header("If-Range", "\"other\"").build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, otherFile.statusCode(), "If-Range with another ETag: the whole file");
    assertArrayEquals(wav, otherFile.body());
  }

  @Test
  void headGivesTheHeadersWithoutTheBody() throws Exception {
    HttpResponse<byte[]> head = client.send(request("rec-1", supervisor, null).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, head.statusCode());
    assertEquals(Long.toString(wav.length), head.headers().firstValue("Content-Length").orElse(""));
    assertEquals("audio/wav", head.headers().firstValue("Content-Type").orElse(""));
    assertEquals(0, head.body().length);
  }

  @Test
  void onlySupervisorsAndAdminsAndOnlyForAnEndedCallThatHasOne() throws Exception {
    assertProblem(node.get("/api/v1/supervisor/calls/rec-1/recording", agent), 403); // an agent token: 403
    assertProblem(node.get("/api/v1/supervisor/calls/rec-1/recording", null), 401); // no token: 401
    assertProblem(node.get("/api/v1/supervisor/calls/no-such-call/recording", supervisor), 404); // unknown call: 404
    TestCalls.ended(node.engine, "rec-none");
    TestNode.Reply none = node.get("/api/v1/supervisor/calls/rec-none/recording", supervisor);
    assertProblem(none, 404); // an ended call without a recording: 404 saying so
    assertEquals("call rec-none has no recording", none.json().get("detail").asText());
    TestCalls.started(node.engine, "rec-live");
    TestWav.write(node.engine.recordings().fileFor("rec-live", Instant.now()), 100, 1);
    assertProblem(node.get("/api/v1/supervisor/calls/rec-live/recording", supervisor), 409); // still going on: 409
    assertProblem(node.send("POST", "/api/v1/supervisor/calls/rec-1/recording", supervisor, "{}"), 405); // POST: 405
  }

  @Test
  void theInternalFetchIsForClusterMembersOnly() throws Exception {
    assertProblem(node.get("/internal/recordings/rec-1", null), 401); // no token: 401
    assertProblem(node.get("/internal/recordings/rec-1", ADMIN), 403); // even the admin token is not the node's secret: 403
    assertProblem(node.get("/internal/recordings/rec-1", "not-the-secret"), 403);
  }

  @Test
  void theNodeDeletesRecordingsPastTheRetentionAndCountsThem() throws Exception {
    TestCalls.ended(node.engine, "rec-old");
    Path old = node.engine.recordings().fileFor("rec-old", Instant.now().minus(Duration.ofDays(100)));
    TestWav.write(old, 100, 3);
    Files.setLastModifiedTime(old, FileTime.from(Instant.now().minus(Duration.ofDays(100))));
    eventually(Duration.ofSeconds(10), "the 100-day-old recording deleted", () -> !Files.exists(old));
    assertTrue(Files.exists(node.engine.recordings().find("rec-1").orElseThrow()), "a recent one is kept");
    assertProblem(node.get("/api/v1/supervisor/calls/rec-old/recording", supervisor), 404);
    eventually(Duration.ofSeconds(10), "counted in /metrics",
        () -> node.get("/metrics", null).raw().body().contains("callengine_recordings_deleted_total 1.0"));
  }

  private static void assertSlice(HttpResponse<byte[]> response, int first, int last) {
    assertEquals(206, response.statusCode(), response.request().headers().toString());
    assertEquals("bytes " + first + "-" + last + "/" + wav.length, response.headers().firstValue("Content-Range").orElse(""));
    assertEquals("audio/wav", response.headers().firstValue("Content-Type").orElse(""));
    assertArrayEquals(Arrays.copyOfRange(wav, first, last + 1), response.body());
  }

  private static HttpResponse<byte[]> get(String callId, String token, String range) throws Exception {
    return client.send(request(callId, token, range).build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static HttpRequest.Builder request(String callId, String token, String range) {
    HttpRequest.Builder request = HttpRequest.newBuilder(node.base().resolve("/api/v1/supervisor/calls/" + callId + "/recording"))
        .timeout(Duration.ofSeconds(20)).header("Authorization", "Bearer " + token);
    if (range != null) request.header("Range", range);
    return request;
  }
}
