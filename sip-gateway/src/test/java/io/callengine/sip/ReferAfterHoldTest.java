package io.callengine.sip;

import static io.callengine.sip.testing.PhoneChecks.heard;
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
import io.callengine.core.call.CallView;
import io.callengine.core.call.HoldView;
import io.callengine.core.events.CallCenterEvent;
import io.callengine.core.events.CallResumed;
import io.callengine.core.events.CallTransferred;
import io.callengine.core.records.CallRecord;
import io.callengine.core.records.CallRecordFilter;
import io.callengine.core.testing.ManualClock;
import io.callengine.core.testing.TestEngines;
import io.callengine.sip.testing.OutgoingCall;
import io.callengine.sip.testing.TestPhone;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.sip.message.Response;
import org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A phone's usual blind transfer over loopback: the agent's phone holds the call (re-INVITE
 * sendonly) and then REFERs it to a queue. The next agent takes it, is heard and hears the
 * caller, the record counts only the first agent's hold, and the next agent can hold and resume.
 * The engine's clock stands still unless the test moves it, so the hold seconds are exact.
 */
class ReferAfterHoldTest {
  private static final ManualClock clock = new ManualClock(Instant.parse("2026-03-02T10:00:00Z"));
  private static SipTestNode node;
  private static CallCenterEngine engine;

  @BeforeAll
  static void start() throws Exception {
    node = SipTestNode.start("44400-44499", "", clock);
    engine = node.engine();
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  private static TestPhone agent(String id, String queueId) throws Exception {
    engine.admin().createQueue(QueueSpec.of(queueId, queueId).withWrapUpSeconds(120)).toCompletableFuture().get(5, TimeUnit.SECONDS);
    engine.admin().createAgent(AgentSpec.of(id, "sip:" + id + "@127.0.0.1", id, "pw-" + id).withQueues(List.of(queueId)))
        .toCompletableFuture().get(5, TimeUnit.SECONDS);
    TestPhone phone = node.phone(id);
    assertEquals(200, phone.register("pw-" + id, 300, "MD5"));
    engine.agent(id).updateStatus(Presence.AVAILABLE, null).toCompletableFuture().get(5, TimeUnit.SECONDS);
    return phone;
  }

  @Test
  void aPhoneThatHoldsBeforeItsReferHandsOverACallTheNextAgentTalksOnAndHolds() throws Exception {
    TestProbe<CallCenterEvent> events = TestProbe.create(engine.system());
    TestEngines.subscribe(engine, events.ref());
    try (TestPhone first = agent("rh-ann", "rhq"); TestPhone next = agent("rh-bob", "rhq-next");
        TestPhone caller = node.phone("5559001")) {
      OutgoingCall call = caller.call("rhq");
      assertEquals(200, call.awaitFinal().getStatusCode());
      call.useAnswer();
      eventually(Duration.ofSeconds(10), "ann answers", () -> activity("rh-ann") == Activity.ON_CALL);
      String callId = engine.admin().getAgent("rh-ann").toCompletableFuture().get(5, TimeUnit.SECONDS).currentCalls().get(0);
      assertTrue(heard(first, "hello from ann", caller), "the caller hears ann");

      Response held = first.reInviteIncoming("sendonly");
      assertEquals(200, held.getStatusCode());
      assertTrue(new String(held.getRawContent()).contains("a=recvonly"), "the phone's hold is answered recvonly");
      eventually(Duration.ofSeconds(5), "the hold is recorded", () -> view(callId).onHold());
      clock.advance(Duration.ofSeconds(6));

      assertEquals(202, first.referIncoming("<sip:rhq-next@127.0.0.1>").getStatusCode(), "the held call is REFERred: 202");
      assertEquals("SIP/2.0 100 Trying", first.notifies.poll(5, TimeUnit.SECONDS));
      events.fishForMessage(Duration.ofSeconds(5), "the hold ends first",
          e -> e instanceof CallResumed r && r.callId().equals(callId) ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore());
      events.fishForMessage(Duration.ofSeconds(5), "then the transfer",
          e -> e instanceof CallTransferred t && t.callId().equals(callId) && "rh-ann".equals(t.agentId())
              ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore());
      assertEquals("INVITE", next.events.poll(10, TimeUnit.SECONDS), "bob's phone rings");
      eventually(Duration.ofSeconds(10), "the call is connected to bob",
          () -> view(callId).status() == CallStatus.CONNECTED && "rh-bob".equals(view(callId).agentId()));
      assertEquals("SIP/2.0 200 OK", first.notifies.poll(5, TimeUnit.SECONDS), "ann's phone hears the transfer worked");

      assertTrue(heard(next, "hello from bob", caller), "the caller hears bob, not hold music");
      assertTrue(heard(caller, "hello bob", next), "and bob hears the caller");
      clock.advance(Duration.ofSeconds(4)); // after the transfer: no hold runs on
      eventually(Duration.ofSeconds(5), "the record counts ann's 6 s of hold and nothing after", () -> {
        CallRecord r = record(callId);
        return r != null && !r.onHold() && r.holds() == 1 && r.holdSeconds() == 6 && "rh-bob".equals(r.agentId());
      });
      assertFalse(view(callId).onHold(), "the call is not on hold");

      // 200, not 409: the session forgot ann's hold with her leg.
      HoldView bobHolds = engine.agent("rh-bob").hold(callId).toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertTrue(bobHolds.onHold());
      assertTrue(next.reInviteOffers.poll(5, TimeUnit.SECONDS).contains("a=sendonly"), "bob's phone is held with sendonly");
      clock.advance(Duration.ofSeconds(3));
      HoldView bobResumes = engine.agent("rh-bob").resume(callId).toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertFalse(bobResumes.onHold());
      assertEquals(9, bobResumes.holdSeconds(), "ann's 6 s and bob's 3 s");
      assertTrue(heard(next, "bob is back", caller), "the caller hears bob again");

      call.hangUp();
      eventually(Duration.ofSeconds(10), "the ended record has two holds, 9 s", () -> {
        CallRecord r = record(callId);
        return r != null && r.endedAt() != null && r.holds() == 2 && r.holdSeconds() == 9 && !r.onHold();
      });
    }
  }

  private static Activity activity(String agentId) throws Exception {
    return engine.admin().getAgent(agentId).toCompletableFuture().get(5, TimeUnit.SECONDS).activity();
  }

  private static CallView view(String callId) throws Exception {
    return engine.supervisor().call(callId).toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  private static CallRecord record(String callId) throws Exception {
    return engine.callRecords().list(CallRecordFilter.all()).toCompletableFuture()
        .get(5, TimeUnit.SECONDS).stream().filter(r -> r.callId().equals(callId)).findFirst().orElse(null);
  }

}
