package io.callengine.core.api;

import static io.callengine.core.testing.TestEngines.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.callengine.core.agent.AgentView;
import io.callengine.core.events.AgentStatusChanged;
import io.callengine.core.events.CallCenterEvent;
import io.callengine.core.queue.QueueEntity;
import io.callengine.core.testing.TestEngines;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.cluster.sharding.typed.GetShardRegionState;
import org.apache.pekko.cluster.sharding.ShardRegion.CurrentShardRegionState;
import org.apache.pekko.cluster.typed.Cluster;
import org.junit.jupiter.api.Test;

/**
 * A JVM service that joins the cluster as a client (role {@code client}) to use the actor
 * protocol: it gets the facades, sharding proxies and the event topic, and hosts no entity:
 * every queue and agent it creates lives on the engine node.
 */
class ClientRoleTest {

  @Test
  void aClientNodeUsesTheFacadesAndHostsNothing() throws Exception {
    String database = "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1;DATABASE_TO_UPPER=false";
    CallCenterEngine engine = TestEngines.start(ConfigFactory.parseString("callengine.db.url = \"" + database + "\"")
        .withFallback(TestEngines.config("")));
    CallCenterEngine client = null;
    try {
      String engineAddress = Cluster.get(engine.system()).selfMember().address().toString();
      client = TestEngines.start(ConfigFactory.parseString("""
              callengine.db.url = "%s"
              pekko.cluster.roles = ["client"]
              pekko.cluster.seed-nodes = ["%s"]
              pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
              """.formatted(database, engineAddress))
          .withFallback(TestEngines.config("")));
      assertTrue(Cluster.get(client.system()).selfMember().getRoles().contains("client"));
      assertTrue(!Cluster.get(client.system()).selfMember().getRoles().contains("engine"), "a client is not an engine node");

      BlockingQueue<CallCenterEvent> events = new LinkedBlockingQueue<>();
      try (CallCenterListener.Subscription subscription = client.addListener(new CallCenterListener() {
        @Override
        public void onEvent(CallCenterEvent event) {
          events.add(event);
        }
      })) {
        client.admin().createQueue(QueueSpec.of("support", "Support")).toCompletableFuture().get(10, TimeUnit.SECONDS);
        AgentView alice = client.admin().createAgent(AgentSpec.of("alice", "sip:alice@example.com", "Alice", "pw-alice"))
            .toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals("alice", alice.id());
        eventually(Duration.ofSeconds(10), "the engine's event reaches the client's listener",
            () -> events.stream().anyMatch(e -> e instanceof AgentStatusChanged a && a.agentId().equals("alice")));
      }
      assertEquals(1, client.supervisor().stats().toCompletableFuture().get(10, TimeUnit.SECONDS).agentsOffline(),
          "the Router singleton answers the client");

      assertEquals(0, shardsHostedBy(client), "the client hosts no queue shard");
      assertEquals(1, shardsHostedBy(engine), "the engine hosts the queue");
    } finally {
      if (client != null) client.shutdown().toCompletableFuture().get(30, TimeUnit.SECONDS);
      engine.shutdown().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  private static int shardsHostedBy(CallCenterEngine node) {
    TestProbe<CurrentShardRegionState> probe = TestProbe.create(node.system());
    node.sharding().shardState().tell(new GetShardRegionState(QueueEntity.ENTITY_KEY, probe.getRef()));
    return probe.receiveMessage(Duration.ofSeconds(10)).getShards().size();
  }
}
