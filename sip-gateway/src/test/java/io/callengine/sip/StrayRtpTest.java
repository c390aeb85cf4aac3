package io.callengine.sip;

import static io.callengine.sip.testing.PhoneChecks.heard;
import static io.callengine.core.testing.TestEngines.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callengine.core.agent.Activity;
import io.callengine.core.agent.Presence;
import io.callengine.core.api.AgentSpec;
import io.callengine.core.api.CallCenterEngine;
import io.callengine.core.api.QueueSpec;
import io.callengine.sip.testing.OutgoingCall;
import io.callengine.sip.testing.RtpPeer;
import io.callengine.sip.testing.TestPhone;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A stray sender on the caller's host (loopback, another port: the last call's phone still
 * talking to a port the engine has just handed out again) hits the new call's RTP port before
 * the caller's phone sends anything. The caller's phone, sending from the address its SDP
 * announced, takes the port over: caller and agent hear each other, and the stray is heard by
 * nobody from then on.
 */
class StrayRtpTest {
  private static SipTestNode node;
  private static CallCenterEngine engine;

  @BeforeAll
  static void start() throws Exception {
    node = SipTestNode.start("45300-45399", "");
    engine = node.engine();
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  /**
   * Whether {@code listener} hears {@code payload} from {@code speaker} within 10 s: the hold music
   * queued at the listener's socket before the bridge is read past, so only the payload counts.
   */
  @Test
  void aStraySenderFirstDoesNotKeepTheCallersMedia() throws Exception {
    engine.admin().createQueue(QueueSpec.of("stray-q", "stray-q")).toCompletableFuture().get(5, TimeUnit.SECONDS);
    engine.admin().createAgent(AgentSpec.of("stray-ann", "sip:stray-ann@127.0.0.1", "Ann", "secret-ann").withQueues(List.of("stray-q")))
        .toCompletableFuture().get(5, TimeUnit.SECONDS);
    try (TestPhone agent = node.phone("stray-ann"); TestPhone caller = node.phone("5557001"); RtpPeer stray = new RtpPeer()) {
      assertEquals(200, agent.register("secret-ann", 300, "MD5"));
      agent.answerDelayMillis = 1500; // the stray's packets arrive while the caller waits
      engine.agent("stray-ann").updateStatus(Presence.AVAILABLE, null).toCompletableFuture().get(5, TimeUnit.SECONDS);
      OutgoingCall call = caller.call("stray-q");
      assertEquals(200, call.awaitFinal().getStatusCode());
      call.useAnswer();
      assertNotEquals(caller.rtp.port(), stray.port(), "the stray sends from another port of the caller's host");
      stray.remote(caller.rtp.remote().getHostString(), caller.rtp.remote().getPort());
      for (int i = 0; i < 5; i++) stray.send("stray");
      assertTrue(stray.receivePacket(2000) != null, "the stray took the port first: the hold music goes to it");

      assertEquals("INVITE", agent.events.poll(10, TimeUnit.SECONDS), "the agent's phone rings");
      eventually(Duration.ofSeconds(10), "the agent is on the call",
          () -> engine.admin().getAgent("stray-ann").toCompletableFuture().get(5, TimeUnit.SECONDS).activity() == Activity.ON_CALL);
      assertTrue(heard(caller, "the caller speaks", agent), "the agent hears the caller");
      assertTrue(heard(agent, "the agent speaks", caller), "the caller hears the agent");
      for (int i = 0; i < 5; i++) stray.send("stray");
      assertTrue(heard(caller, "the caller again", agent), "the caller is still heard");
      for (int i = 0; i < 50; i++) {
        String heard = agent.rtp.receive(50);
        if (heard == null) break;
        assertNotEquals("stray", heard, "the agent never hears the stray once the caller spoke");
      }
      call.hangUp();
    }
  }
}
