package io.callengine.node;

import static io.callengine.core.testing.TestEngines.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callengine.core.api.CallCenterEngine;
import io.callengine.core.api.CallDecision;
import io.callengine.core.api.CallHandler;
import io.callengine.core.api.IncomingCall;
import io.callengine.core.api.QueueSpec;
import io.callengine.core.queue.QueueConfig;
import io.callengine.core.queue.WaitingCall;
import io.callengine.core.testing.TestEngines;
import io.callengine.sip.testing.OutgoingCall;
import io.callengine.sip.testing.TestPhone;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.sip.message.Response;
import org.junit.jupiter.api.Test;

/**
 * A call handler registered on one node of a two-node cluster decides the calls the other node
 * takes, every message serialized as it crosses: a queue decision with its priority and extra
 * skill, and a rejection with its status and reason. Once the second node has a handler of its
 * own, it asks that one and no longer the first node's.
 */
class CallHandlerClusterTest {

  @Test
  void aHandlerOnOneNodeDecidesTheCallsOfTheOtherUntilThatNodeHasItsOwn() throws Exception {
    try (TestCluster cluster = TestCluster.start(2, 45200, 100, "")) {
      CallCenterEngine first = cluster.nodes.get(0).engine();
      CallCenterEngine second = cluster.nodes.get(1).engine();
      first.admin().createQueue(QueueSpec.of("support", "Support")).toCompletableFuture().get(10, TimeUnit.SECONDS);
      first.admin().createQueue(QueueSpec.of("vip", "VIP")).toCompletableFuture().get(10, TimeUnit.SECONDS);
      List<IncomingCall> askedOnFirst = new CopyOnWriteArrayList<>();
      CallHandler onFirst = call -> {
        askedOnFirst.add(call);
        return CompletableFuture.completedFuture(call.header("X-Account").orElse("").equals("blocked")
            ? CallDecision.reject(603, "Account blocked")
            : CallDecision.queue("vip", 8, List.of(new QueueConfig.RequiredSkill("german", 2))));
      };
      CallHandler.Registration registration = first.registerCallHandler(onFirst);
      registration.whenActive().toCompletableFuture().get(10, TimeUnit.SECONDS);
      eventually(Duration.ofSeconds(20), "the second node knows the first node's handler", () -> second.callHandlers().count() == 1);

      try (TestPhone caller = phone(cluster, 1, "5558001"); TestPhone blocked = phone(cluster, 1, "5558002")) {
        OutgoingCall call = caller.call("support", "Hans", Map.of("X-Account", "gold-4711"));
        assertEquals(200, call.awaitFinal().getStatusCode());
        assertEquals(1, askedOnFirst.size(), "the first node's handler was asked about the second node's call");
        IncomingCall seen = askedOnFirst.get(0);
        assertEquals("Hans", seen.callerName());
        assertEquals(List.of("gold-4711"), seen.headers().get("x-account"), "the headers crossed the nodes, still case-insensitive");
        List<WaitingCall> line = second.supervisor().waitingCalls("vip").toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals(1, line.size(), "the call waits in the handler's queue, not in support");
        assertEquals(seen.callId(), line.get(0).callId());
        assertEquals(8, line.get(0).priority());
        assertEquals(List.of(new QueueConfig.RequiredSkill("german", 2)), line.get(0).extraSkills());

        Response refused = blocked.call("support", null, Map.of("X-Account", "blocked")).awaitFinal();
        assertEquals(603, refused.getStatusCode());
        assertEquals("Account blocked", refused.getReasonPhrase());
        assertEquals(2.0, second.metrics().get("callengine.call.handler").tag("outcome", "decided").counter().count());
        assertEquals(200, call.hangUp().getStatusCode());
      }

      CallHandler onSecond = call -> CompletableFuture.completedFuture(CallDecision.reject(486, "Busy Here"));
      try (CallHandler.Registration own = second.registerCallHandler(onSecond)) {
        own.whenActive().toCompletableFuture().get(10, TimeUnit.SECONDS);
        int askedBefore = askedOnFirst.size();
        for (int i = 0; i < 3; i++) {
          try (TestPhone caller = phone(cluster, 1, "555810" + i)) {
            Response busy = caller.call("support").awaitFinal();
            assertEquals(486, busy.getStatusCode(), "the second node asks its own handler");
            assertEquals("Busy Here", busy.getReasonPhrase());
          }
        }
        assertEquals(askedBefore, askedOnFirst.size(), "and not the first node's");
        try (TestPhone caller = phone(cluster, 0, "5558201")) {
          OutgoingCall call = caller.call("support");
          assertEquals(200, call.awaitFinal().getStatusCode(), "the first node still asks its own, which queues the call");
          assertEquals(askedBefore + 1, askedOnFirst.size());
          assertEquals(200, call.hangUp().getStatusCode());
        }
      }

      registration.unregister().toCompletableFuture().get(10, TimeUnit.SECONDS);
      eventually(Duration.ofSeconds(20), "no handler left anywhere", () -> second.callHandlers().count() == 0);
      try (TestPhone caller = phone(cluster, 1, "5558301")) {
        OutgoingCall call = caller.call("support");
        assertEquals(200, call.awaitFinal().getStatusCode());
        eventually(Duration.ofSeconds(10), "without a handler the call waits in the queue it dialed", () ->
            second.supervisor().waitingCalls("support").toCompletableFuture().get(10, TimeUnit.SECONDS).size() == 1);
        assertTrue(askedOnFirst.stream().noneMatch(c -> c.caller().contains("5558301")));
        assertEquals(200, call.hangUp().getStatusCode());
      }
    }
  }

  private static TestPhone phone(TestCluster cluster, int node, String user) throws Exception {
    return new TestPhone(user, TestEngines.freePort(), "127.0.0.1", cluster.sipPorts.get(node));
  }
}
