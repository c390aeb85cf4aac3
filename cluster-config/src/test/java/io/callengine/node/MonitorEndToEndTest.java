package io.callengine.node;

import static io.callengine.sip.testing.ThreeVoices.talk;
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
import io.callengine.sip.testing.ThreeVoices;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A supervisor's listen, whisper and barge through the whole node: HTTP to start, switch and end
 * the monitoring, SIP to the supervisor's registered phone, and the audio checked by content. The
 * customer's phone sends tone A (1 kHz), the agent's tone B (500 Hz), the supervisor's tone C
 * (300 Hz); each phone's received audio is measured for each tone: what the customer, the agent
 * and the supervisor heard, in that order.
 */
class MonitorEndToEndTest {
  private static final String ADMIN = "monitor-admin-token";
  private static final double A = ThreeVoices.FIRST;
  private static final double B = ThreeVoices.SECOND;
  private static final double C = ThreeVoices.THIRD;
  private static Node node;
  private static ApiClient api;
  private static int sipPort;
  private static String supervisorToken;
  private static String aliceToken;

  @BeforeAll
  static void start() throws Exception {
    sipPort = TestEngines.freePort();
    int httpPort = TestEngines.freePort();
    Path data = Files.createTempDirectory("callengine-monitor");
    node = Node.start(NodeConfig.load(ConfigFactory.parseString(String.format("""
        callengine.data-dir = "%s"
        callengine.admin-token = "%s"
        callengine.sip { host = 127.0.0.1, port = %d, rtp-ports = "43800-43899", options-interval = 0 }
        callengine.sip.security.trusted-sources = "127.0.0.1"
        callengine.media.first-rtp-timeout = 10m
        callengine.http { host = 127.0.0.1, port = %d }
        pekko.remote.artery.canonical.port = 0
        pekko.coordinated-shutdown.exit-jvm = off
        pekko.actor.serialize-messages = on
        """, data, ADMIN, sipPort, httpPort))));
    api = new ApiClient(httpPort);
    assertEquals(201, api.call("POST", "/api/v1/admin/queues", ADMIN, "{\"id\":\"care\",\"name\":\"Care\",\"wrapUpSeconds\":1}").status());
    assertEquals(201, api.call("POST", "/api/v1/admin/agents", ADMIN, """
        {"id":"alice","sipUri":"sip:alice@127.0.0.1","displayName":"Alice","password":"alice-pw","queues":["care"]}""").status());
    // The supervisor's phone: an account with SIP credentials like an agent's, in no queue.
    assertEquals(201, api.call("POST", "/api/v1/admin/agents", ADMIN, """
        {"id":"lead-phone","sipUri":"sip:lead@127.0.0.1","displayName":"Lead's phone","password":"lead-pw"}""").status());
    assertEquals(201, api.call("POST", "/api/v1/admin/agents", ADMIN, """
        {"id":"idle-phone","sipUri":"sip:idle@127.0.0.1","displayName":"Never registered","password":"idle-pw"}""").status());
    supervisorToken = api.call("POST", "/api/v1/admin/tokens", ADMIN, "{\"role\":\"supervisor\",\"label\":\"lead\"}").json().get("token").asText();
    aliceToken = api.call("POST", "/api/v1/admin/tokens", ADMIN, "{\"role\":\"agent\",\"agentId\":\"alice\"}").json().get("token").asText();
  }

  @AfterAll
  static void stop() throws Exception {
    node.stop();
  }

