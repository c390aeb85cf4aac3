package io.callengine.node;

import static io.callengine.sip.testing.PhoneChecks.heard;
import static io.callengine.core.testing.TestEngines.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import io.callengine.core.events.CallCenterEvent;
import io.callengine.core.events.CallMonitored;
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
 * A monitored call transferred, over HTTP and by the agent phone's REFER: the transfer ends the
 * monitoring in the same step (the supervisor's phone gets BYE, {@code call-monitored} says
 * {@code ended} with the reason), the caller reaches the next agent with both sides heard, and
 * the supervisor can monitor the call again on its new agent.
 */
class MonitoredTransferTest {
  private static final String ADMIN = "monitored-transfer-admin";
  private static Node node;
  private static ApiClient api;
  private static int sipPort;
  private static String supervisorToken;

  @BeforeAll
  static void start() throws Exception {
    sipPort = TestEngines.freePort();
    int httpPort = TestEngines.freePort();
    Path data = Files.createTempDirectory("callengine-monitored-transfer");
    node = Node.start(NodeConfig.load(ConfigFactory.parseString(String.format("""
        callengine.data-dir = "%s"
        callengine.admin-token = "%s"
        callengine.sip { host = 127.0.0.1, port = %d, rtp-ports = "45250-45299", options-interval = 0, drain-timeout = 2s }
        callengine.sip.security.trusted-sources = "127.0.0.1"
        callengine.http { host = 127.0.0.1, port = %d }
        pekko.remote.artery.canonical.port = 0
        pekko.coordinated-shutdown.exit-jvm = off
        pekko.actor.serialize-messages = on
        """, data, ADMIN, sipPort, httpPort))));
    api = new ApiClient(httpPort);
    assertEquals(201, api.call("POST", "/api/v1/admin/queues", ADMIN, "{\"id\":\"front\",\"wrapUpSeconds\":60}").status());
    assertEquals(201, api.call("POST", "/api/v1/admin/queues", ADMIN, "{\"id\":\"back\",\"wrapUpSeconds\":60}").status());
    for (String[] a : new String[][] {{"ann", "front"}, {"bob", "back"}, {"cy", "back"}}) {
      assertEquals(201, api.call("POST", "/api/v1/admin/agents", ADMIN, String.format(
          "{\"id\":\"%s\",\"sipUri\":\"sip:%s@127.0.0.1\",\"displayName\":\"%s\",\"password\":\"pw-%s\",\"queues\":[\"%s\"]}",
          a[0], a[0], a[0], a[0], a[1])).status());
    }
    assertEquals(201, api.call("POST", "/api/v1/admin/agents", ADMIN,
        "{\"id\":\"lead-phone\",\"sipUri\":\"sip:lead@127.0.0.1\",\"displayName\":\"Lead\",\"password\":\"pw-lead\"}").status());
    supervisorToken = api.call("POST", "/api/v1/admin/tokens", ADMIN, "{\"role\":\"supervisor\",\"label\":\"lead\"}").json().get("token").asText();
  }

  @AfterAll
  static void stop() throws Exception {
    node.stop();
  }

  private static TestPhone phone(String user) throws Exception {
    return new TestPhone(user, TestEngines.freePort(), "127.0.0.1", sipPort);
  }

  private static void available(String id) throws Exception {
    assertEquals(200, api.call("PUT", "/api/v1/agents/" + id + "/status", ADMIN, "{\"presence\":\"AVAILABLE\"}").status());
  }

  private static JsonNode call(String callId) throws Exception {
    return api.call("GET", "/api/v1/supervisor/calls/" + callId, supervisorToken, null).json();
  }

  private static ApiClient.Reply monitor(String callId) throws Exception {
    return api.call("POST", "/api/v1/supervisor/calls/" + callId + "/monitor", supervisorToken, "{\"mode\":\"listen\",\"phone\":\"lead-phone\"}");
  }

  private static CallMonitored monitored(TestProbe<CallCenterEvent> events, String callId, String change) {
    return (CallMonitored) events.fishForMessage(Duration.ofSeconds(10), e -> e instanceof CallMonitored m && m.callId().equals(callId)
        && m.change().equals(change) ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore()).get(0);
  }

