package io.callengine.node;

import static io.callengine.core.testing.TestEngines.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
import org.junit.jupiter.api.Test;

/**
 * kill -9 in the middle of a call, then a start on the same data directory: configuration,
 * presence and finished call records come back; the call that was up ends FAILED and its agent
 * is free again.
 */
class RestartTest {
  private static final String ADMIN = "restart-admin-token";

  @Test
  void aCrashLosesNothingAndLeavesNobodyStuck() throws Exception {
    Path data = Files.createTempDirectory("callengine-restart");
    Path log = data.resolve("node.log");
    int sipPort = TestEngines.freePort();
    int httpPort = TestEngines.freePort();
    Map<String, String> env = NodeProcess.loopbackEnv(ADMIN, sipPort, "33000-33999");

    try (TestPhone alice = new TestPhone("alice", TestEngines.freePort(), "127.0.0.1", sipPort);
        TestPhone customer = new TestPhone("5550001", TestEngines.freePort(), "127.0.0.1", sipPort)) {
      try (NodeProcess first = NodeProcess.start(data, env, httpPort, log)) {
        ApiClient api = first.api;
        assertEquals(201, api.call("POST", "/api/v1/admin/queues", ADMIN, "{\"id\":\"support\",\"name\":\"Support\"}").status());
        assertEquals(201, api.call("POST", "/api/v1/admin/agents", ADMIN,
            "{\"id\":\"alice\",\"sipUri\":\"sip:alice@127.0.0.1\",\"displayName\":\"Alice\",\"password\":\"pw-alice\"}").status());
        assertEquals(200, alice.register("pw-alice", 600, "MD5"));
        assertEquals(200, api.call("PUT", "/api/v1/agents/alice/status", ADMIN, "{\"presence\":\"AVAILABLE\"}").status());

        OutgoingCall finished = customer.call("support");
        assertEquals(200, finished.awaitFinal().getStatusCode());
        assertEquals("INVITE", alice.events.poll(10, TimeUnit.SECONDS));
        eventually(Duration.ofSeconds(5), "alice on the call", () -> activity(api).equals("ON_CALL"));
        assertEquals(200, finished.hangUp().getStatusCode());
        eventually(Duration.ofSeconds(5), "first call recorded", () -> dispositions(api).equals("COMPLETED"));

        OutgoingCall inProgress = customer.call("support");
        assertEquals(200, inProgress.awaitFinal().getStatusCode());
        eventually(Duration.ofSeconds(10), "alice on the second call", () -> activity(api).equals("ON_CALL"));
        first.kill();
      }

      try (NodeProcess second = NodeProcess.start(data, env, httpPort, log)) {
        ApiClient api = second.api;
        assertEquals(200, api.call("GET", "/api/v1/admin/queues/support", ADMIN, null).status(), "the queue is back");
        JsonNode agent = api.call("GET", "/api/v1/agents/alice", ADMIN, null).json();
        assertEquals("AVAILABLE", agent.get("presence").asText(), "presence is back");
        eventually(Duration.ofSeconds(15), "the call that died with the process ends FAILED, the first stays COMPLETED",
            () -> dispositions(api).equals("COMPLETED,FAILED"));
        eventually(Duration.ofSeconds(10), "alice is not stuck on a dead call", () -> activity(api).equals("IDLE"));
        assertTrue(api.call("GET", "/api/v1/agents/alice", ADMIN, null).json().get("currentCalls").isEmpty());
      }
    }
  }

  private static String activity(ApiClient api) throws Exception {
    return api.call("GET", "/api/v1/agents/alice", ADMIN, null).json().get("activity").asText();
  }

  /** The dispositions of all call records, sorted, comma-separated. */
  private static String dispositions(ApiClient api) throws Exception {
    JsonNode calls = api.call("GET", "/api/v1/supervisor/calls", ADMIN, null).json();
    return java.util.stream.StreamSupport.stream(calls.spliterator(), false)
        .map(c -> c.has("disposition") ? c.get("disposition").asText() : "-").sorted()
        .collect(java.util.stream.Collectors.joining(","));
  }
}
