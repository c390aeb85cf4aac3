package io.callengine.node;

import static io.callengine.node.TestCluster.ADMIN;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callengine.core.api.CallCenterEngine;
import io.callengine.core.testing.TestCalls;
import io.callengine.core.testing.TestWav;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Any node serves any recording. Two nodes, each with its own data directory: a recording only
 * node A holds is served by node B, whole, by range and as HEAD, B fetching it from A. Then two
 * nodes sharing one recordings directory: B reads what A wrote there directly.
 */
class RecordingClusterTest {
  private static final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  void aNodeServesARecordingThatOnlyAnotherNodeHolds() throws Exception {
    try (TestCluster cluster = TestCluster.start(2, 43600, 50, "")) {
      CallCenterEngine a = cluster.nodes.get(0).engine();
      CallCenterEngine b = cluster.nodes.get(1).engine();
      TestCalls.ended(a, "rec-on-a");
      // Five minutes, 9.6 MB: more than Pekko HTTP's default 8 MB entity limits, which must not apply to it.
      byte[] wav = TestWav.write(a.recordings().fileFor("rec-on-a", Instant.now()), 300_000, 7);
      assertEquals(Optional.empty(), b.recordings().find("rec-on-a"), "B has no copy of its own");
      String supervisor = cluster.apis.get(1).call("POST", "/api/v1/admin/tokens", ADMIN,
          "{\"role\":\"supervisor\",\"label\":\"recording-cluster\"}").json().get("token").asText();

      for (int node = 0; node < 2; node++) {
        HttpResponse<byte[]> whole = get(cluster, node, "rec-on-a", supervisor, null, "GET");
        assertEquals(200, whole.statusCode(), "node " + node);
        assertEquals("audio/wav", whole.headers().firstValue("Content-Type").orElse(""));
        assertEquals("bytes", whole.headers().firstValue("Accept-Ranges").orElse(""));
        assertArrayEquals(wav, whole.body(), "node " + node + " serves the exact bytes");
      }
      HttpResponse<byte[]> slice = get(cluster, 1, "rec-on-a", supervisor, "bytes=9000000-9000999", "GET");
      assertEquals(206, slice.statusCode());
      assertEquals("bytes 9000000-9000999/" + wav.length, slice.headers().firstValue("Content-Range").orElse(""));
      assertArrayEquals(Arrays.copyOfRange(wav, 9000000, 9001000), slice.body());
      HttpResponse<byte[]> tail = get(cluster, 1, "rec-on-a", ADMIN, "bytes=-44", "GET");
      assertEquals(206, tail.statusCode());
      assertArrayEquals(Arrays.copyOfRange(wav, wav.length - 44, wav.length), tail.body());
      HttpResponse<byte[]> beyond = get(cluster, 1, "rec-on-a", supervisor, "bytes=" + wav.length + "-", "GET");
      assertEquals(416, beyond.statusCode(), "an unsatisfiable range through B is A's 416");
      assertEquals("bytes */" + wav.length, beyond.headers().firstValue("Content-Range").orElse(""));
      HttpResponse<byte[]> head = get(cluster, 1, "rec-on-a", supervisor, null, "HEAD");
      assertEquals(200, head.statusCode());
      assertEquals(Long.toString(wav.length), head.headers().firstValue("Content-Length").orElse(""));
      assertEquals(0, head.body().length);

      TestCalls.ended(a, "rec-nowhere");
      assertEquals(404, get(cluster, 1, "rec-nowhere", supervisor, null, "GET").statusCode(), "no node holds one: 404");
    }
  }

  @Test
  void withASharedDirectoryEveryNodeReadsItDirectly() throws Exception {
    Path shared = Files.createTempDirectory("callengine-shared-recordings");
    try (TestCluster cluster = TestCluster.start(2, 43700, 50, "callengine.recording.shared-directory = \"" + shared + "\"")) {
      CallCenterEngine a = cluster.nodes.get(0).engine();
      CallCenterEngine b = cluster.nodes.get(1).engine();
      TestCalls.ended(a, "rec-shared");
      Path file = a.recordings().fileFor("rec-shared", Instant.now());
      assertTrue(file.startsWith(shared.toAbsolutePath()));
      byte[] wav = TestWav.write(file, 500, 9);
      assertEquals(Optional.of(file), b.recordings().find("rec-shared"), "B sees it in the shared directory");
      HttpResponse<byte[]> slice = get(cluster, 1, "rec-shared", ADMIN, "bytes=44-143", "GET");
      assertEquals(206, slice.statusCode());
      assertArrayEquals(Arrays.copyOfRange(wav, 44, 144), slice.body());
    }
  }

  private static HttpResponse<byte[]> get(TestCluster cluster, int node, String callId, String token, String range, String method)
      throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(cluster.apis.get(node).base().resolve("/api/v1/supervisor/calls/" + callId + "/recording"))
        .timeout(Duration.ofSeconds(20)).header("Authorization", "Bearer " + token).method(method, HttpRequest.BodyPublishers.noBody());
    if (range != null) request.header("Range", range);
    return client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }
}
