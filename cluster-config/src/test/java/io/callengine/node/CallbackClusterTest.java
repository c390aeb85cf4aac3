package io.callengine.node;

import static io.callengine.core.testing.TestEngines.eventually;
import static io.callengine.node.TestCluster.ADMIN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.callengine.core.testing.TestEngines;
import io.callengine.sip.media.ClipFrames;
import io.callengine.sip.media.HoldAudio;
import io.callengine.sip.testing.OutgoingCall;
import io.callengine.sip.testing.TestPhone;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Three nodes: a caller asks for a callback through the node that then crashes; a survivor keeps
 * the callback in line and, once an agent is available, calls the agent and the customer itself.
 */
class CallbackClusterTest {

  @Test
  void aCallbackTakenByANodeThatDiesIsCalledBackByTheSurvivor() throws Exception {
    int proxyPort = TestEngines.freePort();
    try (TestCluster cluster = TestCluster.start(3, 44000, 60, "callengine.sip.outbound-proxy = \"127.0.0.1:" + proxyPort + "\"\n");
        TestPhone alice = new TestPhone("alice", TestEngines.freePort(), "127.0.0.1", cluster.sipPorts.get(1));
        TestPhone customer = new TestPhone("5550001", proxyPort, "127.0.0.1", cluster.sipPorts.get(0))) {
      ApiClient survivor = cluster.apis.get(1);
      assertEquals(201, survivor.call("POST", "/api/v1/admin/queues", ADMIN, "{\"id\":\"support\",\"name\":\"Support\","
          + "\"callback\":{\"key\":\"9\",\"offerAfterSeconds\":0,\"maxAttempts\":2,\"retryAfterSeconds\":1}}").status());
      assertEquals(201, survivor.call("POST", "/api/v1/admin/agents", ADMIN,
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
      drain(customer);
      cluster.crash(0);

      eventually(Duration.ofSeconds(40), "the callback is still in line on a survivor", () -> {
        ApiClient.Reply queue = survivor.call("GET", "/api/v1/admin/queues/support", ADMIN, null);
        return queue.status() == 200 && queue.json().get("waiting").asInt() == 1;
      });
      eventually(Duration.ofSeconds(20), "alice becomes available through the survivor",
          () -> survivor.call("PUT", "/api/v1/agents/alice/status", ADMIN, "{\"presence\":\"AVAILABLE\"}").status() == 200);
      awaitEvent(alice, "INVITE");
      awaitEvent(customer, "INVITE");
      awaitEvent(customer, "ACK"); // answered: its RTP now goes to the callback's port (the test phone notes the INVITE before it reads it)
      assertTrue(customer.rtp.sendUntilHeard("customer-voice", alice.rtp, 100), "alice hears the customer");
      assertTrue(alice.rtp.sendUntilHeard("alice-voice", customer.rtp, 100), "the customer hears alice");
      assertEquals(200, customer.hangUpIncoming().getStatusCode());
      eventually(Duration.ofSeconds(10), "the callback is recorded completed, with alice", () -> {
        JsonNode calls = survivor.call("GET", "/api/v1/supervisor/calls", ADMIN, null).json();
        return calls.size() == 1 && "COMPLETED".equals(calls.get(0).path("disposition").asText())
            && "alice".equals(calls.get(0).path("agentId").asText()) && calls.get(0).path("callbackAttempts").asInt() == 1;
      });
    }
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
      // nothing is sent after the BYE: the loop ends at the first quiet 300 ms
    }
  }

  private static void awaitEvent(TestPhone phone, String event) throws Exception {
    for (int i = 0; i < 20; i++) {
      String next = phone.events.poll(20, TimeUnit.SECONDS);
      if (next == null) break;
      if (next.equals(event)) return;
    }
    throw new AssertionError(event + " never reached the phone");
  }
}
