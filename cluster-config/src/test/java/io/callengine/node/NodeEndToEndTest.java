package io.callengine.node;

import static io.callengine.core.testing.TestEngines.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import io.callengine.core.testing.TestEngines;
import io.callengine.sip.testing.OutgoingCall;
import io.callengine.sip.testing.TestPhone;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole node as a user meets it: admin set-up and agent status over HTTP, a phone that
 * registers with digest auth, a customer call through SIP with RTP both ways, and the live
 * counts and call record afterwards.
 */
class NodeEndToEndTest {
  private static final String ADMIN = "e2e-admin-token";
  private static Node node;
  private static ApiClient api;
  private static int sipPort;

  @BeforeAll
  static void start() throws Exception {
    sipPort = TestEngines.freePort();
    int httpPort = TestEngines.freePort();
    Path data = Files.createTempDirectory("callengine-e2e");
    node = Node.start(NodeConfig.load(ConfigFactory.parseString(String.format("""
        callengine.data-dir = "%s"
        callengine.admin-token = "%s"
        callengine.sip { host = 127.0.0.1, port = %d, rtp-ports = "32000-32999" }
        callengine.http { host = 127.0.0.1, port = %d }
        pekko.remote.artery.canonical.port = 0
        pekko.coordinated-shutdown.exit-jvm = off
        pekko.actor.serialize-messages = on
        """, data, ADMIN, sipPort, httpPort))));
    api = new ApiClient(httpPort);
  }

  @AfterAll
  static void stop() throws Exception {
    node.stop();
  }

  @Test
  void aCustomerCallFromSetUpToCallRecord() throws Exception {
    assertEquals(200, api.statusOf("/health/ready"));
    assertEquals(201, api.call("POST", "/api/v1/admin/queues", ADMIN,
        "{\"id\":\"support\",\"name\":\"Support\",\"wrapUpSeconds\":1}").status());
    assertEquals(201, api.call("POST", "/api/v1/admin/agents", ADMIN, """
        {"id":"alice","sipUri":"sip:alice@127.0.0.1","displayName":"Alice","password":"s3cret",
         "skills":[{"name":"english","level":4}]}""").status());
    String aliceToken = api.call("POST", "/api/v1/admin/tokens", ADMIN, "{\"role\":\"agent\",\"agentId\":\"alice\"}")
        .json().get("token").asText();

    try (TestPhone alice = new TestPhone("alice", TestEngines.freePort(), "127.0.0.1", sipPort);
        TestPhone customer = new TestPhone("5551234", TestEngines.freePort(), "127.0.0.1", sipPort)) {
      assertEquals(200, alice.register("s3cret", 600, "MD5"));
      assertEquals(true, api.call("GET", "/api/v1/agents/alice", aliceToken, null).json().get("registered").asBoolean());
      assertEquals(200, api.call("PUT", "/api/v1/agents/alice/status", aliceToken, "{\"presence\":\"AVAILABLE\"}").status());

      OutgoingCall call = customer.call("support");
      assertEquals(200, call.awaitFinal().getStatusCode());
      call.useAnswer();
      assertEquals("INVITE", alice.events.poll(10, TimeUnit.SECONDS));
      assertTrue(customer.rtp.sendUntilHeard("customer speaks", alice.rtp, 50));
      assertTrue(alice.rtp.sendUntilHeard("agent speaks", customer.rtp, 50));
      eventually(Duration.ofSeconds(5), "live counts show the call", () -> {
        JsonNode stats = api.call("GET", "/api/v1/supervisor/stats", ADMIN, null).json();
        return stats.get("activeCalls").asInt() == 1 && stats.get("busyAgents").asInt() == 1;
      });
      Thread.sleep(1100); // a second of talk, so the record has talk time

      assertEquals(200, alice.hangUpIncoming().getStatusCode(), "the agent hangs up");
      eventually(Duration.ofSeconds(5), "the customer gets BYE", () -> customer.events.contains("BYE"));
      eventually(Duration.ofSeconds(5), "the record is COMPLETED with wait and talk seconds", () -> {
        JsonNode calls = api.call("GET", "/api/v1/supervisor/calls", ADMIN, null).json();
        return calls.size() == 1 && calls.get(0).get("disposition").asText().equals("COMPLETED")
            && calls.get(0).get("agentId").asText().equals("alice")
            && calls.get(0).get("talkSeconds").asLong() >= 1 && calls.get(0).has("waitSeconds");
      });
      eventually(Duration.ofSeconds(5), "after wrap-up alice is available again", () ->
          api.call("GET", "/api/v1/agents/alice", aliceToken, null).json().get("activity").asText().equals("IDLE"));
    }
  }
}
