package io.callengine.node;

import static io.callengine.sip.testing.PhoneChecks.heard;
import static io.callengine.core.testing.TestEngines.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import io.callengine.core.events.CallCenterEvent;
import io.callengine.core.events.TransferFailed;
import io.callengine.core.testing.TestEngines;
import io.callengine.sip.testing.OutgoingCall;
import io.callengine.sip.testing.TestPhone;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A transfer to a queue that would not take the call (no agent under a {@code refuse} rule, or
 * full) leaves the call with the agent, over HTTP (409 with the queue's reason) and over the
 * phone's REFER (a final NOTIFY of 486): the agent's leg gets no BYE, both sides still hear each
 * other, the agent stays on the call, and {@code transfer-failed} says why.
 */
class QueueTransferRefusedTest {
  private static final String ADMIN = "queue-transfer-refused-admin";
  private static Node node;
  private static ApiClient api;
  private static int sipPort;

  @BeforeAll
  static void start() throws Exception {
    sipPort = TestEngines.freePort();
    int httpPort = TestEngines.freePort();
    Path data = Files.createTempDirectory("callengine-queue-transfer-refused");
    node = Node.start(NodeConfig.load(ConfigFactory.parseString(String.format("""
        callengine.data-dir = "%s"
        callengine.admin-token = "%s"
        callengine.sip { host = 127.0.0.1, port = %d, rtp-ports = "45200-45249", options-interval = 0, drain-timeout = 2s }
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

  private static String agentState(String id) throws Exception {
    return api.call("GET", "/api/v1/agents/" + id, ADMIN, null).json().get("activity").asText();
  }

  private static TransferFailed failed(TestProbe<CallCenterEvent> events, String callId) {
    return (TransferFailed) events.fishForMessage(Duration.ofSeconds(10), e -> e instanceof TransferFailed f && f.callId().equals(callId)
        ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore()).get(0);
  }

  /**
   * Whether {@code listener} hears {@code payload} from {@code speaker} within 10 s: the hold music
   * queued at the listener's socket before the bridge is read past, so only the payload counts.
   */
  @Test
  void aQueueThatRefusesTheCallLeavesItWithTheAgent() throws Exception {
    assertEquals(201, api.call("POST", "/api/v1/admin/queues", ADMIN, "{\"id\":\"desk\",\"wrapUpSeconds\":60}").status());
    // Nobody serves "closed", which refuses callers then; "small" holds one waiting caller at most.
    assertEquals(201, api.call("POST", "/api/v1/admin/queues", ADMIN, "{\"id\":\"closed\",\"noAgentAction\":\"refuse\"}").status());
    assertEquals(201, api.call("POST", "/api/v1/admin/queues", ADMIN, "{\"id\":\"small\",\"maxSize\":1}").status());
    assertEquals(201, api.call("POST", "/api/v1/admin/agents", ADMIN,
        "{\"id\":\"ann\",\"sipUri\":\"sip:ann@127.0.0.1\",\"displayName\":\"Ann\",\"password\":\"pw-ann\",\"queues\":[\"desk\"]}").status());
    String annToken = api.call("POST", "/api/v1/admin/tokens", ADMIN, "{\"role\":\"agent\",\"agentId\":\"ann\"}").json().get("token").asText();
    TestProbe<CallCenterEvent> events = TestProbe.create(node.engine().system());
    TestEngines.subscribe(node.engine(), events.ref());
    try (TestPhone ann = new TestPhone("ann", TestEngines.freePort(), "127.0.0.1", sipPort);
        TestPhone customer = new TestPhone("5551212", TestEngines.freePort(), "127.0.0.1", sipPort);
        TestPhone waiting = new TestPhone("5553434", TestEngines.freePort(), "127.0.0.1", sipPort)) {
      assertEquals(200, ann.register("pw-ann", 600, "MD5"));
      assertEquals(200, api.call("PUT", "/api/v1/agents/ann/status", annToken, "{\"presence\":\"AVAILABLE\"}").status());
      OutgoingCall held = waiting.call("small");
      assertEquals(200, held.awaitFinal().getStatusCode(), "one caller waits in the small queue, which is full now");

      OutgoingCall call = customer.call("desk");
      assertEquals(200, call.awaitFinal().getStatusCode());
      call.useAnswer();
      assertEquals("INVITE", ann.events.poll(10, TimeUnit.SECONDS));
      assertTrue(heard(ann, "ann speaks", customer));
      String callId = api.call("GET", "/api/v1/agents/ann", ADMIN, null).json().get("currentCalls").get(0).asText();
      String path = "/api/v1/agents/ann/calls/" + callId + "/transfer";

      ApiClient.Reply toClosed = api.call("POST", path, annToken, "{\"queueId\":\"closed\"}");
      assertEquals(409, toClosed.status(), "a queue that refuses callers without agents: 409");
      assertTrue(toClosed.json().get("detail").asText().contains("no agent is logged in to queue closed"), toClosed.json().toString());
      TransferFailed closedFailure = failed(events, callId);
      assertEquals("queue:closed", closedFailure.target());
      assertEquals("ann", closedFailure.agentId());

      ApiClient.Reply toSmall = api.call("POST", path, annToken, "{\"queueId\":\"small\"}");
      assertEquals(409, toSmall.status(), "a full queue: 409");
      assertTrue(toSmall.json().get("detail").asText().contains("queue small is full"), toSmall.json().toString());
      assertEquals("queue:small", failed(events, callId).target());
      assertEquals(404, api.call("POST", path, annToken, "{\"queueId\":\"nowhere\"}").status(), "an unknown queue: 404");

      assertEquals(202, ann.referIncoming("<sip:closed@127.0.0.1>").getStatusCode(), "the phone's REFER to the closed queue: 202");
      assertEquals("SIP/2.0 100 Trying", ann.notifies.poll(5, TimeUnit.SECONDS));
      assertEquals("SIP/2.0 486 Busy Here", ann.notifies.poll(5, TimeUnit.SECONDS), "then the refusal ends the subscription");
      assertEquals("queue:closed", failed(events, callId).target());

      assertFalse(ann.events.contains("BYE"), "the agent's leg was never hung up: " + ann.events);
      assertTrue(heard(ann, "still ann", customer), "the caller still hears the agent");
      assertTrue(heard(customer, "still the caller", ann), "and the agent the caller");
      assertEquals("ON_CALL", agentState("ann"), "the agent keeps the call, no wrap-up");
      JsonNode view = api.call("GET", "/api/v1/supervisor/calls/" + callId, ADMIN, null).json();
      assertEquals("CONNECTED", view.get("status").asText());
      assertEquals("ann", view.get("agentId").asText());

      assertEquals(200, ann.hangUpIncoming().getStatusCode());
      eventually(Duration.ofSeconds(10), "the record has no transfer", () -> {
        JsonNode record = api.call("GET", "/api/v1/supervisor/calls", ADMIN, null).json();
        for (JsonNode r : record) {
          if (r.get("callId").asText().equals(callId)) {
            return r.get("disposition").asText().equals("COMPLETED") && r.get("transfers").asInt() == 0;
          }
        }
        return false;
      });
      held.hangUp();
    }
  }
}
