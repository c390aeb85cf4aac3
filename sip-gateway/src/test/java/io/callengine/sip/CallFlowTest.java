package io.callengine.sip;

import static io.callengine.core.testing.TestEngines.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callengine.core.agent.Activity;
import io.callengine.core.agent.Presence;
import io.callengine.core.agent.Skill;
import io.callengine.core.api.AgentSpec;
import io.callengine.core.api.CallCenterEngine;
import io.callengine.core.api.QueueSpec;
import io.callengine.core.call.Disposition;
import io.callengine.core.events.CallCenterEvent;
import io.callengine.core.records.CallRecord;
import io.callengine.core.records.CallRecordFilter;
import io.callengine.core.testing.TestEngines;
import io.callengine.sip.testing.OutgoingCall;
import io.callengine.sip.testing.TestPhone;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A whole call through the real SIP path on loopback: REGISTER, INVITE, bridged RTP, BYE, CANCEL. */
class CallFlowTest {
  private static SipTestNode node;
  private static CallCenterEngine engine;
  private static SipService sip;
  private static int sipPort;
  private static TestPhone alice;

  @BeforeAll
  static void start() throws Exception {
    node = SipTestNode.start("31000-31999", "");
    engine = node.engine();
    sipPort = node.port();
    sip = node.sip();
    engine.admin().createQueue(QueueSpec.of("support", "Support").withRingTimeoutSeconds(5))
        .toCompletableFuture().get(5, TimeUnit.SECONDS);
    engine.admin().createAgent(AgentSpec.of("alice", "sip:alice@127.0.0.1", "Alice", "secret-1")
            .withSkills(List.of(new Skill("english", 3))))
        .toCompletableFuture().get(5, TimeUnit.SECONDS);
    alice = node.phone("alice");
    assertEquals(200, alice.register("secret-1", 300, "MD5"));
    engine.agent("alice").updateStatus(Presence.AVAILABLE, null).toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    eventually(Duration.ofSeconds(5), "every RTP port is back once the calls are over", () -> sip.rtpPortsInUse() == 0);
    alice.close();
    node.close();
  }

  @Test
  void wrongPasswordAndUnknownUserGetTheChallengeAgain() throws Exception {
    try (TestPhone mallory = node.phone("mallory");
        TestPhone wrong = node.phone("alice")) {
      assertEquals(401, mallory.register("whatever", 300, "MD5"), "unknown user: the same 401 as anyone");
      assertEquals(401, wrong.register("not-her-password", 300, "MD5"), "wrong password: 401 again, never 200");
    }
  }

  @Test
  void aNodeWithDefaultSettingsChallengesWithMd5AloneSoThatEveryPhoneRegisters() throws Exception {
    try (TestPhone phone = node.phone("alice")) {
      javax.sip.message.Response challenge = phone.registerOnce(300, null);
      assertEquals(401, challenge.getStatusCode());
      List<String> algorithms = new java.util.ArrayList<>();
      challenge.getHeaders("WWW-Authenticate").forEachRemaining(
          h -> algorithms.add(((javax.sip.header.WWWAuthenticateHeader) h).getAlgorithm()));
      assertEquals(List.of("MD5"), algorithms, "Debian 12's baresip gives up on a 401 that carries any other algorithm");
    }
  }

  @Test
  void aRegisterWithoutContactOnlyReportsTheBinding() throws Exception {
    javax.sip.message.Response answer = alice.queryBindings("secret-1");
    assertEquals(200, answer.getStatusCode());
    javax.sip.header.ContactHeader contact = (javax.sip.header.ContactHeader) answer.getHeader("Contact");
    assertEquals(alice.contact(), contact.getAddress().getURI().toString(), "the current binding is reported");
    assertTrue(engine.admin().getAgent("alice").toCompletableFuture().get(5, TimeUnit.SECONDS).registered(), "and kept");
  }