  @Test
  void listenWhisperBargeAndTheirEnds() throws Exception {
    TestProbe<CallCenterEvent> events = TestProbe.create(node.engine().system());
    TestEngines.subscribe(node.engine(), events.ref());
    try (TestPhone alice = phone("alice"); TestPhone lead = phone("lead"); TestPhone customer = phone("5550101")) {
      assertEquals(200, alice.register("alice-pw", 600, "MD5"));
      assertEquals(200, lead.register("lead-pw", 600, "MD5"));
      assertEquals(200, api.call("PUT", "/api/v1/agents/alice/status", aliceToken, "{\"presence\":\"AVAILABLE\"}").status());
      String callId = connect(customer, alice);

      // Bad inputs, each with its status.
      assertEquals(403, monitor(aliceToken, callId, "{\"mode\":\"listen\",\"phone\":\"lead-phone\"}").status(), "an agent token");
      assertEquals(404, monitor(supervisorToken, "no-such-call", "{\"mode\":\"listen\",\"phone\":\"lead-phone\"}").status(), "an unknown call");
      assertEquals(404, monitor(supervisorToken, callId, "{\"mode\":\"listen\",\"phone\":\"idle-phone\"}").status(), "a phone not registered");
      assertEquals(404, monitor(supervisorToken, callId, "{\"mode\":\"listen\",\"phone\":\"nobody\"}").status(), "an unknown phone account");
      ApiClient.Reply badMode = monitor(supervisorToken, callId, "{\"mode\":\"shout\",\"phone\":\"lead-phone\"}");
      assertEquals(400, badMode.status(), "an unknown mode");
      assertEquals("mode", badMode.json().get("errors").get(0).get("field").asText());
      assertEquals(400, monitor(supervisorToken, callId, "{\"mode\":\"listen\"}").status(), "no phone");
      assertEquals(400, monitor(supervisorToken, callId, "{\"mode\":\"listen\",\"phone\":\"lead-phone\",\"volume\":3}").status(), "an unknown field");
      assertEquals(409, api.call("PUT", path(callId), supervisorToken, "{\"mode\":\"barge\"}").status(), "a switch with nobody monitoring");
      assertEquals(409, api.call("DELETE", path(callId), supervisorToken, null).status(), "an end with nobody monitoring");

      // LISTEN, by the phone's SIP address: the supervisor hears both, nobody hears him.
      ApiClient.Reply started = monitor(supervisorToken, callId, "{\"mode\":\"listen\",\"sipUri\":\"sip:lead@127.0.0.1\"}");
      assertEquals(201, started.status(), String.valueOf(started.json()));
      assertEquals("lead", started.json().get("supervisor").asText());
      assertEquals("lead-phone", started.json().get("phone").asText());
      assertEquals("INVITE", lead.events.poll(10, TimeUnit.SECONDS), "the engine calls the supervisor's phone");
      assertEquals(409, monitor(supervisorToken, callId, "{\"mode\":\"barge\",\"phone\":\"lead-phone\"}").status(), "one monitoring per call");
      assertEquals("started", monitored(events).change());
      talk(customer, alice, lead).expect("listen", Set.of(B), Set.of(A), Set.of(A, B));
      assertEquals("listen", api.call("GET", "/api/v1/supervisor/calls/" + callId, supervisorToken, null).json()
          .get("monitoring").get("mode").asText().toLowerCase(), "the call shows who monitors it");

      // WHISPER: the agent hears customer and supervisor, the customer only the agent.
      assertEquals(200, api.call("PUT", path(callId), supervisorToken, "{\"mode\":\"whisper\"}").status());
      assertEquals("whisper", monitored(events).mode());
      talk(customer, alice, lead).expect("whisper", Set.of(B), Set.of(A, C), Set.of(A, B));

      // BARGE: everyone hears the other two.
      assertEquals(200, api.call("PUT", path(callId), supervisorToken, "{\"mode\":\"barge\"}").status());
      assertEquals("barge", monitored(events).mode());
      talk(customer, alice, lead).expect("barge", Set.of(B, C), Set.of(A, C), Set.of(A, B));

      // The supervisor hangs up: the call goes on, with its direct audio back.
      assertEquals(200, lead.hangUpIncoming().getStatusCode());
      CallMonitored ended = fishEnded(events);
      assertEquals("the supervisor hung up", ended.reason());
      assertTrue(api.call("GET", "/api/v1/supervisor/calls/" + callId, supervisorToken, null).json().get("monitoring") == null);
      talk(customer, alice, lead).expect("after the supervisor left", Set.of(B), Set.of(A), Set.<Double>of());
      assertEquals("CONNECTED", api.call("GET", "/api/v1/supervisor/calls/" + callId, supervisorToken, null).json().get("status").asText());

      // Monitored again, ended by the API: BYE to the supervisor's phone.
      assertEquals(201, monitor(supervisorToken, callId, "{\"mode\":\"listen\",\"phone\":\"lead-phone\"}").status());
      eventually(Duration.ofSeconds(10), "the supervisor's phone rings again", () -> lead.events.contains("INVITE"));
      assertEquals("started", monitored(events).change());
      lead.events.clear();
      assertEquals(204, api.call("DELETE", path(callId), supervisorToken, null).status());
      eventually(Duration.ofSeconds(10), "the supervisor's phone gets BYE", () -> lead.events.contains("BYE"));
      assertEquals("ended by lead", fishEnded(events).reason());

      // A supervisor's phone that is busy: the monitoring ends at once, with the phone's answer as the reason.
      lead.answer = TestPhone.Answer.BUSY;
      assertEquals(201, monitor(supervisorToken, callId, "{\"mode\":\"listen\",\"phone\":\"lead-phone\"}").status());
      assertEquals("the supervisor's phone answered 486", fishEnded(events).reason());
      lead.answer = TestPhone.Answer.ANSWER;

      // Monitored once more, then the call ends: the supervisor's phone gets BYE too.
      lead.events.clear();
      assertEquals(201, monitor(supervisorToken, callId, "{\"mode\":\"barge\",\"phone\":\"lead-phone\"}").status());
      eventually(Duration.ofSeconds(10), "the supervisor's phone rings again", () -> lead.events.contains("INVITE"));
      talk(customer, alice, lead).expect("barge again", Set.of(B, C), Set.of(A, C), Set.of(A, B));
      customer.events.clear();
      assertEquals(200, alice.hangUpIncoming().getStatusCode(), "the agent ends the call");
      eventually(Duration.ofSeconds(10), "the supervisor's phone gets BYE with the call", () -> lead.events.contains("BYE"));
      assertEquals("the call ended", fishEnded(events).reason());
      assertEquals(409, monitor(supervisorToken, callId, "{\"mode\":\"listen\",\"phone\":\"lead-phone\"}").status(), "an ended call");
      eventually(Duration.ofSeconds(10), "the call's record says who monitored it, once", () ->
          api.call("GET", "/api/v1/supervisor/calls?limit=10", supervisorToken, null).json().get(0).get("monitoredBy").toString().equals("[\"lead\"]"));
      assertEquals("[]", api.call("GET", "/api/v1/agents/alice/calls", aliceToken, null).json().get(0).get("monitoredBy").toString(),
          "the agent's own records do not say");
    }
  }

