package io.callengine.core.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.callengine.core.EngineException;
import io.callengine.core.Refusal;
import io.callengine.core.directory.Directory;
import io.callengine.core.testing.TestEngines;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Names stay unique across agents and queues, and a refused request moves nothing. */
class AdminApiTest {
  private static CallCenterEngine engine;

  @BeforeAll
  static void start() throws Exception {
    engine = TestEngines.start(TestEngines.config(""));
  }

  @AfterAll
  static void stop() throws Exception {
    engine.shutdown().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  private static Refusal refusalOf(CompletionStage<?> stage) {
    ExecutionException e = assertThrows(ExecutionException.class, () -> await(stage));
    return ((EngineException) e.getCause()).refusal();
  }

  private static String ownerOfSipUser(String user) throws Exception {
    return engine.lookups().agentForSipUser(user).orElse(null);
  }

  @Test
  void aRefusedDuplicateAgentLeavesTheSipUserWithItsOwner() throws Exception {
    AdminApi admin = engine.admin();
    await(admin.createAgent(AgentSpec.of("alice", "sip:alice@example.com", "Alice", "pw-alice")));
    assertEquals(Refusal.CONFLICT, refusalOf(admin.createAgent(AgentSpec.of("alice", "sip:zed@example.com", "Alice", "pw-zed"))));
    assertEquals("alice", ownerOfSipUser("alice"), "the duplicate moved nothing");
    assertEquals(null, ownerOfSipUser("zed"));
    assertEquals(Refusal.CONFLICT, refusalOf(admin.createAgent(AgentSpec.of("mallory", "sip:alice@example.com", "M", "pw-mallory"))),
        "another agent cannot take alice's SIP user");
  }

  @Test
  void aRefusedDuplicateQueueLeavesTheAddressWithItsOwner() throws Exception {
    AdminApi admin = engine.admin();
    await(admin.createQueue(QueueSpec.of("billing", "Billing")));
    QueueSpec duplicate = new QueueSpec("billing", "Billing", "other", null, null, null, null, null, null, null, null, null, null, null, null);
    assertEquals(Refusal.CONFLICT, refusalOf(admin.createQueue(duplicate)));
    QueueSpec thief = new QueueSpec("thief", "Thief", "billing", null, null, null, null, null, null, null, null, null, null, null, null);
    assertEquals(Refusal.CONFLICT, refusalOf(admin.createQueue(thief)), "another queue cannot take the address");
    assertEquals("billing", await(admin.getQueue("billing")).config().sipAddress());
  }

  @Test
  void unknownIdsAreNotFound() {
    assertEquals(Refusal.NOT_FOUND, refusalOf(engine.admin().getAgent("ghost")));
    assertEquals(Refusal.NOT_FOUND, refusalOf(engine.admin().deleteQueue("ghost")));
    assertEquals(Refusal.NOT_FOUND, refusalOf(engine.supervisor().call("no-such-call")));
  }
}
