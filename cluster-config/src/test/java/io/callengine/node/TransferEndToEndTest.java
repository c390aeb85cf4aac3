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
 * A blind transfer as the agent's desktop asks for it over HTTP on the whole node: alice hands her
 * caller to the billing queue, where bob takes him; then bob hands him to an outside phone on the
 * allowlist (set as one comma-separated string, as the environment variable gives it).
 */
class TransferEndToEndTest {
  private static final String ADMIN = "transfer-e2e-admin-token";
  private static Node node;
  private static ApiClient api;
  private static int sipPort;

  @BeforeAll
  static void start() throws Exception {
    sipPort = TestEngines.freePort();
    int httpPort = TestEngines.freePort();
    Path data = Files.createTempDirectory("callengine-transfer-e2e");
    node = Node.start(NodeConfig.load(ConfigFactory.parseString(String.format("""
        callengine.data-dir = "%s"
        callengine.admin-token = "%s"
        callengine.sip { host = 127.0.0.1, port = %d, rtp-ports = "43300-43399", options-interval = 0, drain-timeout = 2s }
        callengine.http { host = 127.0.0.1, port = %d }
        callengine.transfer.allowed-destinations = "sip:nobody@192.0.2.1, sip:partner@127.0.0.1:*"
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

  private static String agent(String id, String queue) throws Exception {
    assertEquals(201, api.call("POST", "/api/v1/admin/agents", ADMIN, String.format(
        "{\"id\":\"%s\",\"sipUri\":\"sip:%s@127.0.0.1\",\"displayName\":\"%s\",\"password\":\"pw-%s\",\"queues\":[\"%s\"]}",
        id, id, id, id, queue)).status());
    return api.call("POST", "/api/v1/admin/tokens", ADMIN, "{\"role\":\"agent\",\"agentId\":\"" + id + "\"}").json().get("token").asText();
  }

  private static JsonNode agentView(String id) throws Exception {
    return api.call("GET", "/api/v1/agents/" + id, ADMIN, null).json();
  }

  @Test
  void anAgentTransfersHerCallerOverHttpToAQueueAndTheNextAgentToAnOutsidePhone() throws Exception {
    assertEquals(201, api.call("POST", "/api/v1/admin/queues", ADMIN, "{\"id\":\"support\",\"wrapUpSeconds\":60}").status());
    assertEquals(201, api.call("POST", "/api/v1/admin/queues", ADMIN, "{\"id\":\"billing\",\"wrapUpSeconds\":60}").status());
    String aliceToken = agent("alice", "support");
    String bobToken = agent("bob", "billing");
    try (TestPhone alice = new TestPhone("alice", TestEngines.freePort(), "127.0.0.1", sipPort);
        TestPhone bob = new TestPhone("bob", TestEngines.freePort(), "127.0.0.1", sipPort);
        TestPhone partner = new TestPhone("partner", TestEngines.freePort(), "127.0.0.1", sipPort);
        TestPhone customer = new TestPhone("5557777", TestEngines.freePort(), "127.0.0.1", sipPort)) {
      assertEquals(200, alice.register("pw-alice", 600, "MD5"));
      assertEquals(200, bob.register("pw-bob", 600, "MD5"));
      assertEquals(200, api.call("PUT", "/api/v1/agents/alice/status", aliceToken, "{\"presence\":\"AVAILABLE\"}").status());
      assertEquals(200, api.call("PUT", "/api/v1/agents/bob/status", bobToken, "{\"presence\":\"AVAILABLE\"}").status());

      OutgoingCall call = customer.call("support");
      assertEquals(200, call.awaitFinal().getStatusCode());
      call.useAnswer();
      assertEquals("INVITE", alice.events.poll(10, TimeUnit.SECONDS));
      assertTrue(alice.rtp.sendUntilHeard("alice speaks", customer.rtp, 50));
      String callId = agentView("alice").get("currentCalls").get(0).asText();

      ApiClient.Reply toBilling = api.call("POST", "/api/v1/agents/alice/calls/" + callId + "/transfer", aliceToken,
          "{\"queueId\":\"billing\"}");
      assertEquals(202, toBilling.status(), toBilling.json().toString());
      assertEquals(callId, toBilling.json().get("callId").asText());
      assertEquals("queue:billing", toBilling.json().get("target").asText());
      assertEquals("QUEUED", toBilling.json().get("state").asText());
      assertEquals("INVITE", bob.events.poll(10, TimeUnit.SECONDS), "bob's phone rings");
      eventually(Duration.ofSeconds(5), "bob is on the call", () -> agentView("bob").get("activity").asText().equals("ON_CALL"));
      assertTrue(bob.rtp.sendUntilHeard("bob speaks", customer.rtp, 200), "the caller hears bob");
      assertEquals("WRAP_UP", agentView("alice").get("activity").asText(), "alice is in wrap-up");

      ApiClient.Reply toPartner = api.call("POST", "/api/v1/agents/bob/calls/" + callId + "/transfer", bobToken,
          "{\"address\":\"" + partner.contact() + "\"}");
      assertEquals(202, toPartner.status(), toPartner.json().toString());
      assertEquals("OFFERING", toPartner.json().get("state").asText());
      assertEquals("INVITE", partner.events.poll(10, TimeUnit.SECONDS), "the outside phone is called");
      eventually(Duration.ofSeconds(5), "bob is in wrap-up once the partner answered",
          () -> agentView("bob").get("activity").asText().equals("WRAP_UP"));
      assertTrue(partner.rtp.sendUntilHeard("partner speaks", customer.rtp, 200), "the caller hears the partner");

      assertEquals(200, call.hangUp().getStatusCode());
      eventually(Duration.ofSeconds(10), "the record links alice, bob and the partner", () -> {
        JsonNode record = api.call("GET", "/api/v1/supervisor/calls", ADMIN, null).json().get(0);
        return record.get("disposition").asText().equals("COMPLETED") && record.get("agentId").asText().equals(partner.contact())
            && record.get("transfers").asInt() == 2 && record.get("transferredFrom").toString().equals("[\"alice\",\"bob\"]");
      });
    }
  }
}
