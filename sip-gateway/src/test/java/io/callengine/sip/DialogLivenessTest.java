package io.callengine.sip;

import static io.callengine.core.testing.TestEngines.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.sip.message.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Calls whose caller is gone end on their own, through real SIP on loopback: a 200 never ACKed,
 * by the caller or by an agent's phone after its re-INVITE (ack-timeout shortened to 1 s), and RFC 4028 session timers (Min-SE lowered to 2 s) refreshed
 * by the caller, not refreshed, refreshed by the engine when the caller makes it the refresher.
 */
class DialogLivenessTest {
  private static SipTestNode node;
  private static CallCenterEngine engine;
  private static TestPhone ada;

  @BeforeAll
  static void start() throws Exception {
    node = SipTestNode.start("41800-41899", "callengine.sip { ack-timeout = 3s, session-min-se = 2 }");
    engine = node.engine();
    engine.admin().createQueue(QueueSpec.of("lively", "Lively")).toCompletableFuture().get(5, TimeUnit.SECONDS);
    engine.admin().createQueue(QueueSpec.of("staffed", "Staffed")).toCompletableFuture().get(5, TimeUnit.SECONDS);
    engine.admin().createAgent(AgentSpec.of("ada", "sip:ada@127.0.0.1", "Ada", "secret-5").withQueues(List.of("staffed")))
        .toCompletableFuture().get(5, TimeUnit.SECONDS);
    ada = node.phone("ada");
    assertEquals(200, ada.register("secret-5", 300, "MD5"));
    engine.agent("ada").updateStatus(Presence.AVAILABLE, null).toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    ada.close();
    node.close();
  }

  @Test
  void aCallerThatNeverAcksGetsAByeAndTheRecordSaysWhy() throws Exception {
    try (TestPhone caller = node.phone("5559001")) {
      caller.ackAnswers = false;
      OutgoingCall call = caller.call("lively");
      assertEquals(200, call.awaitFinal().getStatusCode());
      eventually(Duration.ofSeconds(10), "the engine hangs up the call whose 200 nobody ACKed", () -> caller.events.contains("BYE"));
      CallRecord record = ended("5559001");
      assertEquals(Disposition.FAILED, record.disposition());
      assertEquals("ack-timeout: the caller sent no ACK for the engine's 200 within 3 s", record.endReason());
    }
  }

  @Test
  void anAgentPhoneThatNeverAcksTheAnswerToItsReInviteEndsTheCall() throws Exception {
    try (TestPhone caller = node.phone("5559005")) {
      assertEquals(200, caller.call("staffed").awaitFinal().getStatusCode());
      assertEquals("INVITE", nextRequest(ada, Duration.ofSeconds(10)), "the engine rings ada");
      eventually(Duration.ofSeconds(5), "ada is on the call",
          () -> engine.admin().getAgent("ada").toCompletableFuture().get().activity() == Activity.ON_CALL);
      ada.ackAnswers = false;
      assertEquals(200, ada.reInviteIncoming().getStatusCode(), "the engine answers the agent's re-INVITE");
      assertEquals("BYE", nextRequest(caller, Duration.ofSeconds(10)), "no ACK for that 200: the caller is hung up");
      assertEquals("BYE", nextRequest(ada, Duration.ofSeconds(10)), "and so is the agent");
      CallRecord record = ended("5559005");
      assertEquals(Disposition.FAILED, record.disposition());
      assertEquals("ack-timeout: the agent's phone sent no ACK for the engine's 200 within 3 s", record.endReason());
    } finally {
      ada.ackAnswers = true;
    }
  }

  @Test
  void aSessionIntervalUnderMinSeIsRefusedWith422() throws Exception {
    try (TestPhone caller = node.phone("5559002")) {
      Response answer = caller.call("lively", null, Map.of("Session-Expires", "1", "Supported", "timer")).awaitFinal();
      assertEquals(422, answer.getStatusCode(), "1 s is under the engine's Min-SE of 2 s");
      assertEquals("2", value(answer, "Min-SE"), "the 422 says the smallest interval the engine takes");
    }
  }

