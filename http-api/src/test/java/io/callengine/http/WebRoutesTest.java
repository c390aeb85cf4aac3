package io.callengine.http;

import static io.callengine.http.TestNode.ADMIN;
import static io.callengine.http.TestNode.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callengine.http.TestNode.Reply;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The pages the engine serves (wallboard, agent page, their files) without a token, {@code GET
 * /api/v1/me}, and the {@code ?token=} query parameter that only the event stream accepts.
 */
class WebRoutesTest {
  private static TestNode node;

  @BeforeAll
  static void start() throws Exception {
    node = TestNode.start();
    Reply created = node.send("POST", "/api/v1/admin/agents", ADMIN,
        "{\"id\":\"erin\",\"sipUri\":\"sip:erin@example.com\",\"displayName\":\"Erin\",\"password\":\"pw-erin\"}");
    assertEquals(201, created.status(), created.raw().body());
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  @Test
  void pagesAndTheirFilesNeedNoToken() throws Exception {
    for (Map.Entry<String, String> page : Map.of(
        "/wallboard", "<title>Wallboard", "/wallboard/", "<title>Wallboard", "/agent", "<title>Agent").entrySet()) {
      Reply reply = node.get(page.getKey(), null);
      assertEquals(200, reply.status(), page.getKey());
      assertTrue(reply.contentType().startsWith("text/html"), page.getKey() + ": " + reply.contentType());
      assertTrue(reply.raw().body().contains(page.getValue()), page.getKey());
      assertTrue(reply.header("Content-Security-Policy").contains("default-src 'self'"), page.getKey());
      assertEquals("nosniff", reply.header("X-Content-Type-Options"));
    }
    Map<String, String> files = Map.of(
        "/web/wallboard.js", "javascript", "/web/agent.js", "javascript", "/web/common.js", "javascript",
        "/web/wallboard.css", "text/css", "/web/agent.css", "text/css", "/web/common.css", "text/css",
        "/web/icon.svg", "image/svg+xml");
    for (Map.Entry<String, String> file : files.entrySet()) {
      Reply reply = node.get(file.getKey(), null);
      assertEquals(200, reply.status(), file.getKey());
      assertTrue(reply.contentType().contains(file.getValue()), file.getKey() + ": " + reply.contentType());
      assertFalse(reply.raw().body().isBlank(), file.getKey());
    }
  }

  @Test
  void nothingElseIsServedFromTheClasspath() throws Exception {
    assertEquals(404, node.get("/web/missing.js", null).status());
    assertEquals(404, node.get("/web", null).status());
    assertEquals(404, node.get("/web/", null).status());
    assertEquals(404, node.get("/web/x/y", null).status());
    assertNotEquals(200, node.get("/web/..%2Freference.conf", null).status());
    assertNotEquals(200, node.get("/web/%2e%2e/reference.conf", null).status());
    assertEquals(404, node.get("/reference.conf", null).status());
    assertEquals(404, node.get("/wallboard/extra", null).status());
    assertProblem(node.send("POST", "/wallboard", null, "{}"), 405);
  }

  @Test
  void otherPathsKeepTheirAnswers() throws Exception {
    assertProblem(node.send("POST", "/no-such-thing", null, "{}"), 404);
    assertProblem(node.get("/api/v1/supervisor/stats", null), 401);
  }

  @Test
  void meSaysWhomTheTokenSpeaksFor() throws Exception {
    Reply admin = node.get("/api/v1/me", ADMIN);
    assertEquals(200, admin.status(), admin.raw().body());
    assertEquals("admin", admin.json().get("role").asText());
    assertNull(admin.json().get("agentId"));

    Reply agent = node.get("/api/v1/me", node.mint("agent", "erin", "erin-desk"));
    assertEquals(200, agent.status(), agent.raw().body());
    assertEquals("agent", agent.json().get("role").asText());
    assertEquals("erin", agent.json().get("agentId").asText());
    assertEquals("erin-desk", agent.json().get("label").asText());

    Reply supervisor = node.get("/api/v1/me", node.mint("supervisor", null, "wall-1"));
    assertEquals("supervisor", supervisor.json().get("role").asText());

    assertProblem(node.get("/api/v1/me", null), 401);
    assertProblem(node.send("POST", "/api/v1/me", ADMIN, "{}"), 405);
  }

  @Test
  void queryTokenIsTakenOnTheEventStreamOnly() throws Exception {
    // Elsewhere a token in the address is not a credential.
    assertProblem(node.get("/api/v1/me?token=" + ADMIN, null), 401);
    assertProblem(node.get("/api/v1/supervisor/stats?token=" + ADMIN, null), 401);
    assertProblem(node.get("/api/v1/eventsx?token=" + ADMIN, null), 401);
    // On the event stream a GET may carry it (a plain GET to the WebSocket path is answered
    // without opening a stream, so the answer shows whether the token got through).
    assertNotEquals(401, node.get("/api/v1/events/ws?token=" + ADMIN, null).status());
    assertProblem(node.get("/api/v1/events/ws?token=not-a-token", null), 401);
    assertProblem(node.get("/api/v1/events/ws?token=", null), 401);
    assertProblem(node.send("POST", "/api/v1/events?token=" + ADMIN, null, "{}"), 401);
    // The header still wins when both are there.
    assertProblem(node.get("/api/v1/events/ws?token=" + ADMIN, "not-a-token"), 401);
  }
}
