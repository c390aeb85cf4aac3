package io.callengine.http;

import static io.callengine.http.TestNode.ADMIN;
import static io.callengine.http.TestNode.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callengine.http.TestNode.Reply;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Bearer tokens and roles: who gets 401, who gets 403, and what each role may do. */
class AccessTest {
  private static TestNode node;

  @BeforeAll
  static void start() throws Exception {
    node = TestNode.start();
    for (String id : new String[] {"carol", "dave"}) {
      Reply created = node.send("POST", "/api/v1/admin/agents", ADMIN,
          "{\"id\":\"" + id + "\",\"sipUri\":\"sip:" + id + "@example.com\",\"displayName\":\"" + id + "\",\"password\":\"pw-" + id + "\"}");
      assertEquals(201, created.status(), created.raw().body());
    }
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  @Test
  void missingOrUnknownTokenIs401() throws Exception {
    for (Reply reply : new Reply[] {
        node.get("/api/v1/supervisor/stats", null),
        node.get("/api/v1/supervisor/stats", "not-a-token"),
        node.get("/api/v1/admin/queues", "admin-token-for-tests-but-longer")}) {
      assertProblem(reply, 401);
      assertTrue(reply.header("WWW-Authenticate").startsWith("Bearer"), reply.header("WWW-Authenticate"));
    }
  }

  @Test
  void supervisorReadsButDoesNotAdministerOrSetStatus() throws Exception {
    String token = node.mint("SUPERVISOR", null, "sup-1");
    assertEquals(200, node.get("/api/v1/supervisor/stats", token).status());
    assertEquals(200, node.get("/api/v1/agents/carol", token).status());
    assertEquals(200, node.get("/api/v1/queues/stats", token).status());
    assertEquals(200, node.get("/api/v1/admin/queues", token).status(), "supervisors read queue configuration");
    assertProblem(node.send("POST", "/api/v1/admin/queues", token, "{\"id\":\"q-sup\"}"), 403);
    assertProblem(node.send("POST", "/api/v1/admin/tokens", token, "{\"role\":\"supervisor\"}"), 403);
    assertProblem(node.send("PUT", "/api/v1/agents/carol/status", token, "{\"presence\":\"AVAILABLE\"}"), 403);
  }

  @Test
  void agentActsOnlyOnItself() throws Exception {
    String token = node.mint("agent", "carol", "carol-desk");
    Reply onBreak = node.send("PUT", "/api/v1/agents/carol/status", token, "{\"presence\":\"BREAK\",\"reason\":\"lunch\"}");
    assertEquals(200, onBreak.status(), onBreak.raw().body());
    assertEquals("BREAK", onBreak.json().get("presence").asText());
    assertEquals("lunch", onBreak.json().get("breakReason").asText());
    assertEquals(200, node.get("/api/v1/agents/carol", token).status());
    Reply calls = node.get("/api/v1/agents/carol/calls", token);
    assertEquals(200, calls.status());
    assertTrue(calls.json().isArray());
    assertEquals(200, node.get("/api/v1/queues/stats", token).status());

    assertProblem(node.get("/api/v1/agents/dave", token), 403);
    assertProblem(node.send("PUT", "/api/v1/agents/dave/status", token, "{\"presence\":\"AVAILABLE\"}"), 403);
    assertProblem(node.get("/api/v1/supervisor/stats", token), 403);
    assertProblem(node.get("/api/v1/admin/agents", token), 403);
  }

  @Test
  void adminSetsAnyStatusAndBadPresenceIs400() throws Exception {
    Reply available = node.send("PUT", "/api/v1/agents/dave/status", ADMIN, "{\"presence\":\"available\"}");
    assertEquals(200, available.status(), available.raw().body());
    assertEquals("AVAILABLE", available.json().get("presence").asText());
    assertEquals(Set.of("presence"), assertProblem(node.send("PUT", "/api/v1/agents/dave/status", ADMIN, "{\"presence\":\"ASLEEP\"}"), 400));
    assertProblem(node.send("PUT", "/api/v1/agents/nobody/status", ADMIN, "{\"presence\":\"OFFLINE\"}"), 404);
  }

  @Test
  void mintingRules() throws Exception {
    Reply minted = node.send("POST", "/api/v1/admin/tokens", ADMIN, "{\"role\":\"Supervisor\",\"label\":\"wallboard\"}");
    assertEquals(201, minted.status(), minted.raw().body());
    assertEquals("supervisor", minted.json().get("role").asText());
    assertEquals("wallboard", minted.json().get("label").asText());
    assertTrue(minted.json().get("token").asText().length() >= 32);
    assertProblem(node.send("POST", "/api/v1/admin/tokens", ADMIN, "{\"role\":\"supervisor\",\"label\":\"wallboard\"}"), 409);
    assertEquals(Set.of("role"), assertProblem(node.send("POST", "/api/v1/admin/tokens", ADMIN, "{\"role\":\"admin\"}"), 400));
    assertEquals(Set.of("agentId"), assertProblem(node.send("POST", "/api/v1/admin/tokens", ADMIN, "{\"role\":\"agent\"}"), 400));
    assertProblem(node.send("POST", "/api/v1/admin/tokens", ADMIN, "{\"role\":\"agent\",\"agentId\":\"nobody\"}"), 404);
  }

  @Test
  void revokedTokenIs401() throws Exception {
    String token = node.mint("supervisor", null, "temp");
    assertEquals(200, node.get("/api/v1/supervisor/stats", token).status());
    assertEquals(204, node.send("DELETE", "/api/v1/admin/tokens/temp", ADMIN, null).status());
    assertProblem(node.get("/api/v1/supervisor/stats", token), 401);
    assertProblem(node.send("DELETE", "/api/v1/admin/tokens/temp", ADMIN, null), 404);
  }
}
