package io.callengine.node;

import static io.callengine.core.testing.TestEngines.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import io.callengine.core.testing.TestEngines;
import io.callengine.sip.media.HoldMusicFrames;
import io.callengine.sip.testing.OutgoingCall;
import io.callengine.sip.testing.TestPhone;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Hold and resume through the HTTP API of a whole node: the agent's phone is re-INVITEd, the
 * customer hears the hold music (checked by content) and then the agent again; bad requests get
 * their status.
 */
class HoldApiTest {
  private static final String ADMIN = "hold-admin-token";
  private static Node node;
  private static ApiClient api;
  private static int sipPort;

  @BeforeAll
  static void start() throws Exception {
    sipPort = TestEngines.freePort();
    int httpPort = TestEngines.freePort();
    Path data = Files.createTempDirectory("callengine-hold");
    node = Node.start(NodeConfig.load(ConfigFactory.parseString(String.format("""
        callengine.data-dir = "%s"
        callengine.admin-token = "%s"
        callengine.sip { host = 127.0.0.1, port = %d, rtp-ports = "43100-43199" }
        callengine.sip.security.trusted-sources = "127.0.0.1"
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
  void theAgentHoldsAndResumesItsCallOverHttp() throws Exception {
    eventually(Duration.ofSeconds(20), "the node is ready", () -> api.statusOf("/health/ready") == 200);
    assertEquals(201, api.call("POST", "/api/v1/admin/queues", ADMIN, "{\"id\":\"care\",\"name\":\"Care\"}").status());
    for (String agent : new String[] {"ava", "ben"}) {
      assertEquals(201, api.call("POST", "/api/v1/admin/agents", ADMIN, String.format("""
          {"id":"%s","sipUri":"sip:%s@127.0.0.1","displayName":"%s","password":"pw-%s","queues":["care"]}""",
          agent, agent, agent, agent)).status());
    }
    String ava = token("{\"role\":\"agent\",\"agentId\":\"ava\"}");
    String ben = token("{\"role\":\"agent\",\"agentId\":\"ben\"}");
    String supervisor = token("{\"role\":\"supervisor\"}");

    try (TestPhone phone = new TestPhone("ava", TestEngines.freePort(), "127.0.0.1", sipPort);
        TestPhone customer = new TestPhone("5559001", TestEngines.freePort(), "127.0.0.1", sipPort)) {
      assertEquals(200, phone.register("pw-ava", 600, "MD5"));
      assertEquals(200, api.call("PUT", "/api/v1/agents/ava/status", ava, "{\"presence\":\"AVAILABLE\"}").status());
      OutgoingCall call = customer.call("care");
      assertEquals(200, call.awaitFinal().getStatusCode());
      call.useAnswer();
      assertEquals("INVITE", phone.events.poll(10, TimeUnit.SECONDS));
      eventually(Duration.ofSeconds(10), "ava answers", () ->
          api.call("GET", "/api/v1/agents/ava", ava, null).json().get("activity").asText().equals("ON_CALL"));
      assertTrue(phone.rtp.sendUntilHeard("ava speaks", customer.rtp, 300));
      String callId = callOf("ava");
      String hold = "/api/v1/agents/ava/calls/" + callId + "/hold";
      String resume = "/api/v1/agents/ava/calls/" + callId + "/resume";

      assertEquals(403, api.call("POST", hold, supervisor, null).status(), "a supervisor may not hold an agent's call");
      assertEquals(403, api.call("POST", hold, ben, null).status(), "another agent's token");
      assertEquals(404, api.call("POST", "/api/v1/agents/ava/calls/no-such-call/hold", ava, null).status(), "an unknown call");
      assertEquals(404, api.call("POST", "/api/v1/agents/ben/calls/" + callId + "/hold", ben, null).status(), "a call not ben's");
      assertEquals(409, api.call("POST", resume, ava, null).status(), "resuming a call not on hold");

      ApiClient.Reply held = api.call("POST", hold, ava, null);
      assertEquals(200, held.status());
      assertEquals(callId, held.json().get("callId").asText());
      assertTrue(held.json().get("onHold").asBoolean());
      String offer = phone.reInviteOffers.poll(5, TimeUnit.SECONDS);
      assertNotNull(offer, "the agent's phone is re-INVITEd");
      assertTrue(offer.contains("a=sendonly"), offer);
      assertHearsHoldMusic(phone, customer);
      eventually(Duration.ofSeconds(5), "ava's call records show the call on hold", () ->
          api.call("GET", "/api/v1/agents/ava/calls", ava, null).json().get(0).get("onHold").asBoolean());
      assertEquals(409, api.call("POST", hold, ava, null).status(), "holding twice");

      ApiClient.Reply resumed = api.call("POST", resume, ADMIN, null);
      assertEquals(200, resumed.status(), "an admin may resume it");
      assertEquals(false, resumed.json().get("onHold").asBoolean());
      String back = phone.reInviteOffers.poll(5, TimeUnit.SECONDS);
      assertNotNull(back);
      assertTrue(back.contains("a=sendrecv"), back);
      assertTrue(phone.rtp.sendUntilHeard("ava is back", customer.rtp, 300), "the customer hears the agent again");

      call.hangUp();
      eventually(Duration.ofSeconds(5), "the call's record shows one hold", () -> {
        JsonNode calls = api.call("GET", "/api/v1/agents/ava/calls", ava, null).json();
        return calls.size() == 1 && calls.get(0).get("holds").asInt() == 1 && calls.get(0).has("holdSeconds")
            && calls.get(0).hasNonNull("endedAt");
      });
      assertEquals(409, api.call("POST", hold, ava, null).status(), "a call no longer connected");
    }
  }

  private static String token(String body) throws Exception {
    return api.call("POST", "/api/v1/admin/tokens", ADMIN, body).json().get("token").asText();
  }

  private static String callOf(String agentId) throws Exception {
    String[] id = new String[1];
    eventually(Duration.ofSeconds(5), "the call's record names " + agentId, () -> {
      JsonNode calls = api.call("GET", "/api/v1/supervisor/calls", ADMIN, null).json();
      for (JsonNode call : calls) {
        if (call.hasNonNull("agentId") && call.get("agentId").asText().equals(agentId)) id[0] = call.get("callId").asText();
      }
      return id[0] != null;
    });
    return id[0];
  }

  /** 50 frames of the hold music in a row while the agent keeps talking, and nothing of the agent's once it started. */
  private static void assertHearsHoldMusic(TestPhone agent, TestPhone customer) throws Exception {
    Set<String> music = HoldMusicFrames.pcmu();
    int musicInARow = 0;
    for (int packets = 0; packets < 500 && musicInARow < 50; packets++) {
      agent.rtp.send("ava talking");
      byte[] packet = customer.rtp.receivePacket(2000);
      assertNotNull(packet, "the customer hears something on hold");
      if (music.contains(HexFormat.of().formatHex(Arrays.copyOfRange(packet, 12, packet.length)))) musicInARow++;
      else assertEquals(0, musicInARow, "once the music plays nothing else reaches the customer");
    }
    assertEquals(50, musicInARow, "the customer hears the hold music");
  }
}
