package io.callengine.sip;

import static io.callengine.sip.testing.PhoneChecks.got;
import static io.callengine.sip.testing.PhoneChecks.heard;
import static io.callengine.core.testing.TestEngines.eventually;
import static io.callengine.sip.testing.ThreeVoices.FIRST;
import static io.callengine.sip.testing.ThreeVoices.SECOND;
import static io.callengine.sip.testing.ThreeVoices.THIRD;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callengine.core.Refusal;
import io.callengine.core.agent.Activity;
import io.callengine.core.api.CallCenterEngine;
import io.callengine.core.call.CallView;
import io.callengine.core.call.ConsultView;
import io.callengine.core.call.Disposition;
import io.callengine.core.call.TransferTarget;
import io.callengine.core.events.CallCenterEvent;
import io.callengine.core.events.CallConsulted;
import io.callengine.core.records.CallRecord;
import io.callengine.sip.testing.OutgoingCall;
import io.callengine.sip.testing.TestPhone;
import io.callengine.sip.testing.ThreeVoices;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Consults over loopback SIP: an agent's phone answers a caller, the agent consults another agent
 * (or an allowed outside phone) through the engine's API while the caller waits on hold music, and
 * then hands the call over (an attended transfer), makes it a conference of three, or cancels; a
 * target that does not answer leaves the caller on hold with the agent. Audio is judged by content:
 * text payloads where the relay passes packets through, tones where the conference mixes them.
 */
