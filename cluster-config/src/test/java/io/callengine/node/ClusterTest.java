package io.callengine.node;

import static io.callengine.core.testing.TestEngines.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import io.callengine.core.testing.TestEngines;
import io.callengine.sip.testing.OutgoingCall;
import io.callengine.sip.testing.TestPhone;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Three nodes in one JVM forming one cluster on one database, each with its own SIP, HTTP and
 * cluster ports, every message serialized as if it crossed a node. An agent registers through
 * every node, supervisors read through every node, and the oldest node (the one holding the
 * singletons and the shard coordinator) crashes while one call is bridged through it and
 * another waits on a survivor: the bridged call ends FAILED as node-lost, the agent is free
 * again and takes the waiting caller, and the survivors take new calls.
 */
class ClusterTest {
  private static final String ADMIN = "cluster-admin-token";
  private static final List<Node> nodes = new ArrayList<>();
  private static final List<ApiClient> apis = new ArrayList<>();
  private static final List<Integer> sipPorts = new ArrayList<>();

  @BeforeAll
  static void formCluster() throws Exception {
    String database = "jdbc:h2:mem:cluster-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1;DATABASE_TO_UPPER=false";
    // Every port is chosen before any node starts, so no node's outbound connection takes one meanwhile.
    List<Integer> ports = new ArrayList<>();
    while (ports.size() < 9) {
      int port = TestEngines.freePort();
      if (!ports.contains(port)) ports.add(port);
    }
    String firstSeed = "pekko://callengine@127.0.0.1:" + ports.get(0);
    for (int i = 0; i < 3; i++) {
      int clusterPort = ports.get(3 * i);
      int sipPort = ports.get(3 * i + 1);
      int httpPort = ports.get(3 * i + 2);
      nodes.add(Node.start(NodeConfig.load(ConfigFactory.parseString(String.format("""
          callengine.data-dir = "%s"
          callengine.admin-token = "%s"
          callengine.db.url = "%s"
          callengine.sip { host = 127.0.0.1, port = %d, rtp-ports = "%d-%d" }
          callengine.media { no-rtp-timeout = 10m }
          callengine.http { host = 127.0.0.1, port = %d }
          pekko.remote.artery.canonical.port = %d
          pekko.cluster.seed-nodes = ["%s"]
          pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
          pekko.coordinated-shutdown.exit-jvm = off
          # A crash: the node's actor system ends without leaving the cluster.
          pekko.coordinated-shutdown.run-by-actor-system-terminate = off
          pekko.actor.serialize-messages = on
          """, Files.createTempDirectory("callengine-cluster"), ADMIN, database, sipPort, 35000 + i * 1000, 35999 + i * 1000,
          httpPort, clusterPort, firstSeed)))));
      apis.add(new ApiClient(httpPort));
      sipPorts.add(sipPort);
    }
    eventually(Duration.ofSeconds(30), "three members Up", () -> nodes.stream().allMatch(node ->
        StreamSupport.stream(Cluster.get(node.engine().system()).state().getMembers().spliterator(), false)
            .filter(m -> m.status() == MemberStatus.up()).count() == 3));
    assertEquals(201, apis.get(1).call("POST", "/api/v1/admin/queues", ADMIN,
        "{\"id\":\"support\",\"name\":\"Support\",\"wrapUpSeconds\":0}").status());
    assertEquals(201, apis.get(2).call("POST", "/api/v1/admin/agents", ADMIN,
        "{\"id\":\"alice\",\"sipUri\":\"sip:alice@127.0.0.1\",\"displayName\":\"Alice\",\"password\":\"pw-alice\"}").status());
  }

  @AfterAll
  static void stop() throws Exception {
    for (Node node : nodes) {
      if (!node.engine().system().getWhenTerminated().toCompletableFuture().isDone()) node.stop();
    }
  }

  @Test
  void anAgentRegistersAndSupervisorsReadThroughEveryNodeAndANodeCrashLeavesNoCallBehind() throws Exception {
    // Every node registers alice (her entity lives on one of them) and answers supervisor reads.
    for (int i = 0; i < 3; i++) {
      try (TestPhone phone = new TestPhone("alice", TestEngines.freePort(), "127.0.0.1", sipPorts.get(i))) {
        assertEquals(200, phone.register("pw-alice", 600, "SHA-256"), "REGISTER through node " + i);
      }
      assertEquals(200, apis.get(i).call("GET", "/api/v1/queues/stats", ADMIN, null).status(), "queue stats on node " + i);
      assertEquals(200, apis.get(i).call("GET", "/api/v1/supervisor/stats", ADMIN, null).status(), "supervisor stats on node " + i);
    }

    Node oldest = nodes.get(0);
    try (TestPhone alice = new TestPhone("alice", TestEngines.freePort(), "127.0.0.1", sipPorts.get(1));
        TestPhone throughOldest = new TestPhone("5550001", TestEngines.freePort(), "127.0.0.1", sipPorts.get(0));
        TestPhone throughSurvivor = new TestPhone("5550002", TestEngines.freePort(), "127.0.0.1", sipPorts.get(1))) {
      ApiClient survivor = apis.get(1);
      assertEquals(200, alice.register("pw-alice", 600, "SHA-256"));
      assertEquals(200, survivor.call("PUT", "/api/v1/agents/alice/status", ADMIN, "{\"presence\":\"AVAILABLE\"}").status());

      OutgoingCall bridged = throughOldest.call("support");
      assertEquals(200, bridged.awaitFinal().getStatusCode());
      assertEquals("INVITE", alice.events.poll(10, TimeUnit.SECONDS));
      eventually(Duration.ofSeconds(10), "alice on the call through the oldest node", () -> activity(survivor).equals("ON_CALL"));
      OutgoingCall waiting = throughSurvivor.call("support");
      assertEquals(200, waiting.awaitFinal().getStatusCode(), "the second caller waits in line on a survivor");

      crash(oldest);
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
    }
  }

  /** The node's SIP stack dies with it and its actor system ends without leaving: the survivors must down it. */
  private static void crash(Node node) throws Exception {
    node.sip().stop().toCompletableFuture().get(10, TimeUnit.SECONDS);
    Adapter.toClassic(node.engine().system()).terminate();
    node.engine().system().getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
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
