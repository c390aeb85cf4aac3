package io.callengine.sip;

import static io.callengine.sip.testing.PhoneChecks.got;
import static io.callengine.sip.testing.PhoneChecks.heard;
import static io.callengine.core.testing.TestEngines.eventually;
import static io.callengine.sip.testing.ThreeVoices.FIRST;
import static io.callengine.sip.testing.ThreeVoices.SECOND;
import static io.callengine.sip.testing.ThreeVoices.THIRD;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callengine.core.agent.Activity;
import io.callengine.core.api.AgentSpec;
import io.callengine.core.api.CallCenterEngine;
import io.callengine.core.call.CallView;
import io.callengine.core.call.ConsultView;
import io.callengine.core.call.Disposition;
import io.callengine.core.events.CallCenterEvent;
import io.callengine.core.events.CallConsulted;
import io.callengine.core.records.CallRecord;
import io.callengine.sip.testing.OutgoingCall;
import io.callengine.sip.testing.TestPhone;
import io.callengine.sip.testing.ThreeVoices;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.sip.message.Response;
import org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A consult the agent's phone starts, over loopback SIP, as desk phones do an attended transfer:
 * the phone holds its customer call (re-INVITE sendonly), places a second call through the engine
 * to another agent (digest-authenticated like its REGISTER), talks to it while the customer hears
 * the hold music, then sends a REFER in the held call whose {@code Replaces} names the second call:
 * the customer is handed to the target. A BYE on the second call instead cancels the consult and
 * leaves the customer on hold until the phone resumes. Bad calls from a phone get their status.
 */
