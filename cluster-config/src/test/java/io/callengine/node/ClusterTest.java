package io.callengine.node;

import static io.callengine.core.testing.TestEngines.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.callengine.core.agent.AgentEntity;
import io.callengine.core.agent.Reservation;
import io.callengine.core.api.CallCenterEngine;
import io.callengine.core.testing.TestEngines;
import io.callengine.sip.testing.OutgoingCall;
import io.callengine.sip.testing.TestPhone;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.sip.message.Response;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Three nodes in one JVM forming one cluster on one database, each with its own SIP, HTTP and
 * cluster ports, every message serialized as if it crossed a node. An agent registers through
 * every node, supervisors read through every node, and the oldest node (the one holding the
 * singletons and the shard coordinator) crashes while one call is bridged through it and
 * another waits on a survivor: the bridged call ends FAILED as node-lost, the agent is free
 * again and takes the waiting caller, and the survivors take new calls. A second agent was
 * reserved by the lost Router for a call it never offered: the Router that takes over lets her go.
 * A consult her phone places through a node that does not hold her call is refused there.
 */
class ClusterTest {
  private static final String ADMIN = TestCluster.ADMIN;
  private static TestCluster cluster;
  private static List<Node> nodes;
  private static List<ApiClient> apis;
  private static List<Integer> sipPorts;

  @BeforeAll
  static void formCluster() throws Exception {
    cluster = TestCluster.start(3, 35000);
    nodes = cluster.nodes;
    apis = cluster.apis;
    sipPorts = cluster.sipPorts;
    assertEquals(201, apis.get(1).call("POST", "/api/v1/admin/queues", ADMIN,
        "{\"id\":\"support\",\"name\":\"Support\",\"wrapUpSeconds\":0}").status());
    assertEquals(201, apis.get(2).call("POST", "/api/v1/admin/agents", ADMIN,
        "{\"id\":\"alice\",\"sipUri\":\"sip:alice@127.0.0.1\",\"displayName\":\"Alice\",\"password\":\"pw-alice\"}").status());
    assertEquals(201, apis.get(1).call("POST", "/api/v1/admin/queues", ADMIN, "{\"id\":\"sales\",\"name\":\"Sales\"}").status());
    // Carol serves sales only, so she never takes the support callers of the test.
    assertEquals(201, apis.get(2).call("POST", "/api/v1/admin/agents", ADMIN, "{\"id\":\"carol\",\"sipUri\":\"sip:carol@127.0.0.1\","
        + "\"displayName\":\"Carol\",\"password\":\"pw-carol\",\"queues\":[\"sales\"]}").status());
  }

  @AfterAll
  static void stop() throws Exception {
    cluster.close();
  }

