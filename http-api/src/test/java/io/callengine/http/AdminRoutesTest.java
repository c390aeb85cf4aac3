package io.callengine.http;

import static io.callengine.http.TestNode.ADMIN;
import static io.callengine.http.TestNode.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callengine.http.TestNode.Reply;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Health, the admin routes and how bad requests are answered, over real sockets. */
class AdminRoutesTest {
  private static TestNode node;

  @BeforeAll
  static void start() throws Exception {
    node = TestNode.start();
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  @Test
  void liveAndReadyNeedNoToken() throws Exception {
    Reply live = node.get("/health/live", null);
    assertEquals(200, live.status());
    assertEquals("UP", live.json().get("status").asText());
    assertEquals(200, node.get("/health/ready", null).status());
  }

  @Test
  void notReadyWhileAComponentIsDown() throws Exception {
    node.engine.registerHealthCheck("sip", () -> false);
    try {
      Reply ready = node.get("/health/ready", null);
      assertProblem(ready, 503);
      assertTrue(ready.json().get("detail").asText().contains("sip is down"), ready.raw().body());
    } finally {
      node.engine.registerHealthCheck("sip", () -> true);
    }
    assertEquals(200, node.get("/health/ready", null).status());
  }

  @Test
  void adminHealthReport() throws Exception {
    Reply health = node.get("/api/v1/admin/health", ADMIN);
    assertEquals(200, health.status());
    assertEquals("UP", health.json().get("database").asText());
    assertEquals("UP", health.json().get("components").get("http").asText());
    assertTrue(health.json().get("warnings").isArray());
  }

  @Test
  void queueLifecycle() throws Exception {
    Reply created = node.send("POST", "/api/v1/admin/queues", ADMIN,
        "{\"id\":\"support\",\"name\":\"Support\",\"strategy\":\"round-robin\",\"maxSize\":10}");
    assertEquals(201, created.status(), created.raw().body());
    assertEquals("/api/v1/admin/queues/support", created.header("Location"));
    assertEquals("round-robin", created.json().get("strategy").asText());
    assertEquals("support", created.json().get("sipAddress").asText());
    assertEquals(0, created.json().get("waiting").asInt());

    Reply fetched = node.get("/api/v1/admin/queues/support", ADMIN);
    assertEquals(200, fetched.status());
    assertEquals("Support", fetched.json().get("name").asText());
    Reply listed = node.get("/api/v1/admin/queues", ADMIN);
    assertTrue(listed.json().findValuesAsText("id").contains("support"), listed.raw().body());

    Reply updated = node.send("PUT", "/api/v1/admin/queues/support", ADMIN, "{\"name\":\"First line\",\"maxSize\":5}");
    assertEquals(200, updated.status(), updated.raw().body());
    assertEquals("First line", updated.json().get("name").asText());
    assertEquals(200, node.send("PUT", "/api/v1/admin/queues/support", ADMIN, updated.raw().body()).status(),
        "a fetched queue can be sent back as it is");

    assertEquals(204, node.send("DELETE", "/api/v1/admin/queues/support", ADMIN, null).status());
    assertProblem(node.get("/api/v1/admin/queues/support", ADMIN), 404);
  }

  @Test
  void agentCreatedWithoutEchoingThePassword() throws Exception {
    String alice = "{\"id\":\"alice\",\"sipUri\":\"sip:alice@example.com\",\"displayName\":\"Alice\",\"password\":\"s3cret-pw\","
        + "\"skills\":[{\"name\":\"english\",\"level\":4}]}";
    Reply created = node.send("POST", "/api/v1/admin/agents", ADMIN, alice);
    assertEquals(201, created.status(), created.raw().body());
    assertEquals("/api/v1/admin/agents/alice", created.header("Location"));
    assertEquals("OFFLINE", created.json().get("presence").asText());
    assertFalse(created.raw().body().contains("s3cret-pw"));
    assertFalse(created.json().has("password"));

    assertProblem(node.send("POST", "/api/v1/admin/agents", ADMIN, alice), 409);

    Reply skills = node.send("PUT", "/api/v1/admin/agents/alice/skills", ADMIN, "[{\"name\":\"french\",\"level\":3}]");
    assertEquals(200, skills.status(), skills.raw().body());
    assertEquals("french", skills.json().get("skills").get(0).get("name").asText());
    assertTrue(node.get("/api/v1/admin/agents", ADMIN).json().findValuesAsText("id").contains("alice"));
  }

  @Test
  void unknownAgentAndQueueAre404() throws Exception {
    assertProblem(node.get("/api/v1/admin/agents/nobody", ADMIN), 404);
    assertProblem(node.get("/api/v1/admin/queues/nowhere", ADMIN), 404);
    assertProblem(node.send("DELETE", "/api/v1/admin/queues/nowhere", ADMIN, null), 404);
  }

  @Test
  void invalidJsonIs400() throws Exception {
    Reply reply = node.send("POST", "/api/v1/admin/queues", ADMIN, "{\"id\": \"q1\", \"name\": ");
    assertProblem(reply, 400);
    assertTrue(reply.json().get("detail").asText().contains("not valid JSON"), reply.raw().body());
  }

  @Test
  void wrongTypeNamesTheField() throws Exception {
    Reply reply = node.send("POST", "/api/v1/admin/agents", ADMIN,
        "{\"id\":\"bob\",\"sipUri\":\"sip:bob@example.com\",\"displayName\":\"Bob\",\"password\":\"pw-bob\",\"maxConcurrentCalls\":\"lots\"}");
    assertEquals(Set.of("maxConcurrentCalls"), assertProblem(reply, 400));
    Reply nested = node.send("PUT", "/api/v1/admin/agents/bob/skills", ADMIN, "[{\"name\":\"english\",\"level\":\"high\"}]");
    assertEquals(Set.of("[0].level"), assertProblem(nested, 400));
    assertEquals(Set.of("id"), assertProblem(node.send("POST", "/api/v1/admin/queues", ADMIN, "{\"id\":5}"), 400));
  }

  @Test
  void unknownFieldIsRejected() throws Exception {
    Reply reply = node.send("POST", "/api/v1/admin/queues", ADMIN, "{\"id\":\"q2\",\"colour\":\"red\"}");
    assertEquals(Set.of("colour"), assertProblem(reply, 400));
  }

  @Test
  void missingRequiredFieldsAreEachNamed() throws Exception {
    Reply reply = node.send("POST", "/api/v1/admin/agents", ADMIN, "{}");
    assertEquals(Set.of("id", "sipUri", "displayName", "password"), assertProblem(reply, 400));
    assertEquals(Set.of("id"), assertProblem(node.send("POST", "/api/v1/admin/queues", ADMIN, "{\"name\":\"x\"}"), 400));
    assertProblem(node.send("POST", "/api/v1/admin/queues", ADMIN, ""), 400);
  }

  @Test
  void unknownPathWrongMethodAndWrongContentType() throws Exception {
    assertProblem(node.get("/nowhere", null), 404);
    assertProblem(node.get("/api/v1/admin/nothing-here", ADMIN), 404);
    Reply wrongMethod = node.send("PATCH", "/api/v1/admin/queues", ADMIN, "{}");
    assertProblem(wrongMethod, 405);
    assertNotNull(wrongMethod.header("Allow"));
    assertProblem(node.send("POST", "/api/v1/admin/queues", ADMIN, "text/plain", "id=q3"), 415);
  }

  @Test
  void bodyOverTheLimitIs413() throws Exception {
    String huge = "{\"id\":\"big\",\"name\":\"" + "x".repeat(100 * 1024) + "\"}";
    assertProblem(node.send("POST", "/api/v1/admin/queues", ADMIN, huge), 413);
  }
}
