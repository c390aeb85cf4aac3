package io.callengine.sip;

import static io.callengine.core.testing.TestEngines.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callengine.core.agent.Activity;
import io.callengine.core.agent.Presence;
import io.callengine.core.api.AgentSpec;
import io.callengine.core.api.CallCenterEngine;
import io.callengine.core.api.QueueSpec;
import io.callengine.sip.testing.OutgoingCall;
import io.callengine.sip.testing.TestPhone;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.sip.header.RetryAfterHeader;
import javax.sip.message.Response;
import org.apache.pekko.Done;
import org.junit.jupiter.api.Test;

/**
 * A stopping node over real SIP sockets, in this JVM: Pekko's coordinated shutdown (what SIGTERM
 * runs) turns the node not ready at once, so new INVITEs, REGISTERs and the dispatchers' OPTIONS
 * get 503 with Retry-After while the call already up carries on; when that call ends the stop goes
 * on at once, not after the drain limit. The hang-up at the limit is cluster-config's
 * DrainOnSigtermTest, on a node process stopped with SIGTERM.
 */
class DrainTest {

  @Test
  void aStoppingNodeRefusesWhatIsNewKeepsItsCallAndStopsOnceTheCallEnds() throws Exception {
    SipTestNode node = SipTestNode.start("39200-39299", "callengine.sip { drain-timeout = 60s, retry-after = 7s }");
    CallCenterEngine engine = node.engine();
    try (TestPhone alice = node.phone("alice");
        TestPhone customer = node.phone("5557001");
        TestPhone late = node.phone("5557002")) {
      engine.admin().createQueue(QueueSpec.of("support", "Support")).toCompletableFuture().get(5, TimeUnit.SECONDS);
      engine.admin().createAgent(AgentSpec.of("alice", "sip:alice@127.0.0.1", "Alice", "secret-1")).toCompletableFuture().get(5, TimeUnit.SECONDS);
      assertEquals(200, alice.register("secret-1", 300, "MD5"));
      engine.agent("alice").updateStatus(Presence.AVAILABLE, null).toCompletableFuture().get(5, TimeUnit.SECONDS);
      assertEquals(200, late.options().getStatusCode(), "a ready node answers the dispatcher's OPTIONS with 200");

      OutgoingCall call = customer.call("support");
      assertEquals(200, call.awaitFinal().getStatusCode());
      assertEquals("INVITE", alice.events.poll(10, TimeUnit.SECONDS));
      eventually(Duration.ofSeconds(5), "alice is on the call",
          () -> engine.admin().getAgent("alice").toCompletableFuture().get().activity() == Activity.ON_CALL);

      CompletableFuture<Done> stopped = engine.shutdown().toCompletableFuture();
      eventually(Duration.ofSeconds(5), "the node is draining", () -> engine.node().draining());
      assertFalse(engine.ready());
      assertTrue(engine.health().warnings().contains("draining: this node is stopping and takes no new calls"),
          "the health report says why: " + engine.health().warnings());

      assertNotReady(late.call("support").awaitFinal(), "a new INVITE");
      assertNotReady(late.registerOnce(300, null), "a REGISTER");
      assertNotReady(late.options(), "the dispatcher's OPTIONS");
      assertFalse(customer.events.contains("BYE"), "the call that was up is not cut");
      assertFalse(stopped.isDone(), "the stop waits for the call");

      assertEquals(200, call.hangUp().getStatusCode(), "a request inside the call still works");
      assertEquals("ACK", alice.events.poll(5, TimeUnit.SECONDS));
      assertEquals("BYE", alice.events.poll(5, TimeUnit.SECONDS), "the agent's leg is hung up as usual");
      stopped.get(30, TimeUnit.SECONDS); // far less than the 60 s limit: the stop went on once the call was over
    } finally {
      node.engine().shutdown().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  private static void assertNotReady(Response response, String what) {
    assertEquals(503, response.getStatusCode(), what + " gets 503 while the node drains");
    RetryAfterHeader retryAfter = (RetryAfterHeader) response.getHeader(RetryAfterHeader.NAME);
    assertNotNull(retryAfter, what + ": 503 with Retry-After");
    assertEquals(7, retryAfter.getRetryAfter(), what + ": Retry-After is callengine.sip.retry-after");
  }
}
