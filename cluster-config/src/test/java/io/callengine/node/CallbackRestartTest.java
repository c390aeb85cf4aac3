package io.callengine.node;

import static io.callengine.core.testing.TestEngines.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.callengine.core.testing.TestEngines;
import io.callengine.sip.media.ClipFrames;
import io.callengine.sip.media.HoldAudio;
import io.callengine.sip.testing.OutgoingCall;
import io.callengine.sip.testing.TestPhone;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * kill -9 with a callback pending, then a start on the same data directory: the callback is still
 * in line, and once its agent is available the restarted node calls the agent, then the customer
 * (through CALLENGINE_SIP_OUTBOUND_PROXY), and bridges them.
 */
class CallbackRestartTest {
  private static final String ADMIN = "callback-restart-admin-token";

  @Test
  void aPendingCallbackSurvivesACrashAndIsCalledBack() throws Exception {
    Path data = Files.createTempDirectory("callengine-callback-restart");
    Path log = data.resolve("node.log");
    int sipPort = TestEngines.freePort();
    int httpPort = TestEngines.freePort();
    int proxyPort = TestEngines.freePort();
    Map<String, String> env = NodeProcess.loopbackEnv(ADMIN, sipPort, "44200-44299");
    env.put("CALLENGINE_SIP_OUTBOUND_PROXY", "127.0.0.1:" + proxyPort);

    try (TestPhone alice = new TestPhone("alice", TestEngines.freePort(), "127.0.0.1", sipPort);
        TestPhone customer = new TestPhone("5550001", proxyPort, "127.0.0.1", sipPort)) {
      try (NodeProcess first = NodeProcess.start(data, env, httpPort, log)) {
        ApiClient api = first.api;
        ApiClient.Reply bad = api.call("POST", "/api/v1/admin/queues", ADMIN,
            "{\"id\":\"support\",\"callback\":{\"key\":\"0\",\"maxAttempts\":0,\"retryAfterSeconds\":-1}}");
        assertEquals(400, bad.status(), "a key without a spoken number, no attempts and a negative retry: 400 with the fields named");
        assertTrue(bad.json().toString().contains("callback.key") && bad.json().toString().contains("callback.maxAttempts")
            && bad.json().toString().contains("callback.retryAfterSeconds"), bad.json().toString());
        assertEquals(201, api.call("POST", "/api/v1/admin/queues", ADMIN, "{\"id\":\"support\",\"name\":\"Support\","
            + "\"callback\":{\"key\":\"9\",\"offerAfterSeconds\":0,\"maxAttempts\":2,\"retryAfterSeconds\":1}}").status());
        assertEquals(201, api.call("POST", "/api/v1/admin/agents", ADMIN,
            "{\"id\":\"alice\",\"sipUri\":\"sip:alice@127.0.0.1\",\"displayName\":\"Alice\",\"password\":\"pw-alice\","
                + "\"queues\":[\"support\"]}").status());
        assertEquals(200, alice.register("pw-alice", 600, "MD5"));

        OutgoingCall call = customer.call("support");
        assertEquals(200, call.awaitFinal().getStatusCode());
        call.useAnswer();
        hearOffer(customer);
        customer.rtp.sendDtmf('9');
        customer.rtp.sendDtmf('#');
        awaitEvent(customer, "BYE");
        eventually(Duration.ofSeconds(5), "the callback waits", () -> waiting(api) == 1);
        first.kill();
      }
      drain(customer);

      try (NodeProcess second = NodeProcess.start(data, env, httpPort, log)) {
        ApiClient api = second.api;
        eventually(Duration.ofSeconds(15), "the callback is still in line", () -> waiting(api) == 1);
        assertEquals(200, api.call("PUT", "/api/v1/agents/alice/status", ADMIN, "{\"presence\":\"AVAILABLE\"}").status());
        awaitEvent(alice, "INVITE");
        awaitEvent(customer, "INVITE");
        awaitEvent(customer, "ACK"); // answered: its RTP now goes to the callback's port (the test phone notes the INVITE before it reads it)
        assertTrue(customer.rtp.sendUntilHeard("customer-voice", alice.rtp, 100), "alice hears the customer");
        assertTrue(alice.rtp.sendUntilHeard("alice-voice", customer.rtp, 100), "the customer hears alice");
        assertEquals(200, customer.hangUpIncoming().getStatusCode());
        eventually(Duration.ofSeconds(10), "the callback is recorded completed, with alice", () -> {
          JsonNode calls = api.call("GET", "/api/v1/supervisor/calls", ADMIN, null).json();
          return calls.size() == 1 && "COMPLETED".equals(calls.get(0).path("disposition").asText())
              && "alice".equals(calls.get(0).path("agentId").asText());
        });
      }
    }
  }

  private static int waiting(ApiClient api) throws Exception {
    return api.call("GET", "/api/v1/admin/queues/support", ADMIN, null).json().get("waiting").asInt();
  }

  private static void hearOffer(TestPhone caller) throws Exception {
    byte[] offerFrame = ClipFrames.ulaw(HoldAudio.Prompt.CALLBACK_OFFER, 20);
    for (int packets = 0; packets < 1_500; packets++) {
      byte[] packet = caller.rtp.receivePacket(5000);
      if (packet != null && Arrays.equals(Arrays.copyOfRange(packet, 12, packet.length), offerFrame)) return;
    }
    throw new AssertionError("the caller never heard the callback offer");
  }

  private static void drain(TestPhone phone) throws Exception {
    for (int packets = 0; packets < 5_000 && phone.rtp.receivePacket(300) != null; packets++) {
      // nothing is sent after the BYE (or the crash): the loop ends at the first quiet 300 ms
    }
  }

  private static void awaitEvent(TestPhone phone, String event) throws Exception {
    for (int i = 0; i < 20; i++) {
      String next = phone.events.poll(15, TimeUnit.SECONDS);
      if (next == null) break;
      if (next.equals(event)) return;
    }
    throw new AssertionError(event + " never reached the phone");
  }
}
