package io.callengine.sip;

import static io.callengine.core.testing.TestEngines.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callengine.core.agent.Activity;
import io.callengine.core.agent.Presence;
import io.callengine.core.api.AgentSpec;
import io.callengine.core.api.CallCenterEngine;
import io.callengine.core.api.QueueSpec;
import io.callengine.core.call.CallStatus;
import io.callengine.core.call.Disposition;
import io.callengine.core.records.CallRecord;
import io.callengine.core.records.CallRecordFilter;
import io.callengine.sip.testing.OutgoingCall;
import io.callengine.sip.testing.TestPhone;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import javax.sip.message.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A customer whose phone holds the engine (re-INVITE sendonly) and then sends no RTP is held to
 * the on-hold no-RTP limit: a connected caller who goes silent without holding is ended first.
 */
class CustomerHoldTest {
  private static SipTestNode node;
  private static CallCenterEngine engine;

  @BeforeAll
  static void start() throws Exception {
    node = SipTestNode.start("43080-43099",
        "callengine.media { quality-interval = 500ms, no-rtp-timeout = 6s, no-rtp-timeout-on-hold = 60s }");
    engine = node.engine();
    for (String agent : List.of("cora", "cole")) {
      engine.admin().createQueue(QueueSpec.of("q-" + agent, "q-" + agent)).toCompletableFuture().get(5, TimeUnit.SECONDS);
      engine.admin().createAgent(AgentSpec.of(agent, "sip:" + agent + "@127.0.0.1", agent, "pw-" + agent)
          .withQueues(List.of("q-" + agent))).toCompletableFuture().get(5, TimeUnit.SECONDS);
    }
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  @Test
  void aCustomerHoldingTheEngineIsNotEndedForItsSilence() throws Exception {
    try (TestPhone cora = node.phone("cora"); TestPhone holder = node.phone("5557101");
        TestPhone cole = node.phone("cole"); TestPhone quiet = node.phone("5557102")) {
      OutgoingCall held = connect("cora", cora, holder);
      holder.rtp.send("last words before hold");
      Response sendonly = held.reInvite("sendonly");
      assertEquals(200, sendonly.getStatusCode());
      assertTrue(new String(sendonly.getRawContent(), StandardCharsets.UTF_8).contains("a=recvonly"));

      // A second caller, connected after the first went quiet on hold, goes quiet without holding.
      connect("cole", cole, quiet);
      quiet.rtp.send("last words");
      eventually(Duration.ofSeconds(15), "the silent caller who did not hold is ended", () -> records("5557102").stream()
          .anyMatch(r -> r.disposition() == Disposition.FAILED && r.endReason().startsWith("media-timeout")));
      assertEquals(CallStatus.CONNECTED, await(engine.supervisor().call(record("5557101").callId())).status(),
          "the caller on hold, silent for longer, is still connected");
      assertFalse(holder.events.contains("BYE"));
      held.hangUp();
    }
  }

  private static OutgoingCall connect(String agentId, TestPhone agent, TestPhone customer) throws Exception {
    assertEquals(200, agent.register("pw-" + agentId, 300, "MD5"));
    engine.agent(agentId).updateStatus(Presence.AVAILABLE, null).toCompletableFuture().get(5, TimeUnit.SECONDS);
    OutgoingCall call = customer.call("q-" + agentId);
    assertEquals(200, call.awaitFinal().getStatusCode());
    call.useAnswer();
    customer.rtp.send("hello");
    eventually(Duration.ofSeconds(10), agentId + " answers",
        () -> await(engine.admin().getAgent(agentId)).activity() == Activity.ON_CALL);
    return call;
  }

  private static CallRecord record(String caller) throws Exception {
    return records(caller).stream().findFirst().orElseThrow();
  }

  private static List<CallRecord> records(String caller) throws Exception {
    return await(engine.supervisor().calls(CallRecordFilter.all())).stream()
        .filter(r -> r.caller().contains(":" + caller + "@")).toList();
  }

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(5, TimeUnit.SECONDS);
  }
}