  @Test
  void customerReachesAliceWithAudioBothWaysAndHangsUp() throws Exception {
    TestProbe<CallCenterEvent> events = TestProbe.create(engine.system());
    TestEngines.subscribe(engine, events.ref());
    try (TestPhone customer = node.phone("customer1")) {
      OutgoingCall call = customer.call("support");
      assertEquals(200, call.awaitFinal().getStatusCode());
      call.useAnswer();
      assertEquals("INVITE", alice.events.poll(10, TimeUnit.SECONDS), "the engine rings alice");
      eventually(Duration.ofSeconds(5), "alice is on the call",
          () -> engine.admin().getAgent("alice").toCompletableFuture().get().activity() == Activity.ON_CALL);
      assertTrue(customer.rtp.sendUntilHeard("hello from customer", alice.rtp, 50), "customer audio reaches alice");
      assertTrue(alice.rtp.sendUntilHeard("hello from alice", customer.rtp, 50), "alice's audio reaches the customer");

      assertEquals(200, call.hangUp().getStatusCode());
      assertEquals("ACK", alice.events.poll(5, TimeUnit.SECONDS));
      assertEquals("BYE", alice.events.poll(5, TimeUnit.SECONDS), "alice's leg gets BYE");
      eventually(Duration.ofSeconds(5), "the call record says COMPLETED", () -> records().stream()
          .anyMatch(r -> "customer1".equals(user(r.caller())) && r.disposition() == Disposition.COMPLETED && "alice".equals(r.agentId())));
      eventually(Duration.ofSeconds(5), "alice is idle again",
          () -> engine.admin().getAgent("alice").toCompletableFuture().get().activity() == Activity.IDLE);
      List<String> types = events.receiveSeveralMessages(12, Duration.ofSeconds(10)).stream()
          .filter(e -> !(e instanceof io.callengine.core.events.MediaQuality || e instanceof io.callengine.core.events.MediaFlow))
          .map(CallCenterEvent::type).distinct().toList();
      assertTrue(types.containsAll(List.of("call-incoming", "call-queued", "call-offered", "call-established", "call-ended",
          "call-state-changed", "agent-status-changed")), "the call's life on the public topic: " + types);
    }
  }

  @Test
  void unknownQueueIs404AndNoCommonCodecIs488() throws Exception {
    try (TestPhone customer = node.phone("customer2")) {
      assertEquals(404, customer.call("nowhere").awaitFinal().getStatusCode());
    }
  }

  @Test
  void customerWhoHangsUpWhileQueuedIsAbandoned() throws Exception {
    setAlice(Presence.BREAK);
    try (TestPhone customer = node.phone("customer3")) {
      OutgoingCall call = customer.call("support");
      assertEquals(200, call.awaitFinal().getStatusCode(), "answered once queued, with no agent free");
      eventually(Duration.ofSeconds(5), "the call waits in line",
          () -> engine.supervisor().stats().toCompletableFuture().get().queuedCalls() == 1);
      assertEquals(200, call.hangUp().getStatusCode());
      eventually(Duration.ofSeconds(5), "the call record says ABANDONED", () -> records().stream()
          .anyMatch(r -> "customer3".equals(user(r.caller())) && r.disposition() == Disposition.ABANDONED && r.agentId() == null));
      eventually(Duration.ofSeconds(5), "nobody waits any more",
          () -> engine.supervisor().stats().toCompletableFuture().get().queuedCalls() == 0);
    } finally {
      setAlice(Presence.AVAILABLE);
    }
  }

  @Test
  void customerWhoCancelsGets487AndIsAbandoned() throws Exception {
    setAlice(Presence.BREAK);
    try (TestPhone customer = node.phone("customer4")) {
      OutgoingCall call = customer.call("support");
      call.cancel();
      int status = call.awaitFinal().getStatusCode();
      if (status == 200) {
        // The CANCEL crossed the engine's 200 on the wire: the call was already answered, so hang up.
        assertEquals(200, call.hangUp().getStatusCode());
      } else {
        assertEquals(487, status, "INVITE after CANCEL: 487 Request Terminated");
      }
      eventually(Duration.ofSeconds(5), "the call record says ABANDONED", () -> records().stream()
          .anyMatch(r -> "customer4".equals(user(r.caller())) && r.disposition() == Disposition.ABANDONED));
    } finally {
      setAlice(Presence.AVAILABLE);
    }
  }

  private static void setAlice(Presence presence) throws Exception {
    engine.agent("alice").updateStatus(presence, presence == Presence.BREAK ? "lunch" : null).toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  private static List<CallRecord> records() throws Exception {
    return engine.supervisor().calls(CallRecordFilter.all()).toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  private static String user(String uri) {
    return uri.replaceFirst("^sips?:", "").replaceFirst("@.*$", "");
  }
}
