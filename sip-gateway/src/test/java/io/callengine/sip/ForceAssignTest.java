package io.callengine.sip;

import static io.callengine.core.testing.TestEngines.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.callengine.core.EngineException;
import io.callengine.core.Refusal;
import io.callengine.core.agent.Activity;
import io.callengine.core.agent.Presence;
import io.callengine.core.api.AgentSpec;
import io.callengine.core.api.CallCenterEngine;
import io.callengine.core.api.QueueSpec;
import io.callengine.core.queue.QueueConfig;
import io.callengine.sip.testing.OutgoingCall;
import io.callengine.sip.testing.TestPhone;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A supervisor sends a waiting call to an agent the strategy would not pick; the agent's own state still decides. */
class ForceAssignTest {
  private static SipTestNode node;
  private static CallCenterEngine engine;
  private static int sipPort;

  @BeforeAll
  static void start() throws Exception {
    node = SipTestNode.start("36000-36999", "");
    engine = node.engine();
    sipPort = node.port();
    engine.admin().createQueue(QueueSpec.of("french", "French")
        .withRequiredSkills(List.of(new QueueConfig.RequiredSkill("french", 3)))).toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  @Test
  void aWaitingCallGoesToTheChosenAgentOnlyIfTheAgentCanTakeIt() throws Exception {
    for (String id : List.of("nina", "omar")) {
      engine.admin().createAgent(AgentSpec.of(id, "sip:" + id + "@127.0.0.1", id, "pw-" + id)).toCompletableFuture().get(5, TimeUnit.SECONDS);
    }
    try (TestPhone nina = node.phone("nina");
        TestPhone customer = node.phone("5553333")) {
      assertEquals(200, nina.register("pw-nina", 300, "MD5"));
      engine.agent("nina").updateStatus(Presence.AVAILABLE, null).toCompletableFuture().get(5, TimeUnit.SECONDS);
      engine.agent("omar").updateStatus(Presence.BREAK, "lunch").toCompletableFuture().get(5, TimeUnit.SECONDS);

      OutgoingCall call = customer.call("french");
      assertEquals(200, call.awaitFinal().getStatusCode());
      String callId = waitingCallId();
      // The Router's own view, once it has both: nina available, the call waiting, and nobody
      // available for the french queue. Nina lacks the skill: the strategy cannot offer her the call.
      eventually(Duration.ofSeconds(5), "the Router sees nina available and the call waiting in french, with nobody for it", () -> {
        var french = engine.supervisor().queueStats().toCompletableFuture().get().stream()
            .filter(q -> q.queueId().equals("french")).findFirst().orElseThrow();
        return engine.supervisor().stats().toCompletableFuture().get().availableAgents() == 1
            && french.waiting() == 1 && french.availableAgents() == 0;
      });
      assertEquals(Activity.IDLE, activity("nina"));

      assertEquals(Refusal.CONFLICT, refusal(() -> engine.supervisor().assign(callId, "omar").toCompletableFuture().get()),
          "omar is on a break: 409");
      assertEquals(Refusal.NOT_FOUND, refusal(() -> engine.supervisor().assign(callId, "nobody").toCompletableFuture().get()));
      assertEquals(Refusal.NOT_FOUND, refusal(() -> engine.supervisor().assign("no-such-call", "nina").toCompletableFuture().get()));

      engine.supervisor().assign(callId, "nina").toCompletableFuture().get(5, TimeUnit.SECONDS);
      eventually(Duration.ofSeconds(5), "nina takes the assigned call", () -> activity("nina") == Activity.ON_CALL);
      assertEquals(Refusal.CONFLICT, refusal(() -> engine.supervisor().assign(callId, "nina").toCompletableFuture().get()),
          "a call no longer waiting cannot be assigned");
      assertEquals(200, call.hangUp().getStatusCode());
    }
  }

  private static String waitingCallId() throws Exception {
    String[] id = new String[1];
    eventually(Duration.ofSeconds(5), "the call waits in the french queue", () -> {
      var waiting = engine.supervisor().waitingCalls("french").toCompletableFuture().get();
      if (waiting.isEmpty()) return false;
      id[0] = waiting.get(0).callId();
      return true;
    });
    return id[0];
  }

  private static Activity activity(String agentId) throws Exception {
    return engine.admin().getAgent(agentId).toCompletableFuture().get(5, TimeUnit.SECONDS).activity();
  }

  private interface Call {
    void run() throws Exception;
  }

  private static Refusal refusal(Call call) {
    ExecutionException e = assertThrows(ExecutionException.class, call::run);
    return ((EngineException) e.getCause()).refusal();
  }
}
