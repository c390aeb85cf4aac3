package io.callengine.sip;

import static io.callengine.core.testing.TestEngines.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callengine.core.agent.Activity;
import io.callengine.core.agent.Presence;
import io.callengine.core.api.AgentSpec;
import io.callengine.core.api.CallCenterEngine;
import io.callengine.core.api.QueueSpec;
import io.callengine.sip.testing.OutgoingCall;
import io.callengine.sip.testing.TestPhone;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** An agent whose phone answers busy or never answers is released, and the caller goes to the next agent. */
class ReofferTest {
  private static SipTestNode node;
  private static CallCenterEngine engine;
  private static int sipPort;
  private static SipService sip;

  @BeforeAll
  static void start() throws Exception {
    node = SipTestNode.start("34000-34999", "");
    engine = node.engine();
    sipPort = node.port();
    sip = node.sip();
    engine.admin().createQueue(QueueSpec.of("sales", "Sales").withRingTimeoutSeconds(2)).toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  private static TestPhone agent(String id, TestPhone.Answer answer) throws Exception {
    engine.admin().createAgent(AgentSpec.of(id, "sip:" + id + "@127.0.0.1", id, "pw-" + id)).toCompletableFuture().get(5, TimeUnit.SECONDS);
    TestPhone phone = node.phone(id);
    phone.answer = answer;
    assertEquals(200, phone.register("pw-" + id, 300, "MD5"));
    engine.agent(id).updateStatus(Presence.AVAILABLE, null).toCompletableFuture().get(5, TimeUnit.SECONDS);
    return phone;
  }

  @Test
  void busyAndSilentPhonesAreSkippedAndTheCallerReachesTheNextAgent() throws Exception {
    try (TestPhone anna = agent("anna", TestPhone.Answer.BUSY);
        TestPhone boris = agent("boris", TestPhone.Answer.NEVER);
        TestPhone carla = agent("carla", TestPhone.Answer.ANSWER);
        TestPhone customer = node.phone("5557777")) {
      OutgoingCall call = customer.call("sales");
      assertEquals(200, call.awaitFinal().getStatusCode());
      eventually(Duration.ofSeconds(15), "carla takes the call after anna's busy and boris's silence",
          () -> engine.admin().getAgent("carla").toCompletableFuture().get().activity() == Activity.ON_CALL);
      assertTrue(anna.events.contains("INVITE") && boris.events.contains("INVITE"), "both were rung first");
      assertTrue(boris.events.contains("CANCEL"), "the silent phone's ringing is cancelled at the ring timeout");
      for (String id : new String[] {"anna", "boris"}) {
        assertEquals(Activity.IDLE, engine.admin().getAgent(id).toCompletableFuture().get().activity(), id + " is released");
      }
      assertEquals(200, call.hangUp().getStatusCode());
      eventually(Duration.ofSeconds(5), "the RTP ports of all four agent legs and the customer leg are back",
          () -> sip.rtpPortsInUse() == 0);
    }
  }
}