class ConsultTest {
  private static SipTestNode node;
  private static CallCenterEngine engine;
  private static final List<TestPhone> phones = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    node = SipTestNode.start("45000-45199",
        "callengine.transfer { allowed-destinations = [\"sip:partner@127.0.0.1:*\"], ring-timeout = 3s }\n");
    engine = node.engine();
  }

  @AfterAll
  static void stop() throws Exception {
    phones.forEach(TestPhone::close);
    node.close();
  }

  private static <T> T get(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static ConsultView consult(String agentId, String callId, TransferTarget target) throws Exception {
    return get(engine.agent(agentId).consult(callId, target));
  }

  private static ConsultView change(String agentId, String callId, ConsultView.State to) throws Exception {
    return get(engine.agent(agentId).changeConsult(callId, to));
  }

  private static Refusal refusalOf(CompletionStage<?> stage) throws Exception {
    try {
      get(stage);
      throw new AssertionError("it was taken");
    } catch (ExecutionException e) {
      return Refusal.toException(e.getCause() instanceof CompletionException c ? c.getCause() : e.getCause()).refusal();
    }
  }

  /**
   * While agent and target each send their payload 50 times, what the caller receives: packets keep
   * coming (the hold music) and none of them is the agent's or the target's.
   */
  private static void callerHearsOnlyMusic(TestPhone caller, TestPhone agent, TestPhone target) throws Exception {
    int packets = 0;
    for (int i = 0; i < 50; i++) {
      agent.rtp.send("agent during consult");
      target.rtp.send("target during consult");
      for (int read = 0; read < 5; read++) {
        String got = caller.rtp.receive(20);
        if (got == null) break;
        packets++;
        assertFalse(got.equals("agent during consult") || got.equals("target during consult"), "the caller hears only music: " + got);
      }
    }
    assertTrue(packets > 10, "the caller hears the hold music (" + packets + " packets)");
  }

  private static CallConsulted consulted(TestProbe<CallCenterEvent> events, String callId, String change) {
    return (CallConsulted) events.fishForMessage(Duration.ofSeconds(10), "call-consulted " + change,
        e -> e instanceof CallConsulted c && c.callId().equals(callId) && c.change().equals(change)
            ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore()).get(0);
  }

  @Test
  void aConsultThenCompleteHandsTheCallerToTheTargetAsAnAttendedTransfer() throws Exception {
    TestPhone ann = node.agentInNewQueue("c1-ann", "cq1");
    TestPhone bob = node.agentInNewQueue("c1-bob", "cq1b");
    TestProbe<CallCenterEvent> events = node.events();
    try (TestPhone caller = node.phone("5561001")) {
      String callId = node.connect(caller, caller.call("cq1"), "c1-ann", ann);
      assertEquals(Refusal.CONFLICT, refusalOf(engine.agent("c1-bob").consult(callId, TransferTarget.agent("c1-ann"))),
          "a consult on a call that is not the agent's: 409");
      assertEquals(Refusal.INVALID, refusalOf(engine.agent("c1-ann").consult(callId, TransferTarget.queue("cq1b", true, null))),
          "a queue as a consult's target: 400");
      assertEquals(Refusal.CONFLICT, refusalOf(engine.agent("c1-ann").changeConsult(callId, ConsultView.State.COMPLETED)),
          "complete without a consult: 409");

      ConsultView ringing = consult("c1-ann", callId, TransferTarget.agent("c1-bob"));
      assertEquals(ConsultView.State.RINGING, ringing.state());
      assertEquals("agent:c1-bob", ringing.target());
      assertEquals("c1-ann", consulted(events, callId, "started").agentId());
      assertTrue(node.call(callId).onHold(), "the customer is on hold during the consult");
      assertEquals("INVITE", bob.events.poll(10, TimeUnit.SECONDS), "the target's phone rings");
      consulted(events, callId, "answered");
      assertEquals(ConsultView.State.TALKING, node.call(callId).consult().state(), "the call's view shows the consult");
      assertEquals(Refusal.CONFLICT, refusalOf(engine.agent("c1-ann").consult(callId, TransferTarget.agent("c1-bob"))),
          "a second consult: 409");
      assertEquals(Refusal.CONFLICT, refusalOf(engine.agent("c1-ann").resume(callId)), "a resume during the consult: 409");

      assertTrue(heard(bob, "hello ann, bob here", ann), "the agent hears the target");
      assertTrue(heard(ann, "hello bob, a caller for you", bob), "the target hears the agent");
      callerHearsOnlyMusic(caller, ann, bob);

      ConsultView done = change("c1-ann", callId, ConsultView.State.COMPLETED);
      assertEquals(ConsultView.State.COMPLETED, done.state());
      assertTrue(got(ann, "BYE"), "the agent's leg gets BYE");
      CallConsulted ended = consulted(events, callId, "ended");
      assertTrue(ended.completed(), "the consult ended as an attended transfer");
      assertTrue(heard(bob, "hello caller, bob here", caller), "the caller hears the target");
      assertTrue(heard(caller, "hello bob", bob), "and the target hears the caller");
      CallView after = node.call(callId);
      assertEquals("c1-bob", after.agentId());
      assertFalse(after.onHold(), "the call is off hold");
      assertEquals(null, after.consult(), "and has no consult any more");
      assertEquals(List.of("c1-ann"), after.transferredFrom());
      eventually(Duration.ofSeconds(5), "the agent is in wrap-up", () -> node.agentView("c1-ann").activity() == Activity.WRAP_UP);
      eventually(Duration.ofSeconds(5), "the target is on the call", () -> node.agentView("c1-bob").activity() == Activity.ON_CALL);

      assertEquals(200, bob.hangUpIncoming().getStatusCode());
      assertTrue(got(caller, "BYE"), "the target's hang-up ends the call");
      eventually(Duration.ofSeconds(10), "one record links both agents, with the consult's hold", () -> {
        CallRecord r = node.record(callId);
        return r != null && r.disposition() == Disposition.COMPLETED && "c1-bob".equals(r.agentId())
            && r.transferredFrom().equals(List.of("c1-ann")) && r.transfers() == 1 && r.consults() == 1 && !r.conference();
      });
    }
  }

  @Test
  void aCancelGivesTheCallerBackAndATargetThatDoesNotAnswerLeavesHimOnHold() throws Exception {
    TestPhone ann = node.agentInNewQueue("c2-ann", "cq2");
    TestPhone bob = node.agentInNewQueue("c2-bob", "cq2b");
    TestPhone sam = node.agent("c2-sam", "cq2b");
    sam.answer = TestPhone.Answer.NEVER;
    TestPhone stranger = node.phone("stranger");
    phones.add(stranger);
    TestProbe<CallCenterEvent> events = node.events();
    try (TestPhone caller = node.phone("5562001")) {
      String callId = node.connect(caller, caller.call("cq2"), "c2-ann", ann);
      assertEquals(Refusal.FORBIDDEN, refusalOf(engine.agent("c2-ann").consult(callId, TransferTarget.outside(stranger.contact()))),
          "an outside address off the allowlist: 403");

      consult("c2-ann", callId, TransferTarget.agent("c2-bob"));
      assertEquals("INVITE", bob.events.poll(10, TimeUnit.SECONDS), "the target's phone rings");
      consulted(events, callId, "answered");
      assertTrue(heard(bob, "bob for ann", ann), "the agent hears the target");
      ConsultView cancelled = change("c2-ann", callId, ConsultView.State.ENDED);
      assertEquals(ConsultView.State.ENDED, cancelled.state());
      assertTrue(got(bob, "BYE"), "the target's leg gets BYE");
      assertFalse(consulted(events, callId, "ended").completed());
      assertTrue(heard(ann, "ann is back", caller), "the caller hears the agent again");
      assertTrue(heard(caller, "caller to ann", ann), "and is heard by her");
      assertFalse(node.call(callId).onHold());
      eventually(Duration.ofSeconds(5), "the target is free again", () -> node.agentView("c2-bob").activity() == Activity.IDLE);

      consult("c2-ann", callId, TransferTarget.agent("c2-sam"));
      assertEquals("INVITE", sam.events.poll(10, TimeUnit.SECONDS), "the second target's phone rings");
      CallConsulted noAnswer = consulted(events, callId, "ended");
      assertFalse(noAnswer.completed());
      assertTrue(noAnswer.reason().contains("did not answer"), noAnswer.reason());
      assertTrue(node.call(callId).onHold(), "the caller stays on hold with the agent");
      callerHearsOnlyMusic(caller, ann, sam);
      eventually(Duration.ofSeconds(5), "the silent target is free again", () -> node.agentView("c2-sam").activity() == Activity.IDLE);
      assertEquals(2, get(engine.agent("c2-ann").resume(callId)).holds(), "the agent resumes; both consults' holds are counted");
      assertTrue(heard(ann, "ann again", caller), "the caller hears the agent after the resume");
      assertEquals(Activity.ON_CALL, node.agentView("c2-ann").activity());
      assertEquals(200, ann.hangUpIncoming().getStatusCode());
      eventually(Duration.ofSeconds(10), "the record stays the first agent's", () -> {
        CallRecord r = node.record(callId);
        return r != null && "c2-ann".equals(r.agentId()) && r.transfers() == 0 && r.consults() == 2
            && r.disposition() == Disposition.COMPLETED;
      });
    }
  }

  @Test
  void aConferenceLetsAllThreeHearEachOtherUntilTheTargetLeaves() throws Exception {
    node.queue("cq3");
    TestPhone ann = node.agent("c3-ann", "cq3");
    TestPhone partner = node.phone("partner");
    phones.add(partner);
    TestProbe<CallCenterEvent> events = node.events();
    try (TestPhone caller = node.phone("5563001")) {
      String callId = node.connect(caller, caller.call("cq3"), "c3-ann", ann);
      assertEquals(partner.contact(), consult("c3-ann", callId, TransferTarget.outside(partner.contact())).target(),
          "an outside address on the allowlist");
      assertEquals("INVITE", partner.events.poll(10, TimeUnit.SECONDS), "the outside phone is called");
      consulted(events, callId, "answered");
      assertEquals(ConsultView.State.CONFERENCE, change("c3-ann", callId, ConsultView.State.CONFERENCE).state());
      consulted(events, callId, "conference");
      assertFalse(node.call(callId).onHold(), "a conference takes the caller off hold");

      // caller, agent and target each talk in their own tone: each hears the other two
      ThreeVoices.talk(caller, ann, partner).expect("conference", List.of(SECOND, THIRD), List.of(FIRST, THIRD), List.of(FIRST, SECOND));

      assertEquals(200, partner.hangUpIncoming().getStatusCode(), "the outside party leaves");
      assertTrue(consulted(events, callId, "ended").reason().contains("hung up"));
      assertTrue(heard(ann, "just us again", caller), "caller and agent still hear each other");
      assertTrue(heard(caller, "yes just us", ann));
      assertEquals("c3-ann", node.call(callId).agentId());
      assertEquals(200, ann.hangUpIncoming().getStatusCode());
      eventually(Duration.ofSeconds(10), "the record shows the conference", () -> {
        CallRecord r = node.record(callId);
        return r != null && r.conference() && r.consults() == 1 && "c3-ann".equals(r.agentId()) && r.transfers() == 0;
      });
    }
  }

  @Test
  void aReferWithReplacesNamingTheConsultLegCompletesItAndAnUnknownDialogIs403() throws Exception {
    TestPhone ann = node.agentInNewQueue("c4-ann", "cq4");
    TestPhone bob = node.agentInNewQueue("c4-bob", "cq4b");
    TestProbe<CallCenterEvent> events = node.events();
    try (TestPhone caller = node.phone("5564001")) {
      String callId = node.connect(caller, caller.call("cq4"), "c4-ann", ann);
      consult("c4-ann", callId, TransferTarget.agent("c4-bob"));
      assertEquals("INVITE", bob.events.poll(10, TimeUnit.SECONDS), "the target's phone rings");
      consulted(events, callId, "answered");
      assertTrue(heard(bob, "bob on the consult", ann));
      String replaces = java.net.URLEncoder.encode(bob.incomingReplaces(), java.nio.charset.StandardCharsets.UTF_8);

      assertEquals(403, ann.referIncoming("<sip:c4-bob@127.0.0.1?Replaces=unknown-dialog%3Bto-tag%3D1%3Bfrom-tag%3D2>").getStatusCode(),
          "Replaces naming a dialog the engine does not know: 403, and the consult goes on");
      assertTrue(heard(ann, "still consulting", bob));
      assertEquals(202, ann.referIncoming("<sip:c4-bob@127.0.0.1?Replaces=" + replaces + ">").getStatusCode(),
          "Replaces naming the consult's leg: 202");
      assertEquals("SIP/2.0 100 Trying", ann.notifies.poll(5, TimeUnit.SECONDS));
      assertEquals("SIP/2.0 200 OK", ann.notifies.poll(5, TimeUnit.SECONDS));
      assertTrue(got(ann, "BYE"), "then the agent's leg gets BYE");
      assertTrue(consulted(events, callId, "ended").completed(), "the consult ended as an attended transfer");
      assertTrue(heard(bob, "bob for the caller", caller), "the caller hears the target");
      assertTrue(heard(caller, "caller for bob", bob), "and the target hears the caller");
      assertEquals("c4-bob", node.call(callId).agentId());
      eventually(Duration.ofSeconds(5), "the agent is in wrap-up", () -> node.agentView("c4-ann").activity() == Activity.WRAP_UP);
      assertEquals(200, bob.hangUpIncoming().getStatusCode());
      eventually(Duration.ofSeconds(10), "the record links both agents", () -> {
        CallRecord r = node.record(callId);
        return r != null && "c4-bob".equals(r.agentId()) && r.transferredFrom().equals(List.of("c4-ann"));
      });
    }
  }

  @Test
  void aTargetWhoHangsUpAsTheAgentCompletesLeavesTheCallWithTheAgent() throws Exception {
    TestPhone ann = node.agentInNewQueue("c6-ann", "cq6");
    TestPhone bob = node.agentInNewQueue("c6-bob", "cq6b");
    TestProbe<CallCenterEvent> events = node.events();
    try (TestPhone caller = node.phone("5566001")) {
      String callId = node.connect(caller, caller.call("cq6"), "c6-ann", ann);
      consult("c6-ann", callId, TransferTarget.agent("c6-bob"));
      assertEquals("INVITE", bob.events.poll(10, TimeUnit.SECONDS), "the target's phone rings");
      consulted(events, callId, "answered");
      assertEquals(200, bob.hangUpIncoming().getStatusCode(), "the target hangs up");
      // The complete comes before or after the entity heard of the hang-up: refused either way, never stored.
      assertEquals(Refusal.CONFLICT, refusalOf(engine.agent("c6-ann").changeConsult(callId, ConsultView.State.COMPLETED)),
          "a complete once the target is gone: 409");
      eventually(Duration.ofSeconds(5), "the consult is over", () -> node.call(callId).consult() == null);
      assertEquals("c6-ann", node.call(callId).agentId(), "the call stays with the agent");
      eventually(Duration.ofSeconds(5), "the target is free again", () -> node.agentView("c6-bob").activity() == Activity.IDLE);
      assertEquals(Activity.ON_CALL, node.agentView("c6-ann").activity(), "and the agent is still on it");
      get(engine.agent("c6-ann").resume(callId));
      assertTrue(heard(ann, "ann after all", caller), "the caller hears the agent again");
      assertTrue(heard(caller, "still with ann", ann), "who hears him");
      assertEquals(200, ann.hangUpIncoming().getStatusCode());
      eventually(Duration.ofSeconds(10), "the record is the first agent's, with no transfer", () -> {
        CallRecord r = node.record(callId);
        return r != null && "c6-ann".equals(r.agentId()) && r.transfers() == 0 && r.consults() == 1;
      });
    }
  }

  @Test
  void aRefreshFromTheAgentsPhoneKeepsTheConsultAndTheCallersHangUpEndsIt() throws Exception {
    TestPhone ann = node.agentInNewQueue("c5-ann", "cq5");
    TestPhone bob = node.agentInNewQueue("c5-bob", "cq5b");
    TestProbe<CallCenterEvent> events = node.events();
    try (TestPhone caller = node.phone("5565001")) {
      OutgoingCall call = caller.call("cq5");
      String callId = node.connect(caller, call, "c5-ann", ann);
      consult("c5-ann", callId, TransferTarget.agent("c5-bob"));
      assertEquals("INVITE", bob.events.poll(10, TimeUnit.SECONDS), "the target's phone rings");
      consulted(events, callId, "answered");
      assertEquals(200, ann.reInviteIncoming("sendrecv").getStatusCode(), "a session refresh from the agent's phone: 200");
      assertTrue(node.call(callId).onHold(), "and the caller is still on hold");
      callerHearsOnlyMusic(caller, ann, bob);
      assertTrue(heard(bob, "bob still here", ann), "the consult goes on");

      call.hangUp();
      assertTrue(got(bob, "BYE"), "the caller's hang-up ends the consult: the target's leg gets BYE");
      assertEquals("the call ended", consulted(events, callId, "ended").reason());
      eventually(Duration.ofSeconds(5), "the target is free again", () -> node.agentView("c5-bob").activity() == Activity.IDLE);
      eventually(Duration.ofSeconds(5), "the agent is in wrap-up", () -> node.agentView("c5-ann").activity() == Activity.WRAP_UP);
      eventually(Duration.ofSeconds(10), "the call is the agent's, completed", () -> {
        CallRecord r = node.record(callId);
        return r != null && "c5-ann".equals(r.agentId()) && r.disposition() == Disposition.COMPLETED;
      });
    }
  }
}
