package io.callengine.sip;

import static io.callengine.core.testing.TestEngines.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callengine.core.agent.Activity;
import io.callengine.core.agent.Presence;
import io.callengine.core.agent.Skill;
import io.callengine.core.api.AgentSpec;
import io.callengine.core.api.CallCenterEngine;
import io.callengine.core.api.CallDecision;
import io.callengine.core.api.CallHandler;
import io.callengine.core.api.IncomingCall;
import io.callengine.core.api.QueueSpec;
import io.callengine.core.call.Disposition;
import io.callengine.core.policy.IvrMenu;
import io.callengine.core.policy.RoutingPolicy;
import io.callengine.core.policy.RoutingRule;
import io.callengine.core.queue.QueueConfig;
import io.callengine.core.queue.WaitingCall;
import io.callengine.core.records.CallRecordFilter;
import io.callengine.sip.testing.OutgoingCall;
import io.callengine.sip.testing.TestPhone;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.sip.message.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A registered {@link CallHandler} decides where SIP calls go: a queue with a priority and an
 * extra skill, a policy's IVR menu, or a rejection with the caller getting exactly its status
 * and reason. A handler that does not answer within the timeout, throws, fails or names an
 * unknown queue leaves the call to the routing policies, which queue it as without a handler.
 * The policies here send calls to {@code help} into queue {@code help} at priority 4, and calls to
 * {@code plain-line} (which only the test without a handler makes) into {@code plain} at 5.
 */
class CallHandlerTest {
  private static final Duration TIMEOUT = Duration.ofMillis(400);
  private static SipTestNode node;
  private static CallCenterEngine engine;