  /**
   * Whether {@code listener} hears {@code payload} from {@code speaker} within 10 s: the hold music
   * queued at the listener's socket before the bridge is read past, so only the payload counts.
   */
  /** The supervisor listens in; his phone rings and answers, and hears the call. */
  private static void listen(TestProbe<CallCenterEvent> events, String callId, TestPhone lead, TestPhone agent) throws Exception {
    lead.events.clear();
    ApiClient.Reply started = monitor(callId);
    assertEquals(201, started.status(), String.valueOf(started.json()));
    eventually(Duration.ofSeconds(10), "the supervisor's phone is called", () -> lead.events.contains("INVITE"));
    assertEquals("started", monitored(events, callId, "started").change());
    agent.rtp.send("the agent talks");
    assertNotNull(lead.rtp.receivePacket(5000), "the supervisor hears the call");
  }

  @Test
  void aTransferEndsTheMonitoringAndTheCallGoesOnWithTheNextAgent() throws Exception {
    TestProbe<CallCenterEvent> events = TestProbe.create(node.engine().system());
    TestEngines.subscribe(node.engine(), events.ref());
    try (TestPhone ann = phone("ann"); TestPhone bob = phone("bob"); TestPhone cy = phone("cy"); TestPhone lead = phone("lead");
        TestPhone customer = phone("5550909")) {
      assertEquals(200, ann.register("pw-ann", 600, "MD5"));
      assertEquals(200, bob.register("pw-bob", 600, "MD5"));
      assertEquals(200, cy.register("pw-cy", 600, "MD5"));
      assertEquals(200, lead.register("pw-lead", 600, "MD5"));
      available("ann");
      available("bob");

      OutgoingCall call = customer.call("front");
      assertEquals(200, call.awaitFinal().getStatusCode());
      call.useAnswer();
      assertEquals("INVITE", ann.events.poll(10, TimeUnit.SECONDS));
      assertTrue(heard(customer, "hello ann", ann), "bridged");
      String callId = api.call("GET", "/api/v1/agents/ann", ADMIN, null).json().get("currentCalls").get(0).asText();
      listen(events, callId, lead, ann);

      // Over HTTP: the transfer is taken, and the monitoring ends with it.
      ApiClient.Reply toBack = api.call("POST", "/api/v1/agents/ann/calls/" + callId + "/transfer", ADMIN, "{\"queueId\":\"back\"}");
      assertEquals(202, toBack.status(), String.valueOf(toBack.json()));
      assertEquals("the call was transferred", monitored(events, callId, "ended").reason());
      eventually(Duration.ofSeconds(10), "the supervisor's phone gets BYE", () -> lead.events.contains("BYE"));
      eventually(Duration.ofSeconds(10), "the agent's leg gets BYE", () -> ann.events.contains("BYE"));
      eventually(Duration.ofSeconds(10), "bob's phone rings", () -> bob.events.contains("INVITE"));
      eventually(Duration.ofSeconds(10), "bob took the call", () -> "CONNECTED".equals(call(callId).get("status").asText())
          && "bob".equals(call(callId).get("agentId").asText()));
      assertTrue(call(callId).get("monitoring") == null || call(callId).get("monitoring").isNull(), "nobody monitors the call now");
      assertTrue(heard(bob, "hello from bob", customer), "the caller hears bob");
      assertTrue(heard(customer, "hello bob", bob), "bob hears the caller");

      // Monitored again on bob's leg, then bob's phone REFERs the call on: the same.
      listen(events, callId, lead, bob);
      available("cy");
      assertEquals(202, bob.referIncoming("<sip:cy@127.0.0.1>").getStatusCode());
      assertEquals("the call was transferred", monitored(events, callId, "ended").reason());
      eventually(Duration.ofSeconds(10), "the supervisor's phone gets BYE again", () -> lead.events.contains("BYE"));
      eventually(Duration.ofSeconds(10), "cy took the call", () -> "CONNECTED".equals(call(callId).get("status").asText())
          && "cy".equals(call(callId).get("agentId").asText()));
      assertTrue(heard(cy, "hello from cy", customer), "the caller hears cy");
      assertTrue(heard(customer, "hello cy", cy), "cy hears the caller");
      assertEquals(200, call.hangUp().getStatusCode());
      eventually(Duration.ofSeconds(10), "the record names both transfers and the supervisor",
          () -> {
            for (JsonNode r : api.call("GET", "/api/v1/supervisor/calls", ADMIN, null).json()) {
              if (r.get("callId").asText().equals(callId)) {
                return r.get("transferredFrom").toString().equals("[\"ann\",\"bob\"]") && r.get("monitoredBy").toString().contains("lead");
              }
            }
            return false;
          });
    }
  }
}
