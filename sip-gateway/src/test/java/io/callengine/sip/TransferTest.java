package io.callengine.sip;

import static io.callengine.sip.testing.PhoneChecks.got;
import static io.callengine.sip.testing.PhoneChecks.heard;
import static io.callengine.core.testing.TestEngines.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callengine.core.Refusal;
import io.callengine.core.agent.Activity;
import io.callengine.core.agent.Presence;
import io.callengine.core.api.AgentSpec;
import io.callengine.core.api.CallCenterEngine;
import io.callengine.core.call.CallStatus;
import io.callengine.core.call.CallView;
import io.callengine.core.call.Disposition;
import io.callengine.core.call.TransferTarget;
import io.callengine.core.events.CallCenterEvent;
import io.callengine.core.queue.WaitingCall;
import io.callengine.core.records.CallRecord;
import io.callengine.sip.testing.OutgoingCall;
import io.callengine.sip.testing.TestPhone;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Blind transfers over loopback SIP: an agent's phone answers a caller, the agent hands the call
 * to a queue, another agent or an allowed outside phone (through the engine's API or its phone's
 * REFER), and the caller is heard by whoever takes it; a target that does not answer gives the
 * call back to the agent.
 */
class TransferTest {
  private static SipTestNode node;
  private static CallCenterEngine engine;
  private static final List<TestPhone> phones = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    node = SipTestNode.start("43200-43399",
        "callengine.transfer { allowed-destinations = [\"sip:partner@127.0.0.1:*\"], ring-timeout = 3s }\n");
    engine = node.engine();
  }

  @AfterAll
  static void stop() throws Exception {
    phones.forEach(TestPhone::close);
    node.close();
  }

  private static CallView transfer(String agentId, String callId, TransferTarget target) throws Exception {
    return engine.agent(agentId).transfer(callId, target).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static Refusal refusalOf(String agentId, String callId, TransferTarget target) throws Exception {
    try {
      transfer(agentId, callId, target);
      throw new AssertionError("the transfer was taken");
    } catch (ExecutionException e) {
      return Refusal.toException(e.getCause() instanceof CompletionException c ? c.getCause() : e.getCause()).refusal();
    }
  }

  /**
   * Whether {@code listener} hears {@code payload} from {@code speaker} within 10 s: the hold music
   * a caller heard until now is read past (it queues up in his socket), so only the payload counts.
   */
  /** Waits until the call is connected to {@code party}: its phone answered, so it has read the engine's SDP. */
  private static void connectedTo(String callId, String party) throws Exception {
    eventually(Duration.ofSeconds(10), "the call is connected to " + party, () -> {
      CallView call = engine.supervisor().call(callId).toCompletableFuture().get(5, TimeUnit.SECONDS);
      return call.status() == CallStatus.CONNECTED && party.equals(call.agentId());
    });
  }

  @Test
  void toAQueueTheCallerHearsMusicThenTheNextAgentAndTheRecordLinksBoth() throws Exception {
    node.queue("tq1");
    node.queue("tq1b");
    TestPhone first = node.agent("t1-ann", "tq1");
    TestProbe<CallCenterEvent> events = node.events();
    try (TestPhone caller = node.phone("5551001")) {
      String callId = node.connect(caller, caller.call("tq1"), "t1-ann", first);
      // The next agent's phone takes its time: the caller waits on hold music meanwhile.
      TestPhone next = node.agent("t1-bob", "tq1b");
      next.answerDelayMillis = 1500;

      CallView handedOver = transfer("t1-ann", callId, TransferTarget.queue("tq1b", true, null));
      assertEquals(CallStatus.QUEUED, handedOver.status());
      assertTrue(got(first, "BYE"), "the first agent's leg gets BYE");
      assertEquals("INVITE", next.events.poll(10, TimeUnit.SECONDS), "the next agent's phone rings");
      byte[] music = caller.rtp.receivePacket(2000);
      assertNotNull(music, "the caller hears hold music while the next agent's phone rings");
      connectedTo(callId, "t1-bob");
      assertTrue(heard(next, "hello from bob", caller), "the caller hears the next agent");
      assertTrue(heard(caller, "hello from caller", next), "and the next agent hears the caller");
      eventually(Duration.ofSeconds(5), "the first agent is in wrap-up", () -> node.agentView("t1-ann").activity() == Activity.WRAP_UP);
      events.fishForMessage(Duration.ofSeconds(5), "the transfer is published",
          e -> e instanceof io.callengine.core.events.CallTransferred t && t.callId().equals(callId) && "t1-ann".equals(t.agentId())
              && "queue:tq1b".equals(t.target()) ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore());

      assertEquals(200, next.hangUpIncoming().getStatusCode());
      eventually(Duration.ofSeconds(10), "one record links both agents and counts the call completed", () -> {
        CallRecord r = node.record(callId);
        return r != null && r.disposition() == Disposition.COMPLETED && "t1-bob".equals(r.agentId())
            && r.transferredFrom().equals(List.of("t1-ann")) && r.transfers() == 1 && r.queues().equals(List.of("tq1", "tq1b"));
      });
    }
  }

  @Test
  void keepPlacePutsTheTransferredCallerAheadOfOneWhoCameLater() throws Exception {
    node.queue("tq2");
    node.queue("tq2b");
    TestPhone first = node.agent("t2-ann", "tq2");
    engine.admin().createAgent(AgentSpec.of("t2-off", "sip:t2-off@127.0.0.1", "off", "secret-off").withQueues(List.of("tq2b")))
        .toCompletableFuture().get(5, TimeUnit.SECONDS);
    engine.agent("t2-off").updateStatus(Presence.BREAK, "lunch").toCompletableFuture().get(5, TimeUnit.SECONDS);
    try (TestPhone early = node.phone("5552001"); TestPhone later = node.phone("5552002")) {
      OutgoingCall earlyCall = early.call("tq2");
      String callId = node.connect(early, earlyCall, "t2-ann", first);
      OutgoingCall laterCall = later.call("tq2b");
      assertEquals(200, laterCall.awaitFinal().getStatusCode());
      eventually(Duration.ofSeconds(5), "the later caller waits", () -> waiting("tq2b").size() == 1);

      transfer("t2-ann", callId, TransferTarget.queue("tq2b", true, null));
      eventually(Duration.ofSeconds(5), "the transferred caller waits first, by his first entry",
          () -> waiting("tq2b").size() == 2 && waiting("tq2b").get(0).callId().equals(callId));
      earlyCall.hangUp();
      laterCall.hangUp();
      eventually(Duration.ofSeconds(10), "a caller hanging up after a transfer is no abandon", () -> {
        CallRecord r = node.record(callId);
        return r != null && r.disposition() == Disposition.COMPLETED;
      });
    }
  }

  private static List<WaitingCall> waiting(String queueId) throws Exception {
    return engine.supervisor().waitingCalls(queueId).toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  @Test
  void toANamedAgentThatAgentTakesTheCall() throws Exception {
    node.queue("tq3");
    node.queue("tq3b");
    TestPhone first = node.agent("t3-ann", "tq3");
    TestPhone named = node.agent("t3-dan", "tq3b");
    try (TestPhone caller = node.phone("5553001")) {
      String callId = node.connect(caller, caller.call("tq3"), "t3-ann", first);
      CallView ringing = transfer("t3-ann", callId, TransferTarget.agent("t3-dan"));
      assertEquals(CallStatus.OFFERING, ringing.status());
      assertEquals(List.of("t3-dan"), ringing.offeredTo());
      assertEquals("INVITE", named.events.poll(10, TimeUnit.SECONDS), "the named agent's phone rings");
      connectedTo(callId, "t3-dan");
      assertTrue(heard(named, "hello from dan", caller), "the caller hears the named agent");
      assertTrue(got(first, "BYE"), "the first agent's leg got BYE");
      eventually(Duration.ofSeconds(5), "the first agent is in wrap-up", () -> node.agentView("t3-ann").activity() == Activity.WRAP_UP);
      caller.events.clear();
      assertEquals(200, named.hangUpIncoming().getStatusCode());
      eventually(Duration.ofSeconds(10), "the record names both agents", () -> {
        CallRecord r = node.record(callId);
        return r != null && "t3-dan".equals(r.agentId()) && r.transferredFrom().equals(List.of("t3-ann"))
            && r.disposition() == Disposition.COMPLETED;
      });
    }
  }

  @Test
  void aNamedAgentWhoDoesNotAnswerGivesTheCallBackToTheFirstAgent() throws Exception {
    node.queue("tq4");
    node.queue("tq4b");
    TestPhone first = node.agent("t4-ann", "tq4");
    TestPhone silent = node.agent("t4-sam", "tq4b");
    silent.answer = TestPhone.Answer.NEVER;
    TestProbe<CallCenterEvent> events = node.events();
    try (TestPhone caller = node.phone("5554001")) {
      String callId = node.connect(caller, caller.call("tq4"), "t4-ann", first);
      transfer("t4-ann", callId, TransferTarget.agent("t4-sam"));
      assertEquals("INVITE", silent.events.poll(10, TimeUnit.SECONDS), "the named agent's phone rings");
      assertEquals(Refusal.CONFLICT, refusalOf("t4-ann", callId, TransferTarget.queue("tq4b", true, null)),
          "a second transfer while the first one rings: 409");
      assertTrue(got(first, "INVITE"), "after the ring timeout the first agent's phone rings again");
      events.fishForMessage(Duration.ofSeconds(5), "the failure is published",
          e -> e instanceof io.callengine.core.events.TransferFailed f && f.callId().equals(callId) && "t4-ann".equals(f.agentId())
              ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore());
      connectedTo(callId, "t4-ann");
      assertTrue(heard(first, "hello again", caller), "the caller talks to the first agent again");
      eventually(Duration.ofSeconds(5), "the first agent is on the call again", () -> node.agentView("t4-ann").activity() == Activity.ON_CALL);
      assertEquals(Activity.IDLE, node.agentView("t4-sam").activity(), "the named agent is free again");
      assertEquals(200, first.hangUpIncoming().getStatusCode());
      eventually(Duration.ofSeconds(10), "no transfer on the record", () -> {
        CallRecord r = node.record(callId);
        return r != null && "t4-ann".equals(r.agentId()) && r.transfers() == 0 && r.disposition() == Disposition.COMPLETED;
      });
    }
  }

  @Test
  void anAllowedOutsideAddressIsCalledAndBridgedAndAnotherIsRefusedWithoutAnInvite() throws Exception {
    node.queue("tq5");
    TestPhone first = node.agent("t5-ann", "tq5");
    TestPhone partner = node.phone("partner");
    TestPhone stranger = node.phone("stranger");
    phones.add(partner);
    phones.add(stranger);
    try (TestPhone caller = node.phone("5555001")) {
      String callId = node.connect(caller, caller.call("tq5"), "t5-ann", first);
      assertEquals(Refusal.FORBIDDEN, refusalOf("t5-ann", callId, TransferTarget.outside(stranger.contact())),
          "an address off the allowlist: 403");
      assertNull(stranger.events.poll(1, TimeUnit.SECONDS), "and no INVITE went to it");
      assertTrue(heard(first, "still here", caller), "the call stays with the agent");

      CallView ringing = transfer("t5-ann", callId, TransferTarget.outside(partner.contact()));
      assertEquals(List.of(partner.contact()), ringing.offeredTo());
      assertEquals("INVITE", partner.events.poll(10, TimeUnit.SECONDS), "the outside phone is called");
      connectedTo(callId, partner.contact());
      assertTrue(heard(partner, "hello from partner", caller), "the caller hears the outside party");
      assertTrue(heard(caller, "hello partner", partner), "and is heard by it");
      eventually(Duration.ofSeconds(5), "the agent is in wrap-up", () -> node.agentView("t5-ann").activity() == Activity.WRAP_UP);
      assertEquals(200, partner.hangUpIncoming().getStatusCode());
      eventually(Duration.ofSeconds(10), "the record names the outside party", () -> {
        CallRecord r = node.record(callId);
        return r != null && partner.contact().equals(r.agentId()) && r.transferredFrom().equals(List.of("t5-ann"));
      });
    }
  }

  @Test
  void aReferFromTheAgentsPhoneTransfersBlindWithNotifies() throws Exception {
    node.queue("tq6");
    node.queue("tq6b");
    TestPhone first = node.agent("t6-ann", "tq6");
    try (TestPhone caller = node.phone("5556001")) {
      OutgoingCall call = caller.call("tq6");
      String callId = node.connect(caller, call, "t6-ann", first);
      assertEquals(403, call.refresh("REFER", Map.of("Refer-To", "<sip:tq6b@127.0.0.1>")).getStatusCode(),
          "the caller may not transfer the call: 403");
      assertEquals(403, first.referIncoming("<sip:tq6b@127.0.0.1?Replaces=abc%3Bto-tag%3D1%3Bfrom-tag%3D2>").getStatusCode(),
          "an attended transfer (Replaces) naming no consult of the call: 403");
      assertEquals(202, first.referIncoming("<sip:nobody@127.0.0.1>").getStatusCode());
      assertEquals("SIP/2.0 404 Not Found", first.notifies.poll(5, TimeUnit.SECONDS), "no queue, agent or allowed address: 404 at once");
      assertEquals(202, first.referIncoming("<sip:+4930123@198.51.100.7>").getStatusCode());
      assertEquals("SIP/2.0 403 Forbidden", first.notifies.poll(5, TimeUnit.SECONDS), "an outside address off the allowlist: 403 at once");
      assertTrue(heard(first, "still with the agent", caller), "after a failed REFER the call stays with the agent");

      assertEquals(202, first.referIncoming("<sip:tq6b@127.0.0.1>").getStatusCode(), "a blind REFER to a queue's address: 202");
      assertEquals("SIP/2.0 100 Trying", first.notifies.poll(5, TimeUnit.SECONDS));
      assertEquals("SIP/2.0 200 OK", first.notifies.poll(5, TimeUnit.SECONDS), "after the answer to the first, the phone saw " + first.events);
      assertTrue(got(first, "BYE"), "then the agent's leg gets BYE");
      eventually(Duration.ofSeconds(5), "the caller waits in the queue referred to", () -> waiting("tq6b").size() == 1
          && waiting("tq6b").get(0).callId().equals(callId));
      assertNotNull(caller.rtp.receivePacket(2000), "on hold music");
      call.hangUp();
    }
  }
}
