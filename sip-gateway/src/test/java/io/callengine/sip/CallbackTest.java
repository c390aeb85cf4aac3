package io.callengine.sip;

import static io.callengine.core.testing.TestEngines.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callengine.core.agent.Presence;
import io.callengine.core.api.AgentSpec;
import io.callengine.core.api.CallCenterEngine;
import io.callengine.core.api.QueueSpec;
import io.callengine.core.call.Disposition;
import io.callengine.core.events.CallCenterEvent;
import io.callengine.core.events.CallEvent;
import io.callengine.core.events.CallbackFailed;
import io.callengine.core.queue.WaitingCall;
import io.callengine.core.records.CallRecord;
import io.callengine.core.records.CallRecordFilter;
import io.callengine.core.testing.TestEngines;
import io.callengine.sip.media.ClipFrames;
import io.callengine.sip.media.HoldAudio;
import io.callengine.sip.testing.OutgoingCall;
import io.callengine.sip.testing.TestPhone;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.ArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A waiting caller asks to be called back, through SIP and RTP on loopback: he hears the offer,
 * presses the key and #, is hung up, keeps his place ahead of a later caller, and is called back
 * (through the outbound proxy, which is his phone's address here) once the agent has answered;
 * a customer who does not answer is retried, then the call ends CALLBACK_FAILED.
 */
class CallbackTest {
  private static SipTestNode node;
  private static CallCenterEngine engine;
  /** The outbound proxy: every callback INVITE goes to this port, where the customer's phone listens. */
  private static int proxyPort;

  @BeforeAll
  static void start() throws Exception {
    proxyPort = TestEngines.freePort();
    node = SipTestNode.start("44000-44199", "callengine.sip.outbound-proxy = \"127.0.0.1:" + proxyPort + "\"\n");
    engine = node.engine();
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  private static void queue(String id, int maxAttempts) throws Exception {
    engine.admin().createQueue(QueueSpec.of(id, id).withRingTimeoutSeconds(4)
            .withCallback(new QueueSpec.CallbackSpec("9", 0, false, maxAttempts, 1)))
        .toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  private static TestPhone agent(String id, String queue) throws Exception {
    TestPhone phone = signedIn(id, queue);
    engine.agent(id).updateStatus(Presence.AVAILABLE, null).toCompletableFuture().get(5, TimeUnit.SECONDS);
    return phone;
  }

  /** Registered, but not available yet. */
  private static TestPhone signedIn(String id, String queue) throws Exception {
    engine.admin().createAgent(AgentSpec.of(id, "sip:" + id + "@127.0.0.1", id, "pw-" + id).withQueues(List.of(queue)))
        .toCompletableFuture().get(5, TimeUnit.SECONDS);
    TestPhone phone = node.phone(id);
    assertEquals(200, phone.register("pw-" + id, 300, "MD5"));
    return phone;
  }

  /** The customer whose number is called back: his phone listens on the outbound proxy's port. */
  private static TestPhone customerAtProxy(String number) throws Exception {
    return new TestPhone(number, proxyPort, "127.0.0.1", node.port());
  }

  private static List<String> waiting(String queue) throws Exception {
    return engine.supervisor().waitingCalls(queue).toCompletableFuture().get(5, TimeUnit.SECONDS).stream()
        .map(WaitingCall::callId).toList();
  }

  private static List<CallRecord> records(String caller) throws Exception {
    return engine.supervisor().calls(CallRecordFilter.all()).toCompletableFuture().get(5, TimeUnit.SECONDS).stream()
        .filter(r -> r.caller().contains(":" + caller + "@")).toList();
  }

  /** The types of the callback events of {@code queue}, in order, up to the last one ({@code callback-completed} or a final failure). */
  private static List<String> callbackEvents(TestProbe<CallCenterEvent> probe, String queue) {
    return callbackEvents(probe, queue, null);
  }

  /** As above, of one call only ({@code callId} null: of every call of the queue). */
  private static List<String> callbackEvents(TestProbe<CallCenterEvent> probe, String queue, String callId) {
    List<String> types = new ArrayList<>();
    for (int i = 0; i < 2_000; i++) {
      CallCenterEvent event = probe.receiveMessage(Duration.ofSeconds(10));
      if (!event.type().startsWith("callback-") || !queue.equals(((CallEvent) event).queueId())) continue;
      if (callId != null && !callId.equals(((CallEvent) event).callId())) continue;
      types.add(event.type());
      if (event.type().equals("callback-completed") || event instanceof CallbackFailed failed && !failed.willRetry()) return types;
    }
    throw new AssertionError("no last callback event among 2,000: " + types);
  }

  private static void hearOffer(TestPhone caller) throws Exception {
    hearOffer(caller, "9");
  }

  /** Waits (bounded in packets) for a frame of the offer, then for one of the spoken key after it. */
  private static void hearOffer(TestPhone caller, String key) throws Exception {
    byte[] offerFrame = ClipFrames.ulaw(HoldAudio.Prompt.CALLBACK_OFFER, 20);
    byte[] keyFrame = ClipFrames.ulaw("n" + key, 8);
    boolean offerHeard = false;
    for (int packets = 0; packets < 1_500; packets++) {
      byte[] packet = caller.rtp.receivePacket(5000);
      byte[] payload = packet == null ? null : Arrays.copyOfRange(packet, 12, packet.length);
      if (Arrays.equals(payload, offerFrame)) offerHeard = true;
      if (offerHeard && Arrays.equals(payload, keyFrame)) return;
    }
    throw new AssertionError(offerHeard ? "the caller never heard the key " + key : "the caller never heard the callback offer");
  }

  /** Reads away the hold audio still queued at the hung-up caller's socket, so that what comes next is the callback's. */
  private static void drain(TestPhone phone) throws Exception {
    for (int packets = 0; packets < 5_000 && phone.rtp.receivePacket(300) != null; packets++) {
      // the engine sends nothing after its BYE: the loop ends at the first quiet 300 ms
    }
  }

  private static String awaitEvent(TestPhone phone, String event) throws Exception {
    for (int i = 0; i < 20; i++) {
      String next = phone.events.poll(10, TimeUnit.SECONDS);
      if (next == null) break;
      if (next.equals(event)) return next;
    }
    throw new AssertionError(event + " never reached the phone");
  }

  @Test
  void aCallerCalledBackKeepsHisPlaceAndIsBridgedWithTheAgentWhoAnsweredFirst() throws Exception {
    queue("cb", 2);
    TestPhone agent = agent("cb-agent", "cb");
    TestProbe<CallCenterEvent> events = TestProbe.create(engine.system());
    TestEngines.subscribe(engine, events.ref());
    try (TestPhone busy = node.phone("5558000"); TestPhone customer = customerAtProxy("5558001"); TestPhone later = node.phone("5558002")) {
      OutgoingCall busyCall = busy.call("cb");
      assertEquals(200, busyCall.awaitFinal().getStatusCode());
      awaitEvent(agent, "INVITE");
      eventually(Duration.ofSeconds(5), "the agent talks to the first caller", () -> waiting("cb").isEmpty());

      OutgoingCall call = customer.call("cb");
      assertEquals(200, call.awaitFinal().getStatusCode());
      call.useAnswer();
      hearOffer(customer);
      OutgoingCall laterCall = later.call("cb");
      assertEquals(200, laterCall.awaitFinal().getStatusCode());
      eventually(Duration.ofSeconds(5), "two callers wait", () -> waiting("cb").size() == 2);
      String callbackId = waiting("cb").get(0);

      customer.rtp.sendDtmf('9');
      customer.rtp.sendDtmf('#');
      awaitEvent(customer, "BYE");
      drain(customer);
      assertEquals(List.of(callbackId, waiting("cb").get(1)), waiting("cb"), "the callback keeps its place, ahead of the later caller");

      busyCall.hangUp();
      awaitEvent(agent, "INVITE"); // the agent's phone rings first, and answers
      awaitEvent(customer, "INVITE"); // then the customer is called, and answers
      awaitEvent(customer, "ACK"); // answered: its RTP now goes to the callback's port (the phone notes the INVITE before it reads it)
      assertTrue(customer.rtp.sendUntilHeard("customer-voice", agent.rtp, 100), "the agent hears the customer");
      assertTrue(agent.rtp.sendUntilHeard("agent-voice", customer.rtp, 100), "the customer hears the agent");
      assertEquals(403, agent.referIncoming("<sip:cb@127.0.0.1>").getStatusCode(), "a callback is not transferred: its phone's REFER gets 403");
      eventually(Duration.ofSeconds(5), "only the later caller waits", () -> waiting("cb").size() == 1 && !waiting("cb").contains(callbackId));

      customer.hangUpIncoming();
      eventually(Duration.ofSeconds(8), "the callback is recorded completed", () -> records("5558001").stream()
          .anyMatch(r -> r.disposition() == Disposition.COMPLETED && "cb-agent".equals(r.agentId())
              && "sip:5558001@127.0.0.1".equals(r.callbackNumber()) && r.callbackAttempts() == 1));
      laterCall.hangUp();
      // The other callers of the queue hear the offer too: the callback's own events only.
      assertEquals(List.of("callback-offered", "callback-requested", "callback-attempted", "callback-completed"),
          callbackEvents(events, "cb", callbackId));
    } finally {
      agent.close();
    }
  }

  @Test
  void anotherNumberIsKeyedInOnlyWhereTheQueueAllowsIt() throws Exception {
    for (boolean allowed : new boolean[] {true, false}) {
      String queue = allowed ? "cb-other" : "cb-own";
      engine.admin().createQueue(QueueSpec.of(queue, queue).withCallback(new QueueSpec.CallbackSpec("5", 0, allowed, 1, 60)))
          .toCompletableFuture().get(5, TimeUnit.SECONDS);
      String caller = allowed ? "5558301" : "5558302";
      try (TestPhone customer = node.phone(caller)) {
        OutgoingCall call = customer.call(queue);
        assertEquals(200, call.awaitFinal().getStatusCode());
        call.useAnswer();
        hearOffer(customer, "5");
        for (char key : "57705#".toCharArray()) customer.rtp.sendDtmf(key);
        awaitEvent(customer, "BYE");
        String expected = allowed ? "sip:7705@127.0.0.1" : "sip:" + caller + "@127.0.0.1";
        eventually(Duration.ofSeconds(5), "the callback is to " + expected, () -> records(caller).stream()
            .anyMatch(r -> expected.equals(r.callbackNumber()) && "QUEUED".equals(r.status())));
      }
    }
  }

  @Test
  void aCustomerWhoDoesNotAnswerIsRetriedThenTheCallEndsCallbackFailed() throws Exception {
    queue("cb-busy", 2);
    TestPhone agent = signedIn("cb-agent2", "cb-busy");
    TestProbe<CallCenterEvent> events = TestProbe.create(engine.system());
    TestEngines.subscribe(engine, events.ref());
    try (TestPhone customer = customerAtProxy("5558101")) {
      OutgoingCall call = customer.call("cb-busy");
      assertEquals(200, call.awaitFinal().getStatusCode());
      call.useAnswer();
      hearOffer(customer);
      customer.rtp.sendDtmf('9');
      customer.rtp.sendDtmf('#');
      awaitEvent(customer, "BYE");
      customer.answer = TestPhone.Answer.BUSY;
      engine.agent("cb-agent2").updateStatus(Presence.AVAILABLE, null).toCompletableFuture().get(5, TimeUnit.SECONDS);
      awaitEvent(customer, "INVITE"); // the first attempt: busy
      awaitEvent(customer, "INVITE"); // retried a second later: busy again, and that was the last
      eventually(Duration.ofSeconds(10), "the call ends CALLBACK_FAILED", () -> records("5558101").stream()
          .anyMatch(r -> r.disposition() == Disposition.CALLBACK_FAILED && r.callbackAttempts() == 2));
      assertTrue(waiting("cb-busy").isEmpty());
      assertEquals(List.of("callback-offered", "callback-requested", "callback-attempted", "callback-failed", "callback-attempted", "callback-failed"),
          callbackEvents(events, "cb-busy"), "two attempts, the first to be retried, the second the last");
    } finally {
      agent.close();
    }
  }
}