class PhoneConsultTest {
  private static SipTestNode node;
  private static CallCenterEngine engine;
  private static final List<TestPhone> phones = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    node = SipTestNode.start("45600-45799",
        "callengine.transfer { allowed-destinations = [\"sip:partner@127.0.0.1:*\"], ring-timeout = 5s }\n");
    engine = node.engine();
  }

  @AfterAll
  static void stop() throws Exception {
    phones.forEach(TestPhone::close);
    node.close();
  }

  private static String engineUri(String user) {
    return "sip:" + user + "@127.0.0.1:" + node.port();
  }

  /** The agent's phone holds the customer call, as a desk phone does before its second call; returns the engine's RTP port of that call. */
  private static int hold(TestPhone agent, String callId) throws Exception {
    Response held = agent.reInviteIncoming("sendonly");
    assertEquals(200, held.getStatusCode(), "the phone holds the call");
    eventually(Duration.ofSeconds(5), "the call is on hold", () -> node.call(callId).onHold());
    return audioPort(held);
  }

  private static int audioPort(Response response) {
    String sdp = new String(response.getRawContent(), StandardCharsets.UTF_8);
    return Integer.parseInt(sdp.lines().filter(l -> l.startsWith("m=audio ")).findFirst().orElseThrow().split(" ")[1]);
  }

  /** While agent and target each send their payload 50 times, the caller receives packets (the music) and none of theirs. */
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

  /** The agent's phone calls the target through the engine and the target answers: the consult is talking. */
  private static OutgoingCall consultCall(TestPhone agent, String agentId, String targetId, TestPhone target,
      TestProbe<CallCenterEvent> events, String callId) throws Exception {
    OutgoingCall second = agent.callThroughEngine(engineUri(targetId), "secret-" + agentId);
    assertEquals(agentId, consulted(events, callId, "started").agentId(), "the phone's call starts a consult as the API does");
    assertEquals("INVITE", target.events.poll(10, TimeUnit.SECONDS), "the target's phone rings");
    consulted(events, callId, "answered");
    assertEquals(200, second.awaitFinal().getStatusCode(), "the engine answers the phone's second call once the target answers");
    second.useAnswer(); // the phone's one RTP peer now talks in the second call
    assertEquals(ConsultView.State.TALKING, node.call(callId).consult().state());
    return second;
  }

  @Test
  void aPhoneConsultCompletedByReferWithReplacesHandsTheCallerToTheTarget() throws Exception {
    TestPhone ann = node.agentInNewQueue("p1-ann", "pq1");
    TestPhone bob = node.agentInNewQueue("p1-bob", "pq1b");
    TestProbe<CallCenterEvent> events = node.events();
    try (TestPhone caller = node.phone("5571001")) {
      String callId = node.connect(caller, caller.call("pq1"), "p1-ann", ann);
      hold(ann, callId);
      OutgoingCall second = consultCall(ann, "p1-ann", "p1-bob", bob, events, callId);
      assertEquals("agent:p1-bob", node.call(callId).consult().target());

      assertTrue(heard(bob, "hello ann, bob here", ann), "the agent hears the target in its second call");
      assertTrue(heard(ann, "hello bob, a caller for you", bob), "the target hears the agent");
      callerHearsOnlyMusic(caller, ann, bob);

      String replaces = URLEncoder.encode(second.replaces(), StandardCharsets.UTF_8);
      assertEquals(202, ann.referIncoming("<" + engineUri("p1-bob") + "?Replaces=" + replaces + ">").getStatusCode(),
          "a REFER in the held call naming the second call in Replaces: 202");
      assertTrue(got(ann, "BYE"), "one of the agent's calls gets BYE");
      assertTrue(got(ann, "BYE"), "and the other too");
      eventually(Duration.ofSeconds(5), "the NOTIFYs end with 200", () -> ann.notifies.stream().anyMatch(n -> n.startsWith("SIP/2.0 200")));
      assertTrue(consulted(events, callId, "ended").completed(), "the consult ended as an attended transfer");
      assertTrue(heard(bob, "hello caller, bob here", caller), "the caller hears the target");
      assertTrue(heard(caller, "hello bob", bob), "and the target hears the caller");
      CallView after = node.call(callId);
      assertEquals("p1-bob", after.agentId());
      assertFalse(after.onHold(), "the call is off hold");
      assertNull(after.consult(), "and has no consult any more");
      eventually(Duration.ofSeconds(5), "the agent is in wrap-up", () -> node.agentView("p1-ann").activity() == Activity.WRAP_UP);

      assertEquals(200, bob.hangUpIncoming().getStatusCode());
      assertTrue(got(caller, "BYE"), "the target's hang-up ends the call");
      eventually(Duration.ofSeconds(10), "one record links both agents", () -> {
        CallRecord r = node.record(callId);
        return r != null && r.disposition() == Disposition.COMPLETED && "p1-bob".equals(r.agentId())
            && r.transferredFrom().equals(List.of("p1-ann")) && r.consults() == 1;
      });
    }
  }

  @Test
  void aByeOnTheSecondCallCancelsTheConsultAndTheCallerStaysHeldUntilThePhoneResumes() throws Exception {
    TestPhone ann = node.agentInNewQueue("p2-ann", "pq2");
    TestPhone bob = node.agentInNewQueue("p2-bob", "pq2b");
    TestProbe<CallCenterEvent> events = node.events();
    try (TestPhone caller = node.phone("5571002")) {
      OutgoingCall customer = caller.call("pq2");
      String callId = node.connect(caller, customer, "p2-ann", ann);
      hold(ann, callId);
      OutgoingCall second = consultCall(ann, "p2-ann", "p2-bob", bob, events, callId);
      assertTrue(heard(bob, "bob in the consult", ann), "the agent hears the target");

      assertEquals(200, second.hangUp().getStatusCode(), "the phone hangs up its second call");
      assertTrue(got(bob, "BYE"), "the target's leg gets BYE");
      assertFalse(consulted(events, callId, "ended").completed(), "the consult ended, not completed");
      eventually(Duration.ofSeconds(5), "the target is free again", () -> node.agentView("p2-bob").activity() != Activity.ON_CALL);
      CallView held = node.call(callId);
      assertEquals("p2-ann", held.agentId(), "the call stays with the agent");
      assertTrue(held.onHold(), "and on hold");
      assertNull(held.consult());
      callerHearsOnlyMusic(caller, ann, bob);

      Response resumed = ann.reInviteIncoming("sendrecv");
      assertEquals(200, resumed.getStatusCode(), "the phone resumes the held call");
      ann.rtp.remote("127.0.0.1", audioPort(resumed)); // back to the held call's port
      eventually(Duration.ofSeconds(5), "the call is off hold", () -> !node.call(callId).onHold());
      assertTrue(heard(ann, "ann is back", caller), "the caller hears the agent again");
      assertTrue(heard(caller, "caller is still here", ann), "and the agent hears the caller");
      assertEquals(200, customer.hangUp().getStatusCode(), "the caller hangs up");
      assertTrue(got(ann, "BYE"), "and the agent's call ends");
    }
  }
  @Test
  void badCallsFromAPhoneGetTheirStatusAndChangeNothing() throws Exception {
    node.queue("pq3");
    node.queue("pq3b");
    TestPhone ann = node.agent("p3-ann", "pq3");
    node.agent("p3-bob", "pq3b");
    engine.admin().createAgent(AgentSpec.of("p3-carl", "sip:p3-carl@127.0.0.1", "p3-carl", "secret-p3-carl").withQueues(List.of("pq3b")))
        .toCompletableFuture().get(5, TimeUnit.SECONDS); // never registers: cannot take a call
    try (TestPhone caller = node.phone("5571003"); TestPhone partner = node.phone("partner"); TestPhone stranger = node.phone("5571013")) {
      assertEquals(401, ann.callThroughEngine(engineUri("p3-bob"), null).awaitFinal().getStatusCode(),
          "an agent's phone without credentials: 401 (challenged as its REGISTER is)");
      assertEquals(401, ann.callThroughEngine(engineUri("p3-bob"), "wrong password").awaitFinal().getStatusCode(),
          "a wrong password: 401 again");
      Response noCall = ann.callThroughEngine(engineUri("p3-bob"), "secret-p3-ann").awaitFinal();
      assertEquals(403, noCall.getStatusCode(), "an agent with no connected call: 403");
      assertEquals("No connected call to consult on", noCall.getReasonPhrase());
      assertEquals(401, ann.replayConsultInvite(engineUri("p3-bob")).awaitFinal().getStatusCode(),
          "the same answer to the challenge sent again (a replay): 401, as a replayed REGISTER");
      Response notAgent = stranger.callThroughEngine(partner.contact(), null).awaitFinal();
      assertTrue(notAgent.getStatusCode() >= 300, "a phone that is no agent's calls no one out: it is a customer call, here "
          + notAgent.getStatusCode());
      assertNull(partner.events.poll(), "and the outside phone was not called");

      String callId = node.connect(caller, caller.call("pq3"), "p3-ann", ann);
      hold(ann, callId);
      Response unknown = ann.callThroughEngine(engineUri("nobody"), "secret-p3-ann").awaitFinal();
      assertEquals(404, unknown.getStatusCode(), "an agent that does not exist at the engine's address: 404");
      assertEquals(403, ann.callThroughEngine("sip:stranger@127.0.0.1:5999", "secret-p3-ann").awaitFinal().getStatusCode(),
          "an outside address off the allowlist: 403");
      assertEquals(400, ann.callThroughEngine(engineUri("p3-ann"), "secret-p3-ann").awaitFinal().getStatusCode(),
          "the agent itself: 400");
      assertEquals(486, ann.callThroughEngine(engineUri("p3-carl"), "secret-p3-ann").awaitFinal().getStatusCode(),
          "an agent who cannot take a call now: 486");
      CallView still = node.call(callId);
      assertEquals("p3-ann", still.agentId(), "the call stays with the agent");
      assertNull(still.consult(), "without a consult");
      assertTrue(still.onHold(), "and on hold as the phone left it");
    }
  }

  @Test
  void aCancelWhileTheTargetRingsEndsTheConsultAndAnAllowedOutsidePhoneCanBeConsulted() throws Exception {
    TestPhone ann = node.agentInNewQueue("p4-ann", "pq4");
    TestPhone bob = node.agentInNewQueue("p4-bob", "pq4b");
    bob.answer = TestPhone.Answer.NEVER;
    TestProbe<CallCenterEvent> events = node.events();
    try (TestPhone caller = node.phone("5571004"); TestPhone partner = node.phone("partner")) {
      String callId = node.connect(caller, caller.call("pq4"), "p4-ann", ann);
      hold(ann, callId);
      OutgoingCall ringing = ann.callThroughEngine(engineUri("p4-bob"), "secret-p4-ann");
      assertEquals("INVITE", bob.events.poll(10, TimeUnit.SECONDS), "the target's phone rings");
      ringing.cancel();
      assertEquals(487, ringing.awaitFinal().getStatusCode(), "the phone's CANCEL: 487 to its INVITE");
      assertTrue(got(bob, "CANCEL"), "and the target stops ringing");
      assertFalse(consulted(events, callId, "ended").completed());
      eventually(Duration.ofSeconds(5), "the consult is over", () -> node.call(callId).consult() == null);
      assertTrue(node.call(callId).onHold(), "the caller stays on hold");

      OutgoingCall outside = ann.callThroughEngine(partner.contact(), "secret-p4-ann");
      assertEquals("INVITE", partner.events.poll(10, TimeUnit.SECONDS), "an outside address on the allowlist is called");
      assertEquals(200, outside.awaitFinal().getStatusCode());
      outside.useAnswer();
      assertEquals(partner.contact(), node.call(callId).consult().target());
      assertTrue(heard(partner, "partner speaking", ann), "the agent hears the outside party");
      assertTrue(heard(ann, "agent speaking", partner), "and the other way");
      assertEquals(200, partner.hangUpIncoming().getStatusCode(), "the outside party hangs up");
      assertTrue(got(ann, "BYE"), "the phone's second call ends with it");
      eventually(Duration.ofSeconds(5), "the consult is over", () -> node.call(callId).consult() == null);
      assertTrue(node.call(callId).onHold(), "the caller stays on hold");
    }
  }

  @Test
  void theApiCancelsAConsultThePhonePlacedAndGivesTheCallerBackToTheFirstCall() throws Exception {
    TestPhone ann = node.agentInNewQueue("p5-ann", "pq5");
    TestPhone bob = node.agentInNewQueue("p5-bob", "pq5b");
    TestProbe<CallCenterEvent> events = node.events();
    try (TestPhone caller = node.phone("5571005")) {
      String callId = node.connect(caller, caller.call("pq5"), "p5-ann", ann);
      int heldCallPort = hold(ann, callId);
      consultCall(ann, "p5-ann", "p5-bob", bob, events, callId);
      assertEquals(ConsultView.State.ENDED,
          engine.agent("p5-ann").changeConsult(callId, ConsultView.State.ENDED).toCompletableFuture().get(10, TimeUnit.SECONDS).state());
      assertTrue(got(bob, "BYE"), "the target's leg gets BYE");
      assertTrue(got(ann, "BYE"), "and the phone's second call too");
      // As any consult's cancel: the caller is bridged back to the agent's first call (its phone is asked for nothing).
      ann.rtp.remote("127.0.0.1", heldCallPort);
      assertFalse(node.call(callId).onHold(), "the caller is off hold");
      assertTrue(heard(ann, "ann again", caller), "and hears the agent");
      assertTrue(heard(caller, "caller again", ann), "who hears him");
    }
  }
  @Test
  void aReferInTheSecondCallNamingTheHeldOneCompletesTheConsultToo() throws Exception {
    TestPhone ann = node.agentInNewQueue("p6-ann", "pq6");
    TestPhone bob = node.agentInNewQueue("p6-bob", "pq6b");
    TestProbe<CallCenterEvent> events = node.events();
    try (TestPhone caller = node.phone("5571006")) {
      String callId = node.connect(caller, caller.call("pq6"), "p6-ann", ann);
      hold(ann, callId);
      OutgoingCall second = consultCall(ann, "p6-ann", "p6-bob", bob, events, callId);
      assertTrue(heard(bob, "bob for ann", ann), "the agent hears the target");
      assertEquals(403, second.refer("<" + engineUri("p6-bob") + "?Replaces=unknown%3Bto-tag%3D1%3Bfrom-tag%3D2>").getStatusCode(),
          "a REFER in the second call naming a dialog the engine does not know: 403, and the consult goes on");
      assertEquals(ConsultView.State.TALKING, node.call(callId).consult().state());

      String held = URLEncoder.encode(ann.incomingReplaces(), StandardCharsets.UTF_8);
      assertEquals(202, second.refer("<" + engineUri("p6-bob") + "?Replaces=" + held + ">").getStatusCode(),
          "a REFER in the second call naming the held call: 202");
      assertTrue(got(ann, "BYE"), "one of the agent's calls gets BYE");
      assertTrue(got(ann, "BYE"), "and the other too");
      eventually(Duration.ofSeconds(5), "the NOTIFYs end with 200", () -> ann.notifies.stream().anyMatch(n -> n.startsWith("SIP/2.0 200")));
      assertTrue(consulted(events, callId, "ended").completed(), "the consult ended as an attended transfer");
      assertTrue(heard(bob, "bob for the caller", caller), "the caller hears the target");
      assertTrue(heard(caller, "caller for bob", bob), "and the target hears the caller");
      assertEquals("p6-bob", node.call(callId).agentId());
      eventually(Duration.ofSeconds(5), "the agent is in wrap-up", () -> node.agentView("p6-ann").activity() == Activity.WRAP_UP);
    }
  }

  @Test
  void theApiMakesAConferenceOfAConsultThePhonePlacedAndTheTargetLeavesIt() throws Exception {
    TestPhone ann = node.agentInNewQueue("p7-ann", "pq7");
    TestPhone bob = node.agentInNewQueue("p7-bob", "pq7b");
    TestProbe<CallCenterEvent> events = node.events();
    try (TestPhone caller = node.phone("5571007")) {
      String callId = node.connect(caller, caller.call("pq7"), "p7-ann", ann);
      int heldCallPort = hold(ann, callId);
      consultCall(ann, "p7-ann", "p7-bob", bob, events, callId);
      assertEquals(ConsultView.State.CONFERENCE,
          engine.agent("p7-ann").changeConsult(callId, ConsultView.State.CONFERENCE).toCompletableFuture().get(10, TimeUnit.SECONDS).state());
      consulted(events, callId, "conference");
      assertFalse(node.call(callId).onHold(), "a conference takes the caller off hold");
      // caller, agent (in its second call) and target each talk in their own tone: each hears the other two
      ThreeVoices.talk(caller, ann, bob).expect("conference", List.of(SECOND, THIRD), List.of(FIRST, THIRD), List.of(FIRST, SECOND));

      assertEquals(200, bob.hangUpIncoming().getStatusCode(), "the target leaves the conference");
      assertTrue(got(ann, "BYE"), "the phone's second call ends with it");
      assertTrue(consulted(events, callId, "ended").reason().contains("hung up"));
      Response resumed = ann.reInviteIncoming("sendrecv");
      assertEquals(200, resumed.getStatusCode(), "the phone resumes its first call");
      ann.rtp.remote("127.0.0.1", heldCallPort);
      assertTrue(heard(ann, "ann and the caller again", caller), "the caller hears the agent");
      assertTrue(heard(caller, "still here", ann), "who hears him");
      assertEquals(200, ann.hangUpIncoming().getStatusCode());
      eventually(Duration.ofSeconds(10), "the record shows the conference, with the call kept by the agent", () -> {
        CallRecord r = node.record(callId);
        return r != null && r.conference() && r.consults() == 1 && "p7-ann".equals(r.agentId()) && r.transfers() == 0;
      });
    }
  }

  @Test
  void aTargetCancelledBeforeItSaidItRingsGetsItsCancelOnceItDoes() throws Exception {
    TestPhone ann = node.agentInNewQueue("p9-ann", "pq9");
    TestPhone bob = node.agentInNewQueue("p9-bob", "pq9b");
    bob.answer = TestPhone.Answer.SILENT;
    try (TestPhone caller = node.phone("5571009")) {
      String callId = node.connect(caller, caller.call("pq9"), "p9-ann", ann);
      hold(ann, callId);
      OutgoingCall ringing = ann.callThroughEngine(engineUri("p9-bob"), "secret-p9-ann");
      assertEquals("INVITE", bob.events.poll(10, TimeUnit.SECONDS), "the target's phone gets the INVITE and says nothing yet");
      ringing.cancel();
      assertEquals(487, ringing.awaitFinal().getStatusCode(), "the phone's CANCEL: 487 to its INVITE");
      eventually(Duration.ofSeconds(5), "the consult is over", () -> node.call(callId).consult() == null);
      bob.ringNow(); // RFC 3261 9.1: the engine's CANCEL waits for this provisional answer
      assertTrue(got(bob, "CANCEL"), "then the target's INVITE is cancelled");
      assertTrue(node.call(callId).onHold(), "the caller stays on hold");
    }
  }
}
