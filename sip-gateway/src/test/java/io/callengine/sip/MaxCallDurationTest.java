package io.callengine.sip;

import static io.callengine.core.testing.TestEngines.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.callengine.core.agent.Activity;
import io.callengine.core.agent.Presence;
import io.callengine.core.api.AgentSpec;
import io.callengine.core.api.CallCenterEngine;
import io.callengine.core.api.QueueSpec;
import io.callengine.core.call.Disposition;
import io.callengine.core.records.CallRecord;
import io.callengine.core.records.CallRecordFilter;
import io.callengine.sip.testing.OutgoingCall;
import io.callengine.sip.testing.TestPhone;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A call that reaches callengine.sip.max-call-duration (4 s here) is ended by the engine on both legs, and its record says why. */
class MaxCallDurationTest {
  private static SipTestNode node;
  private static CallCenterEngine engine;
  private static TestPhone agent;

  @BeforeAll
  static void start() throws Exception {
    node = SipTestNode.start("41900-41949", "callengine.sip.max-call-duration = 4s");
    engine = node.engine();
    engine.admin().createQueue(QueueSpec.of("long", "Long talks")).toCompletableFuture().get(5, TimeUnit.SECONDS);
    engine.admin().createAgent(AgentSpec.of("max", "sip:max@127.0.0.1", "Max", "secret-9").withQueues(java.util.List.of("long")))
        .toCompletableFuture().get(5, TimeUnit.SECONDS);
    agent = node.phone("max");
    assertEquals(200, agent.register("secret-9", 300, "MD5"));
    engine.agent("max").updateStatus(Presence.AVAILABLE, null).toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    agent.close();
    node.close();
  }

  @Test
  void aCallAtTheMaximumDurationGetsByeOnBothLegs() throws Exception {
    try (TestPhone customer = node.phone("5559101")) {
      OutgoingCall call = customer.call("long");
      assertEquals(200, call.awaitFinal().getStatusCode());
      assertEquals("INVITE", agent.events.poll(10, TimeUnit.SECONDS), "the engine rings the agent");
      eventually(Duration.ofSeconds(5), "the agent is on the call",
          () -> engine.admin().getAgent("max").toCompletableFuture().get().activity() == Activity.ON_CALL);
      eventually(Duration.ofSeconds(15), "the caller gets BYE", () -> customer.events.contains("BYE"));
      eventually(Duration.ofSeconds(5), "the agent gets BYE", () -> agent.events.contains("BYE"));
      eventually(Duration.ofSeconds(10), "the call is recorded", () -> record().isPresent());
      CallRecord record = record().orElseThrow();
      assertEquals(Disposition.COMPLETED, record.disposition(), "a talk cut at the limit is a completed call");
      assertEquals("max-duration: the call reached the limit of 4 s", record.endReason());
      assertEquals("max", record.agentId());
    }
  }

  private static Optional<CallRecord> record() throws Exception {
    return engine.supervisor().calls(CallRecordFilter.all()).toCompletableFuture().get(5, TimeUnit.SECONDS).stream()
        .filter(r -> r.caller().contains("5559101") && r.endReason() != null).findFirst();
  }
}
