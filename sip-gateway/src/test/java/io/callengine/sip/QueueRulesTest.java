package io.callengine.sip;

import static io.callengine.core.testing.TestEngines.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callengine.core.agent.Activity;
import io.callengine.core.agent.Presence;
import io.callengine.core.api.AgentSpec;
import io.callengine.core.api.CallCenterEngine;
import io.callengine.core.api.QueueSpec;
import io.callengine.core.call.Disposition;
import io.callengine.core.policy.CallerMatch;
import io.callengine.core.policy.RoutingPolicy;
import io.callengine.core.policy.RoutingRule;
import io.callengine.core.queue.WaitingCall;
import io.callengine.core.records.CallRecord;
import io.callengine.core.records.CallRecordFilter;
import io.callengine.sip.testing.OutgoingCall;
import io.callengine.sip.testing.TestPhone;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Queue limits, overflow, no-agent rules, routing policies and ring-all, through SIP on loopback. */
class QueueRulesTest {
  private static SipTestNode node;
  private static CallCenterEngine engine;
  private static int sipPort;

  @BeforeAll
  static void start() throws Exception {
    node = SipTestNode.start("37000-37999", "");
    engine = node.engine();
    sipPort = node.port();
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  private static void queue(QueueSpec spec) throws Exception {
    engine.admin().createQueue(spec).toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  private static TestPhone customer(String number) throws Exception {
    return node.phone(number);
  }

  private static TestPhone agent(String id, List<String> queues, TestPhone.Answer answer) throws Exception {
    engine.admin().createAgent(AgentSpec.of(id, "sip:" + id + "@127.0.0.1", id, "pw-" + id).withQueues(queues))
        .toCompletableFuture().get(5, TimeUnit.SECONDS);
    TestPhone phone = node.phone(id);
    phone.answer = answer;
    assertEquals(200, phone.register("pw-" + id, 300, "MD5"));
    engine.agent(id).updateStatus(Presence.AVAILABLE, null).toCompletableFuture().get(5, TimeUnit.SECONDS);
    return phone;
  }

  private static List<CallRecord> records(String caller) throws Exception {
    return engine.supervisor().calls(CallRecordFilter.all()).toCompletableFuture().get(5, TimeUnit.SECONDS).stream()
        .filter(r -> r.caller().contains(":" + caller + "@")).toList();
  }

  @Test
  void aFullQueueRefusesWithItsStatusOrSendsTheCallerToItsOverflow() throws Exception {
    queue(QueueSpec.of("tiny", "Tiny").withLimits(1, null, null));
    queue(QueueSpec.of("tiny2", "Tiny with overflow").withLimits(1, null, "spill"));
    queue(QueueSpec.of("spill", "Spill"));
    try (TestPhone first = customer("5551001"); TestPhone second = customer("5551002");
        TestPhone third = customer("5551003"); TestPhone fourth = customer("5551004")) {
      OutgoingCall a = first.call("tiny");
      assertEquals(200, a.awaitFinal().getStatusCode());
      assertEquals(486, second.call("tiny").awaitFinal().getStatusCode(), "full, no overflow: 486 (the default status)");
      OutgoingCall c = third.call("tiny2");
      assertEquals(200, c.awaitFinal().getStatusCode());
      OutgoingCall d = fourth.call("tiny2");
      assertEquals(200, d.awaitFinal().getStatusCode(), "full with overflow: the caller is queued in the overflow queue");
      eventually(Duration.ofSeconds(5), "the fourth caller waits in spill",
          () -> waiting("spill").size() == 1 && records("5551004").get(0).queueId().equals("spill"));
      eventually(Duration.ofSeconds(5), "the refused caller is recorded REJECTED",
          () -> records("5551002").get(0).disposition() == Disposition.REJECTED);
      for (OutgoingCall call : List.of(a, c, d)) call.hangUp();
    }
  }

  @Test
  void aCallerPastTheMaxWaitMovesToTheOverflowQueueOrTimesOut() throws Exception {
    queue(QueueSpec.of("slow", "Slow").withLimits(null, 1, "rescue"));
    queue(QueueSpec.of("rescue", "Rescue"));
    queue(QueueSpec.of("strict", "Strict").withLimits(null, 1, null));
    try (TestPhone mover = customer("5552001"); TestPhone quitter = customer("5552002")) {
      OutgoingCall moved = mover.call("slow");
      assertEquals(200, moved.awaitFinal().getStatusCode());
      OutgoingCall timedOut = quitter.call("strict");
      assertEquals(200, timedOut.awaitFinal().getStatusCode());
      eventually(Duration.ofSeconds(8), "after its max wait the call waits in the overflow queue", () -> waiting("rescue").size() == 1);
      eventually(Duration.ofSeconds(8), "without overflow the caller is hung up", () -> quitter.events.contains("BYE"));
      eventually(Duration.ofSeconds(5), "and recorded TIMED_OUT", () -> records("5552002").get(0).disposition() == Disposition.TIMED_OUT);
      try (TestPhone rita = agent("rita", List.of("rescue"), TestPhone.Answer.ANSWER)) {
        eventually(Duration.ofSeconds(8), "an agent of the overflow queue takes the moved call",
            () -> engine.admin().getAgent("rita").toCompletableFuture().get().activity() == Activity.ON_CALL);
        moved.hangUp();
      }
    }
  }

  @Test
  void anOverflowQueueWithNobodyLoggedInRefusesAMovedCallerToo() throws Exception {
    queue(QueueSpec.of("evening", "Evening").withLimits(null, 1, "shut"));
    queue(QueueSpec.of("shut", "Shut").withNoAgentRule("refuse", null));
    try (TestPhone caller = customer("5557001")) {
      OutgoingCall call = caller.call("evening");
      assertEquals(200, call.awaitFinal().getStatusCode());
      eventually(Duration.ofSeconds(8), "after its max wait the caller is hung up: the overflow queue refuses him",
          () -> caller.events.contains("BYE"));
      eventually(Duration.ofSeconds(5), "and the call is recorded OVERFLOWED",
          () -> records("5557001").get(0).disposition() == Disposition.OVERFLOWED);
      assertTrue(waiting("shut").isEmpty(), "nobody waits in a queue that refuses callers while nobody is logged in");
    }
  }

  @Test
  void aQueueWithNobodyLoggedInRefusesWhenConfiguredSo() throws Exception {
    queue(QueueSpec.of("night", "Night").withNoAgentRule("refuse", null));
    try (TestPhone caller = customer("5553001")) {
      assertEquals(480, caller.call("night").awaitFinal().getStatusCode());
    }
  }

  @Test
  void aCallerInAQueueWithNobodyLoggedInOverflowsAfterTheDelay() throws Exception {
    queue(QueueSpec.of("lonely", "Lonely").withLimits(null, null, "crowded").withNoAgentRule("overflow", 1));
    queue(QueueSpec.of("crowded", "Crowded"));
    try (TestPhone caller = customer("5556001")) {
      OutgoingCall call = caller.call("lonely");
      assertEquals(200, call.awaitFinal().getStatusCode(), "the caller is let in and waits the delay");
      eventually(Duration.ofSeconds(8), "then moves to the overflow queue", () -> waiting("crowded").size() == 1);
      call.hangUp();
    }
  }

  @Test
  void aVipPolicySendsTheCallerToItsQueueAheadOfEarlierCallers() throws Exception {
    queue(QueueSpec.of("general", "General"));
    engine.admin().createPolicy(new RoutingPolicy("vip", "VIP", 1, List.of(
        new RoutingRule("general", CallerMatch.exact("5554444"), null, null, "general", 10, null)), "UTC"))
        .toCompletableFuture().get(5, TimeUnit.SECONDS);
    try (TestPhone ordinary = customer("5554001"); TestPhone vip = customer("5554444")) {
      OutgoingCall first = ordinary.call("general");
      assertEquals(200, first.awaitFinal().getStatusCode());
      OutgoingCall second = vip.call("general");
      assertEquals(200, second.awaitFinal().getStatusCode());
      eventually(Duration.ofSeconds(5), "the VIP waits first although he called second", () -> {
        List<WaitingCall> line = waiting("general");
        return line.size() == 2 && line.get(0).priority() == 10;
      });
      first.hangUp();
      second.hangUp();
    }
  }

  @Test
  void ringAllRingsEveryAvailableAgentAndTheFirstAnswerWins() throws Exception {
    queue(QueueSpec.of("hunt", "Hunt group").withStrategy("ring-all"));
    try (TestPhone quick = agent("quick", List.of("hunt"), TestPhone.Answer.ANSWER);
        TestPhone slow1 = agent("slow1", List.of("hunt"), TestPhone.Answer.NEVER);
        TestPhone slow2 = agent("slow2", List.of("hunt"), TestPhone.Answer.NEVER);
        TestPhone caller = customer("5555001")) {
      OutgoingCall call = caller.call("hunt");
      assertEquals(200, call.awaitFinal().getStatusCode());
      eventually(Duration.ofSeconds(8), "quick answers", () ->
          engine.admin().getAgent("quick").toCompletableFuture().get().activity() == Activity.ON_CALL);
      eventually(Duration.ofSeconds(5), "the others stop ringing", () -> slow1.events.contains("CANCEL") && slow2.events.contains("CANCEL"));
      for (String id : List.of("slow1", "slow2")) {
        eventually(Duration.ofSeconds(5), id + " is free again",
            () -> engine.admin().getAgent(id).toCompletableFuture().get().activity() == Activity.IDLE);
      }
      assertTrue(quick.events.contains("INVITE") && slow1.events.contains("INVITE") && slow2.events.contains("INVITE"), "all three were rung");
      call.hangUp();
    }
  }

  private static List<WaitingCall> waiting(String queueId) throws Exception {
    return engine.supervisor().waitingCalls(queueId).toCompletableFuture().get(5, TimeUnit.SECONDS);
  }
}