  @Test
  void anAgentRegistersAndSupervisorsReadThroughEveryNodeAndANodeCrashLeavesNoCallBehind() throws Exception {
    // Every node registers alice (her entity lives on one of them) and answers supervisor reads.
    for (int i = 0; i < 3; i++) {
      try (TestPhone phone = new TestPhone("alice", TestEngines.freePort(), "127.0.0.1", sipPorts.get(i))) {
        assertEquals(200, phone.register("pw-alice", 600, "MD5"), "REGISTER through node " + i);
      }
      assertEquals(200, apis.get(i).call("GET", "/api/v1/queues/stats", ADMIN, null).status(), "queue stats on node " + i);
      assertEquals(200, apis.get(i).call("GET", "/api/v1/supervisor/stats", ADMIN, null).status(), "supervisor stats on node " + i);
    }

    try (TestPhone alice = new TestPhone("alice", TestEngines.freePort(), "127.0.0.1", sipPorts.get(1));
        TestPhone throughOldest = new TestPhone("5550001", TestEngines.freePort(), "127.0.0.1", sipPorts.get(0));
        TestPhone throughSurvivor = new TestPhone("5550002", TestEngines.freePort(), "127.0.0.1", sipPorts.get(1))) {
      ApiClient survivor = apis.get(1);
      assertEquals(200, alice.register("pw-alice", 600, "MD5"));
      assertEquals(200, survivor.call("PUT", "/api/v1/agents/alice/status", ADMIN, "{\"presence\":\"AVAILABLE\"}").status());

      OutgoingCall bridged = throughOldest.call("support");
      assertEquals(200, bridged.awaitFinal().getStatusCode());
      assertEquals("INVITE", alice.events.poll(10, TimeUnit.SECONDS));
      eventually(Duration.ofSeconds(10), "alice on the call through the oldest node", () -> activity(survivor).equals("ON_CALL"));
      // Her phone talks to node 1, the call's legs are on node 0: a consult needs the call's media, so node 1 refuses it.
      Response elsewhere = alice.callThroughEngine("sip:carol@127.0.0.1:" + sipPorts.get(1), "pw-alice").awaitFinal();
      assertEquals(403, elsewhere.getStatusCode(), "a phone's consult through a node that does not hold its call: 403");
      assertEquals("The call runs on another node", elsewhere.getReasonPhrase());
      OutgoingCall waiting = throughSurvivor.call("support");
      assertEquals(200, waiting.awaitFinal().getStatusCode(), "the second caller waits in line on a survivor");
      reservedByTheRouterAboutToBeLost("carol");

      cluster.crash(0);
      eventually(Duration.ofSeconds(40), "the bridged call ends FAILED as node-lost", () ->
          records(survivor).stream().anyMatch(r -> r.get("disposition").asText().equals("FAILED")
              && r.path("endReason").asText().startsWith("node-lost")));
      // alice's phone still holds the dead node's dialog: hang it up as a person would, then she takes the waiting caller.
      eventually(Duration.ofSeconds(20), "alice rung for the caller who waited on a survivor", () -> {
        String event = alice.events.poll(200, TimeUnit.MILLISECONDS);
        return "INVITE".equals(event);
      });
      eventually(Duration.ofSeconds(10), "alice on the waiting caller's call", () -> activity(survivor).equals("ON_CALL"));
      try (TestPhone newcomer = new TestPhone("5550003", TestEngines.freePort(), "127.0.0.1", sipPorts.get(2))) {
        OutgoingCall late = newcomer.call("support");
        assertEquals(200, late.awaitFinal().getStatusCode(), "a survivor takes a new call");
        assertEquals(200, late.hangUp().getStatusCode());
      }
      assertEquals(200, waiting.hangUp().getStatusCode());
      eventually(Duration.ofSeconds(10), "one record per call: the lost one, the answered one, the newcomer who gave up",
          () -> dispositions(survivor).equals(List.of("ABANDONED", "COMPLETED", "FAILED")));
      assertTrue(records(survivor).stream().filter(r -> r.get("disposition").asText().equals("FAILED"))
          .allMatch(r -> r.get("agentId").asText().equals("alice")), "the lost call was alice's");
      eventually(Duration.ofSeconds(20), "carol, reserved for a call the lost Router never offered, is free again", () -> {
        JsonNode carol = survivor.call("GET", "/api/v1/agents/carol", ADMIN, null).json();
        return carol.get("activity").asText().equals("IDLE") && carol.get("currentCalls").isEmpty();
      });
    }
  }

  /** What the Router does before an offer, here on its last breath: carol's entity stores a reservation no offer follows. */
  private static void reservedByTheRouterAboutToBeLost(String agentId) throws Exception {
    try (TestPhone phone = new TestPhone(agentId, TestEngines.freePort(), "127.0.0.1", sipPorts.get(2))) {
      assertEquals(200, phone.register("pw-" + agentId, 600, "MD5"));
    }
    assertEquals(200, apis.get(2).call("PUT", "/api/v1/agents/" + agentId + "/status", ADMIN, "{\"presence\":\"AVAILABLE\"}").status());
    CallCenterEngine engine = nodes.get(2).engine();
    Reservation reservation = engine.asks().<AgentEntity.Command, Reservation>ask(
        engine.sharding().entityRefFor(AgentEntity.ENTITY_KEY, agentId), r -> new AgentEntity.Reserve("offer-lost-with-the-router", r))
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertEquals("offer-lost-with-the-router", reservation.callId());
    eventually(Duration.ofSeconds(10), agentId + " reserved", () -> apis.get(1).call("GET", "/api/v1/agents/" + agentId, ADMIN, null)
        .json().get("activity").asText().equals("RESERVED"));
  }

  private static String activity(ApiClient api) throws Exception {
    return api.call("GET", "/api/v1/agents/alice", ADMIN, null).json().get("activity").asText();
  }

  private static List<String> dispositions(ApiClient api) throws Exception {
    return records(api).stream().map(r -> r.get("disposition").asText()).sorted().toList();
  }

  private static List<JsonNode> records(ApiClient api) throws Exception {
    JsonNode calls = api.call("GET", "/api/v1/supervisor/calls", ADMIN, null).json();
    return StreamSupport.stream(calls.spliterator(), false).filter(c -> c.hasNonNull("disposition")).toList();
  }
}
