package io.callengine.http;

import static io.callengine.core.testing.TestEngines.eventually;
import static io.callengine.http.TestNode.ADMIN;
import static io.callengine.http.TestNode.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.callengine.core.testing.ManualClock;
import io.callengine.http.TestNode.Reply;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /api/v1/agents/{id}/history} on a node whose clock the test moves: an agent's
 * morning (available, a lunch break, available again) comes back to the second, for the agent
 * itself and a supervisor; another agent is refused; bad ranges are 400 problems.
 */
class AgentHistoryRoutesTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ManualClock clock = new ManualClock(Instant.parse("2030-03-04T09:00:00Z"));
  private static final String HISTORY = "/api/v1/agents/ann/history";
  private static TestNode node;
  private static String ann;
  private static String bob;
  private static String supervisor;

  @BeforeAll
  static void start() throws Exception {
    node = TestNode.start("", clock);
    for (String id : new String[] {"ann", "bob"}) {
      Reply created = node.send("POST", "/api/v1/admin/agents", ADMIN,
          "{\"id\":\"" + id + "\",\"sipUri\":\"sip:" + id + "@example.com\",\"displayName\":\"" + id + "\",\"password\":\"pw-" + id + "\"}");
      assertEquals(201, created.status(), created.raw().body());
    }
    ann = node.mint("agent", "ann", "history-ann");
    bob = node.mint("agent", "bob", "history-bob");
    supervisor = node.mint("supervisor", null, "history-supervisor");
    status("09:00", "{\"presence\":\"AVAILABLE\"}");
    status("09:20", "{\"presence\":\"BREAK\",\"reason\":\"lunch\"}");
    status("09:50", "{\"presence\":\"AVAILABLE\"}");
    clock.set(Instant.parse("2030-03-04T10:00:00Z"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (node != null) node.close();
  }

  @Test
  void theAgentReadsItsOwnMorning() throws Exception {
    String path = HISTORY + "?from=2030-03-04T09:00:00Z&to=2030-03-04T10:00:00Z";
    eventually(Duration.ofSeconds(20), "the morning projected", () -> node.get(path, ann).json().get("loggedInSeconds").asLong() == 3600);
    Reply reply = node.get(path, ann);
    assertEquals(200, reply.status());
    assertEquals(JSON.readTree("{\"agentId\":\"ann\",\"from\":\"2030-03-04T09:00:00Z\",\"to\":\"2030-03-04T10:00:00Z\","
        + "\"callsHandled\":0,\"talkSeconds\":0,\"wrapUpSeconds\":0,\"noAnswers\":0,\"loggedInSeconds\":3600,"
        + "\"availableSeconds\":1800,\"breaks\":[{\"reason\":\"lunch\",\"count\":1,\"seconds\":1800}],\"holdSeconds\":0}"), reply.json());
  }

  @Test
  void bySupervisorTheDefaultRangeIsTodaySoFar() throws Exception {
    eventually(Duration.ofSeconds(20), "the morning projected",
        () -> node.get(HISTORY, supervisor).json().get("availableSeconds").asLong() == 1800);
    JsonNode today = node.get(HISTORY, supervisor).json();
    assertEquals("2030-03-04T00:00:00Z", today.get("from").asText());
    assertEquals("2030-03-04T10:00:00Z", today.get("to").asText());
    assertEquals(3600, today.get("loggedInSeconds").asLong());
  }

  @Test
  void anotherAgentIsRefusedAndAnUnknownAgentIsNotFound() throws Exception {
    assertProblem(node.get(HISTORY, bob), 403);
    assertProblem(node.get("/api/v1/agents/nobody/history", ADMIN), 404);
    assertEquals(200, node.get("/api/v1/agents/bob/history", bob).status());
  }

  @Test
  void badRangesAre400NamingTheParameter() throws Exception {
    assertEquals(Set.of("from"), assertProblem(node.get(HISTORY + "?from=yesterday", ann), 400));
    assertEquals(Set.of("from", "to"), assertProblem(node.get(HISTORY + "?from=2030-03-04&to=10:00", ann), 400));
    assertEquals(Set.of("to"), assertProblem(node.get(HISTORY + "?from=2030-03-04T09:00:00Z&to=2030-03-04T09:00:00Z", ann), 400));
    assertEquals(Set.of("to"), assertProblem(node.get(HISTORY + "?from=2030-03-04T09:00:00Z&to=2030-03-04T08:00:00Z", ann), 400));
    assertEquals(Set.of("from"), assertProblem(node.get(HISTORY + "?from=2030-03-05T00:00:00Z", ann), 400), "from after now");
  }

  private static void status(String time, String body) throws Exception {
    clock.set(Instant.parse("2030-03-04T" + time + ":00Z"));
    Reply reply = node.send("PUT", "/api/v1/agents/ann/status", ann, body);
    assertEquals(200, reply.status(), reply.raw().body());
  }
}
