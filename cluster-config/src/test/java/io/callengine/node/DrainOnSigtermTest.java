package io.callengine.node;

import static io.callengine.core.testing.TestEngines.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.callengine.core.testing.TestEngines;
import io.callengine.sip.testing.OutgoingCall;
import io.callengine.sip.testing.TestPhone;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.sip.header.RetryAfterHeader;
import javax.sip.message.Response;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM to a node process with two calls up and CALLENGINE_DRAIN_TIMEOUT=8s: readiness turns
 * 503 at once and says why, new INVITEs, REGISTERs and OPTIONS get 503 with Retry-After, a call
 * whose caller hangs up during the drain ends COMPLETED as usual, the call still up at the limit
 * gets BYE on both legs and ends FAILED with reason node-drain, and the process exits. The records
 * are read from a second start on the same data directory.
 */
class DrainOnSigtermTest {
  private static final String ADMIN = "drain-admin-token";
  private static final Duration DRAIN = Duration.ofSeconds(8);

  @Test
  void sigtermRefusesNewWorkLetsCallsFinishAndHangsUpTheRestAtTheLimit() throws Exception {
    Path data = Files.createTempDirectory("callengine-drain");
    Path log = data.resolve("node.log");
    int sipPort = TestEngines.freePort();
    int httpPort = TestEngines.freePort();
    Map<String, String> env = NodeProcess.loopbackEnv(ADMIN, sipPort, "34000-34999");
    env.put("CALLENGINE_DRAIN_TIMEOUT", DRAIN.toSeconds() + "s");

    try (TestPhone alice = phone("alice", sipPort);
        TestPhone bob = phone("bob", sipPort);
        TestPhone leaving = phone("5551001", sipPort);
        TestPhone staying = phone("5551002", sipPort);
        TestPhone late = phone("5551003", sipPort)) {
      try (NodeProcess node = NodeProcess.start(data, env, httpPort, log)) {
        ApiClient api = node.api;
        assertEquals(201, api.call("POST", "/api/v1/admin/queues", ADMIN, "{\"id\":\"support\",\"name\":\"Support\"}").status());
        for (String agent : new String[] {"alice", "bob"}) {
          assertEquals(201, api.call("POST", "/api/v1/admin/agents", ADMIN, "{\"id\":\"" + agent + "\",\"sipUri\":\"sip:" + agent
              + "@127.0.0.1\",\"displayName\":\"" + agent + "\",\"password\":\"pw-" + agent + "\"}").status());
        }
        assertEquals(200, alice.register("pw-alice", 600, "MD5"));
        assertEquals(200, bob.register("pw-bob", 600, "MD5"));
        OutgoingCall first = connect(api, leaving, alice, "alice");
        OutgoingCall second = connect(api, staying, bob, "bob");
        assertEquals(200, late.options().getStatusCode(), "ready: OPTIONS 200");

        long sigterm = System.nanoTime();
        node.terminate();
        eventually(Duration.ofSeconds(5), "readiness turns 503 and says the node is draining", () -> {
          ApiClient.Reply ready = api.call("GET", "/health/ready", null, null);
          return ready.status() == 503 && ready.json().get("detail").asText().contains("draining");
        });
        assertNotReady(late.call("support").awaitFinal(), "a new INVITE");
        assertNotReady(late.registerOnce(300, null), "a REGISTER");
        assertNotReady(late.options(), "the dispatcher's OPTIONS");
        assertFalse(staying.events.contains("BYE"), "the calls up are not cut at once");

        assertEquals(200, first.hangUp().getStatusCode(), "a caller can hang up during the drain");
        assertEquals("ACK", alice.events.poll(5, TimeUnit.SECONDS));
        assertEquals("BYE", alice.events.poll(5, TimeUnit.SECONDS), "and the agent's leg gets BYE as usual");

        eventually(DRAIN.plusSeconds(10), "at the limit the caller still on the line gets BYE", () -> staying.events.contains("BYE"));
        assertTrue(Duration.ofNanos(System.nanoTime() - sigterm).compareTo(DRAIN.minusSeconds(1)) >= 0,
            "not before the drain limit");
        eventually(Duration.ofSeconds(5), "so does the agent", () -> bob.events.contains("BYE"));
        assertTrue(node.exitsWithin(Duration.ofSeconds(40)), "then the node stops and exits (log: " + log + ")");
      }

      try (NodeProcess again = NodeProcess.start(data, env, httpPort, log)) {
        eventually(Duration.ofSeconds(15), "the call that ended during the drain is COMPLETED, the one hung up at the limit FAILED",
            () -> record(again.api, "5551001").path("disposition").asText().equals("COMPLETED")
                && record(again.api, "5551002").path("disposition").asText().equals("FAILED"));
        String reason = record(again.api, "5551002").path("endReason").asText();
        assertTrue(reason.startsWith("node-drain"), "the reason says the drain ended it: " + reason);
      }
    }
  }

  private static TestPhone phone(String user, int sipPort) throws Exception {
    return new TestPhone(user, TestEngines.freePort(), "127.0.0.1", sipPort);
  }

  /** Makes {@code agent} available and puts {@code customer} through to that agent's phone. */
  private static OutgoingCall connect(ApiClient api, TestPhone customer, TestPhone agentPhone, String agent) throws Exception {
    assertEquals(200, api.call("PUT", "/api/v1/agents/" + agent + "/status", ADMIN, "{\"presence\":\"AVAILABLE\"}").status());
    OutgoingCall call = customer.call("support");
    assertEquals(200, call.awaitFinal().getStatusCode());
    assertEquals("INVITE", agentPhone.events.poll(10, TimeUnit.SECONDS));
    eventually(Duration.ofSeconds(10), agent + " is on the call", () -> api.call("GET", "/api/v1/agents/" + agent, ADMIN, null)
        .json().get("activity").asText().equals("ON_CALL"));
    return call;
  }

  private static void assertNotReady(Response response, String what) {
    assertEquals(503, response.getStatusCode(), what + " gets 503 while the node drains");
    RetryAfterHeader retryAfter = (RetryAfterHeader) response.getHeader(RetryAfterHeader.NAME);
    assertNotNull(retryAfter, what + ": 503 with Retry-After");
    assertEquals(10, retryAfter.getRetryAfter(), what + ": the default Retry-After");
  }

  /** The call record of the caller {@code user}, or a missing node when there is none yet. */
  private static JsonNode record(ApiClient api, String user) throws Exception {
    for (JsonNode call : api.call("GET", "/api/v1/supervisor/calls", ADMIN, null).json()) {
      if (call.path("caller").asText().startsWith("sip:" + user + "@")) return call;
    }
    return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
  }
}