  @BeforeAll
  static void start() throws Exception {
    node = SipTestNode.start("30000-30999", "callengine.call-handler.timeout = " + TIMEOUT.toMillis() + "ms");
    engine = node.engine();
    for (QueueSpec queue : List.of(QueueSpec.of("help", "Help"), QueueSpec.of("care", "Care"), QueueSpec.of("chosen", "Chosen"),
        QueueSpec.of("plain", "Plain"))) {
      engine.admin().createQueue(queue).toCompletableFuture().get(5, TimeUnit.SECONDS);
    }
    policy(new RoutingPolicy("help-line", "Help line", 10,
        List.of(rule("help", null, "help", 4), rule("plain-line", null, "plain", 5)), "UTC"));
    // A menu only a handler sends callers to: its one rule needs a key, so no call matches it without one.
    policy(new RoutingPolicy("menu", "Menu", 1, List.of(rule(null, "1", "chosen", 9)), "UTC", new IvrMenu(null, 1, 5, 0)));
    policy(new RoutingPolicy("quick-menu", "Quick menu", 2, List.of(rule(null, "2", "chosen", 9)), "UTC", new IvrMenu(null, 1, 1, 0)));
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  @Test
  void aHandlerSendsTheCallToAQueueWithItsPriorityAndExtraSkillAndItReachesTheAgentWithThatSkill() throws Exception {
    AtomicReference<IncomingCall> seen = new AtomicReference<>();
    CallHandler handler = call -> {
      seen.set(call);
      return CompletableFuture.completedFuture(CallDecision.queue("care", 7, List.of(new QueueConfig.RequiredSkill("spanish", 3))));
    };
    double decided = outcome("decided");
    try (Registered registration = registered(handler);
        TestPhone anna = agent("anna", List.of()); TestPhone zoe = agent("zoe", List.of(new Skill("spanish", 4)));
        TestPhone customer = node.phone("5559001")) {
      OutgoingCall call = customer.call("help", "Maria Lopez", Map.of("X-Account", "A-17"));
      assertEquals(200, call.awaitFinal().getStatusCode());
      IncomingCall incoming = seen.get();
      assertNotNull(incoming, "the handler was asked");
      assertEquals("sip:5559001@127.0.0.1", incoming.caller());
      assertEquals("Maria Lopez", incoming.callerName());
      assertEquals("help", incoming.dialed());
      assertEquals("sip:help@127.0.0.1", incoming.to());
      assertEquals(List.of("A-17"), incoming.headers().get("x-account"), "header names are case-insensitive");
      assertTrue(incoming.header("Call-ID").isPresent());
      assertEquals(decided + 1, outcome("decided"));

      List<WaitingCall> line = waiting("care");
      assertEquals(1, line.size(), "the call waits in the handler's queue, not the policy's");
      assertEquals(incoming.callId(), line.get(0).callId(), "the handler saw the engine's call id");
      assertEquals(7, line.get(0).priority());
      assertEquals(List.of(new QueueConfig.RequiredSkill("spanish", 3)), line.get(0).extraSkills());

      // anna comes first in the queue's order (longest idle, then id) but lacks the extra skill.
      available("anna");
      available("zoe");
      eventually(Duration.ofSeconds(10), "zoe takes the call", () -> activity("zoe") == Activity.ON_CALL);
      assertEquals("INVITE", zoe.events.poll(5, TimeUnit.SECONDS));
      assertFalse(anna.events.contains("INVITE"), "anna, without spanish, was never rung");
      assertEquals(200, call.hangUp().getStatusCode());
      offline("anna");
      offline("zoe");
    }
  }

  @Test
  void aHandlerRejectsAndTheCallerGetsExactlyItsStatusAndReason() throws Exception {
    CallHandler handler = call -> CompletableFuture.completedFuture(call.header("X-Account").orElse("").equals("closed")
        ? CallDecision.reject(603, "Closed for the holidays") : CallDecision.reject(486, "Busy Here"));
    try (Registered registration = registered(handler);
        TestPhone busy = node.phone("5559101"); TestPhone closed = node.phone("5559102")) {
      Response first = busy.call("help").awaitFinal();
      assertEquals(486, first.getStatusCode());
      assertEquals("Busy Here", first.getReasonPhrase());
      Response second = closed.call("help", null, Map.of("X-Account", "closed")).awaitFinal();
      assertEquals(603, second.getStatusCode());
      assertEquals("Closed for the holidays", second.getReasonPhrase());
    }
  }

  @Test
  void aHandlerThatNeverAnswersLeavesTheCallToThePoliciesAfterTheTimeout() throws Exception {
    AtomicReference<IncomingCall> seen = new AtomicReference<>();
    CallHandler silent = call -> {
      seen.set(call);
      return new CompletableFuture<>();
    };
    double timedOut = outcome("timed-out");
    try (Registered registration = registered(silent); TestPhone customer = node.phone("5559201")) {
      long sent = System.nanoTime();
      OutgoingCall call = customer.call("help");
      assertEquals(200, call.awaitFinal().getStatusCode());
      Duration waited = Duration.ofNanos(System.nanoTime() - sent);
      assertTrue(waited.compareTo(TIMEOUT) >= 0, "answered only after the handler's time ran out: " + waited);
      assertEquals(timedOut + 1, outcome("timed-out"));
      queuedByThePolicies(seen.get());
      assertEquals(200, call.hangUp().getStatusCode());
    }
  }

  @Test
  void aHandlerThatThrowsOrFailsLeavesTheCallToThePolicies() throws Exception {
    AtomicReference<IncomingCall> seen = new AtomicReference<>();
    CallHandler throwing = call -> {
      seen.set(call);
      throw new IllegalStateException("CRM down");
    };
    CallHandler failing = call -> {
      seen.set(call);
      return CompletableFuture.failedFuture(new IllegalStateException("CRM timed out"));
    };
    for (CallHandler handler : List.of(throwing, failing)) {
      double failed = outcome("failed");
      try (Registered registration = registered(handler); TestPhone customer = node.phone("5559301")) {
        OutgoingCall call = customer.call("help");
        assertEquals(200, call.awaitFinal().getStatusCode());
        assertEquals(failed + 1, outcome("failed"));
        queuedByThePolicies(seen.get());
        assertEquals(200, call.hangUp().getStatusCode());
      }
    }
  }

  @Test
  void aDecisionForAQueueThatDoesNotExistLeavesTheCallToThePolicies() throws Exception {
    AtomicReference<IncomingCall> seen = new AtomicReference<>();
    CallHandler handler = call -> {
      seen.set(call);
      return CompletableFuture.completedFuture(CallDecision.queue("no-such-queue"));
    };
    double invalid = outcome("invalid");
    try (Registered registration = registered(handler); TestPhone customer = node.phone("5559401")) {
      OutgoingCall call = customer.call("help");
      assertEquals(200, call.awaitFinal().getStatusCode());
      assertEquals(invalid + 1, outcome("invalid"));
      queuedByThePolicies(seen.get());
      assertEquals(200, call.hangUp().getStatusCode());
    }
  }

  @Test
  void aHandlerSendsTheCallerToAPolicysIvrMenuAndHisKeyChoosesTheQueue() throws Exception {
    CallHandler handler = call -> CompletableFuture.completedFuture(CallDecision.ivr("menu"));
    try (Registered registration = registered(handler); TestPhone customer = node.phone("5559501")) {
      OutgoingCall call = customer.call("help");
      assertEquals(200, call.awaitFinal().getStatusCode(), "answered at once for the menu");
      assertEquals(200, call.info("dtmf-relay", "Signal=1\r\nDuration=160\r\n").getStatusCode());
      eventually(Duration.ofSeconds(8), "key 1 routes the caller to chosen at priority 9",
          () -> waiting("chosen").size() == 1 && waiting("chosen").get(0).priority() == 9);
      assertEquals(200, call.hangUp().getStatusCode());
    }
  }

  @Test
  void aCallerWhoChoosesNothingInTheHandlersMenuIsRefusedWhenThePoliciesSendHimNowhere() throws Exception {
    CallHandler handler = call -> CompletableFuture.completedFuture(CallDecision.ivr("quick-menu"));
    try (Registered registration = registered(handler); TestPhone customer = node.phone("5559551")) {
      OutgoingCall call = customer.call("nowhere");
      assertEquals(200, call.awaitFinal().getStatusCode(), "answered for the menu although no queue has this address");
      eventually(Duration.ofSeconds(20), "no key after the menu: hung up", () -> customer.events.contains("BYE"));
      eventually(Duration.ofSeconds(5), "and recorded REJECTED", () -> engine.supervisor().calls(CallRecordFilter.all())
          .toCompletableFuture().get(5, TimeUnit.SECONDS).stream()
          .anyMatch(r -> r.caller().contains(":5559551@") && r.disposition() == Disposition.REJECTED));
    }
  }

  @Test
  void withoutAHandlerThePoliciesDecideAndNothingIsAsked() throws Exception {
    double asked = outcome("decided") + outcome("timed-out") + outcome("failed") + outcome("invalid");
    assertEquals(0, engine.callHandlers().count());
    try (TestPhone customer = node.phone("5559601")) {
      OutgoingCall call = customer.call("plain-line");
      assertEquals(200, call.awaitFinal().getStatusCode());
      List<WaitingCall> line = waiting("plain");
      assertEquals(1, line.size());
      assertEquals(5, line.get(0).priority(), "queued at the policy's priority");
      assertEquals(asked, outcome("decided") + outcome("timed-out") + outcome("failed") + outcome("invalid"), "no handler was asked");
      assertEquals(200, call.hangUp().getStatusCode());
    }
  }

  /** The routing policy's decision: queue help at priority 4, no extra skill. */
  private static void queuedByThePolicies(IncomingCall call) throws Exception {
    assertNotNull(call, "the handler was asked");
    eventually(Duration.ofSeconds(5), "the call waits in help at the policy's priority", () -> waiting("help").stream()
        .anyMatch(w -> w.callId().equals(call.callId()) && w.priority() == 4 && w.extraSkills().isEmpty()));
  }

  /** A handler registered and asked by this node; closing it waits until this node no longer asks it. */
  private record Registered(CallHandler.Registration registration) implements AutoCloseable {
    @Override
    public void close() throws Exception {
      registration.unregister().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  private static Registered registered(CallHandler handler) throws Exception {
    CallHandler.Registration registration = engine.registerCallHandler(handler);
    registration.whenActive().toCompletableFuture().get(10, TimeUnit.SECONDS);
    return new Registered(registration);
  }

  private static RoutingRule rule(String dialed, String digits, String queueId, int priority) {
    return new RoutingRule(dialed, null, null, digits, queueId, priority, null);
  }

  private static void policy(RoutingPolicy policy) throws Exception {
    engine.admin().createPolicy(policy).toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  private static TestPhone agent(String id, List<Skill> skills) throws Exception {
    engine.admin().createAgent(AgentSpec.of(id, "sip:" + id + "@127.0.0.1", id, "pw-" + id).withSkills(skills).withQueues(List.of("care")))
        .toCompletableFuture().get(5, TimeUnit.SECONDS);
    TestPhone phone = node.phone(id);
    assertEquals(200, phone.register("pw-" + id, 300, "MD5"));
    return phone;
  }

  private static void available(String agentId) throws Exception {
    engine.agent(agentId).updateStatus(Presence.AVAILABLE, null).toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  private static void offline(String agentId) throws Exception {
    engine.agent(agentId).updateStatus(Presence.OFFLINE, null).toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  private static Activity activity(String agentId) throws Exception {
    return engine.admin().getAgent(agentId).toCompletableFuture().get(5, TimeUnit.SECONDS).activity();
  }

  private static List<WaitingCall> waiting(String queueId) throws Exception {
    return engine.supervisor().waitingCalls(queueId).toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  private static double outcome(String outcome) {
    return engine.metrics().get("callengine.call.handler").tag("outcome", outcome).counter().count();
  }
}