  @Test
  void aSessionTheCallerRefreshesStaysUpAndEndsWhenTheRefreshesStop() throws Exception {
    try (TestPhone caller = node.phone("5559003")) {
      OutgoingCall call = caller.call("lively", null, Map.of("Session-Expires", "6", "Supported", "timer"));
      Response ok = call.awaitFinal();
      assertEquals(200, ok.getStatusCode());
      assertEquals("timer", value(ok, "Require"));
      assertEquals("6;refresher=uac", value(ok, "Session-Expires"), "the caller, who named no refresher, refreshes");
      // Unrefreshed, the session ends 4 s after the 200 (6 s less a third). Refreshed every second
      // for 5 s, it lives on; each refresh is answered with the interval in force.
      for (String method : new String[] {"UPDATE", "INVITE", "UPDATE", "INVITE", "UPDATE"}) {
        assertNull(nextRequest(caller, Duration.ofSeconds(1)), "no BYE while the caller refreshes");
        Response refreshed = call.refresh(method, Map.of("Session-Expires", "6;refresher=uac", "Supported", "timer"));
        assertEquals(200, refreshed.getStatusCode(), method + " refreshes the session");
        assertEquals("6;refresher=uac", value(refreshed, "Session-Expires"));
        if (method.equals("INVITE")) assertNotNull(refreshed.getRawContent(), "a re-INVITE is answered with the call's SDP");
      }
      assertFalse(endedRecord("5559003").isPresent(), "the refreshed call is still up");
      assertEquals("BYE", nextRequest(caller, Duration.ofSeconds(10)), "once the refreshes stop, the engine ends the session");
      CallRecord record = ended("5559003");
      assertEquals(Disposition.FAILED, record.disposition());
      assertEquals("session-expired: no session refresh within the session interval of 6 s", record.endReason());
    }
  }

  @Test
  void theEngineRefreshesWhenTheCallerMakesItTheRefresher() throws Exception {
    try (TestPhone caller = node.phone("5559004")) {
      caller.reInvitesToAnswer.set(2); // the third refresh gets a 180 and no final answer
      Response ok = caller.call("lively", null, Map.of("Session-Expires", "6;refresher=uas", "Supported", "timer")).awaitFinal();
      assertEquals(200, ok.getStatusCode());
      assertEquals("6;refresher=uas", value(ok, "Session-Expires"), "the refresher the caller named is kept");
      assertEquals("INVITE", nextRequest(caller, Duration.ofSeconds(12)), "the engine refreshes half-way through the interval");
      assertEquals("INVITE", nextRequest(caller, Duration.ofSeconds(12)), "and again after the refresh was answered");
      assertEquals("INVITE", nextRequest(caller, Duration.ofSeconds(12)));
      assertEquals("BYE", nextRequest(caller, Duration.ofSeconds(12)), "an unanswered refresh ends the session");
      assertEquals("session-expired: the caller did not answer the engine's session refresh within 3 s", ended("5559004").endReason());
    }
  }

  /** The next request but ACK the phone received within {@code limit}, null for none. */
  private static String nextRequest(TestPhone phone, Duration limit) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    String next;
    do {
      next = phone.events.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } while ("ACK".equals(next));
    return next;
  }

  private static String value(Response response, String header) {
    javax.sip.header.Header h = response.getHeader(header);
    assertNotNull(h, header + " in " + response);
    String text = h.toString().trim();
    return text.substring(text.indexOf(':') + 1).trim();
  }

  private static CallRecord ended(String callerUser) throws Exception {
    eventually(Duration.ofSeconds(10), "the call of " + callerUser + " is recorded as ended", () -> endedRecord(callerUser).isPresent());
    return endedRecord(callerUser).orElseThrow();
  }

  private static Optional<CallRecord> endedRecord(String callerUser) throws Exception {
    return engine.supervisor().calls(CallRecordFilter.all()).toCompletableFuture().get(5, TimeUnit.SECONDS).stream()
        .filter(r -> r.caller().contains(callerUser) && r.endReason() != null).findFirst();
  }
}
