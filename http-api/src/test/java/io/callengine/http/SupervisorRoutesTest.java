package io.callengine.http;

import static io.callengine.http.TestNode.ADMIN;
import static io.callengine.core.testing.TestEngines.eventually;
import static io.callengine.http.TestNode.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.callengine.http.TestNode.Reply;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The supervisor's reads: live figures, waiting calls, one call and call history with its query parameters. */
class SupervisorRoutesTest {
  private static TestNode node;
  private static String supervisor;

  @BeforeAll
  static void start() throws Exception {
    node = TestNode.start();
    assertEquals(201, node.send("POST", "/api/v1/admin/queues", ADMIN, "{\"id\":\"sales\"}").status());
    assertEquals(201, node.send("POST", "/api/v1/admin/agents", ADMIN,
        "{\"id\":\"erin\",\"sipUri\":\"sip:erin@example.com\",\"displayName\":\"Erin\",\"password\":\"pw-erin\",\"queues\":[\"sales\"]}").status());
    supervisor = node.mint("supervisor", null, "sup");
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  @Test
  void statsShape() throws Exception {
    Reply stats = node.get("/api/v1/supervisor/stats", supervisor);
    assertEquals(200, stats.status(), stats.raw().body());
    assertTrue(stats.contentType().startsWith("application/json"));
    for (String field : new String[] {"activeCalls", "queuedCalls", "availableAgents", "busyAgents", "agentsOnBreak",
        "agentsOffline", "longestWaitSeconds"}) {
      assertTrue(stats.json().get(field).isNumber(), field + " in " + stats.raw().body());
    }
  }

  @Test
  void metricsOverARangeOverallPerQueueAndPerInterval() throws Exception {
    Reply today = node.get("/api/v1/supervisor/metrics", supervisor);
    assertEquals(200, today.status(), today.raw().body());
    for (String field : new String[] {"offered", "answered", "abandoned", "shortAbandoned", "overflowed", "timedOut",
        "rejected", "failed", "longestWaitSeconds", "shortAbandonSeconds"}) {
      assertTrue(today.json().get(field).isNumber(), field + " in " + today.raw().body());
    }
    assertFalse(today.json().has("serviceLevelPercentage"), "no call yet: no service level, and nulls are left out");
    assertTrue(today.json().get("queues").isArray());

    String hoursOfSales = "/api/v1/supervisor/metrics?from=2030-03-04T08:10:00Z&to=2030-03-04T10:00:00Z&queueId=sales&interval=PT1H";
    eventually(Duration.ofSeconds(10), "the queue's threshold as configured (20 s by default)",
        () -> node.get(hoursOfSales, supervisor).json().get("serviceLevelSeconds").asInt() == 20);
    Reply hours = node.get(hoursOfSales, supervisor);
    assertEquals(200, hours.status(), hours.raw().body());
    assertEquals("sales", hours.json().get("queueId").asText());
    assertEquals(2, hours.json().get("intervals").size(), "08:10-09:00 and 09:00-10:00: hours from 08:10 on the 15-minute grid");
    assertEquals("2030-03-04T08:10:00Z", hours.json().get("intervals").get(0).get("start").asText(), "clipped to from");
  }

  @Test
  void agentsQueuesAndQueueStats() throws Exception {
    Reply agents = node.get("/api/v1/supervisor/agents", supervisor);
    assertEquals(200, agents.status());
    assertTrue(agents.json().findValuesAsText("id").contains("erin"));
    Reply waiting = node.get("/api/v1/supervisor/queues/sales/calls", supervisor);
    assertEquals(200, waiting.status());
    assertEquals(0, waiting.json().size());
    assertProblem(node.get("/api/v1/supervisor/queues/nowhere/calls", supervisor), 404);

    Reply queueStats = node.get("/api/v1/queues/stats", supervisor);
    assertEquals(200, queueStats.status());
    assertTrue(queueStats.json().isArray());
    for (JsonNode queue : queueStats.json()) {
      assertTrue(queue.has("queueId") && queue.has("waiting") && queue.has("totalCalls"), queueStats.raw().body());
    }
  }

  @Test
  void callRecordsAndTheirQueryParameters() throws Exception {
    Reply all = node.get("/api/v1/supervisor/calls", supervisor);
    assertEquals(200, all.status(), all.raw().body());
    assertEquals(0, all.json().size());
    Reply filtered = node.get("/api/v1/supervisor/calls?from=2024-01-01T00:00:00Z&to=2030-01-01T00:00:00Z"
        + "&queueId=sales&agentId=erin&disposition=completed&limit=10", supervisor);
    assertEquals(200, filtered.status(), filtered.raw().body());
    assertEquals(200, node.get("/api/v1/supervisor/agents/erin/calls?from=", supervisor).status());

    assertEquals(Set.of("from"), assertProblem(node.get("/api/v1/supervisor/calls?from=yesterday", supervisor), 400));
    assertEquals(Set.of("disposition"), assertProblem(node.get("/api/v1/supervisor/calls?disposition=LOST", supervisor), 400));
    assertEquals(Set.of("limit"), assertProblem(node.get("/api/v1/supervisor/calls?limit=0", supervisor), 400));
    assertEquals(Set.of("to"), assertProblem(node.get("/api/v1/agents/erin/calls?to=2024-13-01T00:00:00Z", ADMIN), 400));
    assertProblem(node.get("/api/v1/supervisor/agents/nobody/calls", supervisor), 404);
  }

  @Test
  void unknownCallIs404() throws Exception {
    assertProblem(node.get("/api/v1/supervisor/calls/no-such-call", supervisor), 404);
  }
}