  private static TestPhone phone(String user) throws Exception {
    return new TestPhone(user, TestEngines.freePort(), "127.0.0.1", sipPort);
  }

  private static String path(String callId) {
    return "/api/v1/supervisor/calls/" + callId + "/monitor";
  }

  private static ApiClient.Reply monitor(String token, String callId, String body) throws Exception {
    return api.call("POST", path(callId), token, body);
  }

  /** The customer calls, alice answers; the id of the connected call. */
  private static String connect(TestPhone customer, TestPhone alice) throws Exception {
    OutgoingCall call = customer.call("care");
    assertEquals(200, call.awaitFinal().getStatusCode());
    call.useAnswer();
    assertEquals("INVITE", alice.events.poll(10, TimeUnit.SECONDS));
    assertTrue(customer.rtp.sendUntilHeard("hello", alice.rtp, 50), "bridged");
    JsonNode agent = api.call("GET", "/api/v1/agents/alice", aliceToken, null).json();
    return agent.get("currentCalls").get(0).asText();
  }

  private static CallMonitored monitored(TestProbe<CallCenterEvent> events) {
    return (CallMonitored) events.fishForMessage(Duration.ofSeconds(10), e -> e instanceof CallMonitored
        ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore()).get(0);
  }

  private static CallMonitored fishEnded(TestProbe<CallCenterEvent> events) {
    return (CallMonitored) events.fishForMessage(Duration.ofSeconds(10), e -> e instanceof CallMonitored m && m.change().equals("ended")
        ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore()).get(0);
  }
}
