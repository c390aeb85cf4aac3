package io.callengine.sip;

import static io.callengine.core.testing.TestEngines.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.callengine.core.agent.Activity;
import io.callengine.core.agent.AgentView;
import io.callengine.core.agent.Presence;
import io.callengine.core.api.AgentSpec;
import io.callengine.core.api.CallCenterEngine;
import io.callengine.core.api.QueueSpec;
import io.callengine.sip.testing.OutgoingCall;
import io.callengine.sip.testing.TestPhone;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Registered agent phones are probed with OPTIONS (every 500 ms here, 1 s to answer): a phone
 * that stops answering is marked unreachable and is not offered the next call, which waits; once
 * it answers again it is reachable and the waiting call rings it. An answer of 480 counts as
 * unreachable too.
 */
class PhoneProbeTest {
  private static SipTestNode node;
  private static CallCenterEngine engine;
  private static TestPhone olga;

  @BeforeAll
  static void start() throws Exception {
    node = SipTestNode.start("41950-41999", "callengine.sip { options-interval = 500ms, options-timeout = 1s }");
    engine = node.engine();
    engine.admin().createQueue(QueueSpec.of("probed", "Probed")).toCompletableFuture().get(5, TimeUnit.SECONDS);
    engine.admin().createAgent(AgentSpec.of("olga", "sip:olga@127.0.0.1", "Olga", "secret-7").withQueues(List.of("probed")))
        .toCompletableFuture().get(5, TimeUnit.SECONDS);
    olga = node.phone("olga");
    assertEquals(200, olga.register("secret-7", 300, "MD5"));
    engine.agent("olga").updateStatus(Presence.AVAILABLE, null).toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    olga.close();
    node.close();
  }

  @Test
  void aPhoneThatStopsAnsweringOptionsIsOfferedNoCallUntilItAnswersAgain() throws Exception {
    eventually(Duration.ofSeconds(5), "the phone is probed", () -> olga.events.contains("OPTIONS"));
    olga.optionsStatus = 0;
    eventually(Duration.ofSeconds(10), "the silent phone is marked unreachable", () -> !olga().reachable());
    assertEquals(Presence.AVAILABLE, olga().presence(), "the agent's own presence is untouched");
    olga.events.clear();
    try (TestPhone customer = node.phone("5559201")) {
      OutgoingCall call = customer.call("probed");
      assertEquals(200, call.awaitFinal().getStatusCode());
      eventually(Duration.ofSeconds(5), "the call waits in line",
          () -> engine.supervisor().stats().toCompletableFuture().get().queuedCalls() == 1);
      assertFalse(olga.events.contains("INVITE"), "the unreachable phone is not rung");
      olga.optionsStatus = 200;
      eventually(Duration.ofSeconds(10), "the phone answering again is reachable", () -> olga().reachable());
      eventually(Duration.ofSeconds(10), "the waiting call now rings it", () -> olga.events.contains("INVITE"));
      eventually(Duration.ofSeconds(5), "and olga takes it", () -> olga().activity() == Activity.ON_CALL);
      assertEquals(200, call.hangUp().getStatusCode());
    }
    olga.optionsStatus = 480;
    eventually(Duration.ofSeconds(10), "a phone answering 480 Temporarily Unavailable is unreachable", () -> !olga().reachable());
    olga.optionsStatus = 200;
    eventually(Duration.ofSeconds(10), "and reachable once it answers 200", () -> olga().reachable());
  }

  private static AgentView olga() throws Exception {
    return engine.admin().getAgent("olga").toCompletableFuture().get(5, TimeUnit.SECONDS);
  }
}
