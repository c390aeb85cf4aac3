package io.callengine.http;

import static io.callengine.http.TestNode.ADMIN;
import static io.callengine.http.TestNode.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A queue's recording setting through the admin API, and who may pause a recording (the calls
 * themselves, recorded over SIP, are in the gateway's and the node's tests).
 */
class RecordingPauseRoutesTest {
  private static TestNode node;

  @BeforeAll
  static void start() throws Exception {
    node = TestNode.start();
    assertEquals(201, node.send("POST", "/api/v1/admin/agents", ADMIN,
        "{\"id\":\"gus\",\"sipUri\":\"sip:gus@example.com\",\"displayName\":\"Gus\",\"password\":\"pw-gus\"}").status());
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  @Test
  void aQueuesRecordingSettingIsStoredShownAndValidated() throws Exception {
    TestNode.Reply created = node.send("POST", "/api/v1/admin/queues", ADMIN,
        "{\"id\":\"recorded\",\"recording\":{\"mode\":\"PERCENT\",\"percent\":25,\"announce\":true}}");
    assertEquals(201, created.status(), created.raw().body());
    JsonNode recording = node.get("/api/v1/admin/queues/recorded", ADMIN).json().get("recording");
    assertEquals("PERCENT", recording.get("mode").asText());
    assertEquals(25, recording.get("percent").asInt());
    assertTrue(recording.get("announce").asBoolean());
    TestNode.Reply plain = node.send("POST", "/api/v1/admin/queues", ADMIN, "{\"id\":\"plain\"}");
    assertTrue(plain.json().get("recording") == null, "no setting: nothing recorded, and nothing shown");

    assertEquals(Set.of("recording.mode", "recording.percent"), assertProblem(node.send("POST", "/api/v1/admin/queues", ADMIN,
        "{\"id\":\"bad1\",\"recording\":{\"mode\":\"SOMETIMES\",\"percent\":101}}"), 400), "unknown mode, percent over 100: 400");
    assertEquals(Set.of("recording.percent"), assertProblem(node.send("POST", "/api/v1/admin/queues", ADMIN,
        "{\"id\":\"bad2\",\"recording\":{\"mode\":\"PERCENT\"}}"), 400), "PERCENT without a percent: 400");
    assertEquals(Set.of("recording.mode"), assertProblem(node.send("PUT", "/api/v1/admin/queues/recorded", ADMIN,
        "{\"recording\":{\"percent\":10}}"), 400), "no mode: 400");
    assertProblem(node.send("POST", "/api/v1/admin/queues", ADMIN, "{\"id\":\"bad3\",\"recording\":{\"mode\":\"ALL\",\"when\":1}}"), 400);
  }

  @Test
  void onlyTheAgentOrTheAdminMayPauseAndOnlyTheAgentsConnectedCall() throws Exception {
    String gus = node.mint("agent", "gus", "gus");
    String supervisor = node.mint("supervisor", null, "sup");
    String path = "/api/v1/agents/gus/calls/no-such-call/recording/";
    assertProblem(node.send("POST", path + "pause", gus, null), 404); // no such call (and so not gus's)
    assertProblem(node.send("POST", path + "resume", ADMIN, null), 404);
    assertProblem(node.send("POST", path + "pause", supervisor, null), 403); // a supervisor may not
    assertEquals(401, node.send("POST", path + "pause", null, null).status());
    assertEquals(201, node.send("POST", "/api/v1/admin/agents", ADMIN,
        "{\"id\":\"hal\",\"sipUri\":\"sip:hal@example.com\",\"displayName\":\"Hal\",\"password\":\"pw-hal\"}").status());
    assertProblem(node.send("POST", "/api/v1/agents/hal/calls/no-such-call/recording/pause", gus, null), 403); // another agent's
    assertEquals(405, node.send("GET", path + "pause", gus, null).status());
  }
}
