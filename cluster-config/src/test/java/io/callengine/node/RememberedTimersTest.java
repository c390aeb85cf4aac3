package io.callengine.node;

import static io.callengine.core.testing.TestEngines.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.callengine.core.queue.QueueEntity;
import io.callengine.core.testing.TestEngines;
import io.callengine.sip.testing.OutgoingCall;
import io.callengine.sip.testing.TestPhone;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.StreamSupport;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.cluster.sharding.ShardRegion.CurrentShardRegionState;
import org.apache.pekko.cluster.sharding.typed.GetShardRegionState;
import org.junit.jupiter.api.Test;

/**
 * A queue's max-wait deadline fires without a visitor after the queue's node dies: the queue is
 * a remembered entity, so it starts again on a survivor by itself. The crashed node is not the
 * oldest, so the Router stays where it is and does not rebuild (which would wake every entity
 * anyway); nothing else asks the queue anything.
 */
class RememberedTimersTest {

  @Test
  void aWaitingCallersMaxWaitFiresAfterItsQueuesNodeDies() throws Exception {
    try (TestCluster cluster = TestCluster.start(3, 39000)) {
      ApiClient api = cluster.apis.get(0);
      for (int i = 0; i < 8; i++) {
        assertEquals(201, api.call("POST", "/api/v1/admin/queues", TestCluster.ADMIN,
            "{\"id\":\"timed" + i + "\",\"name\":\"Timed\",\"maxWaitSeconds\":4}").status());
      }
      // A queue whose entity lives on node 1 or 2, never on node 0 (the oldest, running the Router).
      int[] placed = IntStream.range(0, 8).map(i -> hostOf(cluster, "timed" + i)).toArray();
      int queue = IntStream.range(0, 8).filter(i -> placed[i] > 0).findFirst().orElseThrow();
      int host = placed[queue];

      try (TestPhone caller = new TestPhone("5559001", TestEngines.freePort(), "127.0.0.1", cluster.sipPorts.get(0))) {
        OutgoingCall call = caller.call("timed" + queue);
        assertEquals(200, call.awaitFinal().getStatusCode(), "the caller waits in line");
        call.useAnswer();
        cluster.crash(host);
        Instant crashed = Instant.now();
        eventually(Duration.ofSeconds(40), "the max wait fires on a survivor and the caller is hung up",
            () -> "BYE".equals(caller.events.poll(200, TimeUnit.MILLISECONDS)));
        eventually(Duration.ofSeconds(10), "the call is recorded TIMED_OUT",
            () -> record(api, "timed" + queue).map(r -> r.get("disposition").asText().equals("TIMED_OUT")).orElse(false));
        JsonNode record = record(api, "timed" + queue).orElseThrow();
        assertTrue(Instant.parse(record.get("endedAt").asText()).isAfter(crashed),
            "the deadline fired after the crash, on the queue's new node");
      }
    }
  }

  /** The index of the node whose shard region holds the queue's entity, or -1. */
  private static int hostOf(TestCluster cluster, String queueId) {
    for (int i = 0; i < cluster.nodes.size(); i++) {
      var system = cluster.nodes.get(i).engine().system();
      TestProbe<CurrentShardRegionState> probe = TestProbe.create(system);
      cluster.nodes.get(i).engine().sharding().shardState().tell(new GetShardRegionState(QueueEntity.ENTITY_KEY, probe.getRef()));
      boolean here = probe.receiveMessage(Duration.ofSeconds(10)).getShards().stream()
          .anyMatch(shard -> shard.getEntityIds().contains(queueId));
      if (here) return i;
    }
    return -1;
  }

  private static Optional<JsonNode> record(ApiClient api, String queueId) throws Exception {
    JsonNode calls = api.call("GET", "/api/v1/supervisor/calls?queueId=" + queueId, TestCluster.ADMIN, null).json();
    return StreamSupport.stream(calls.spliterator(), false).filter(c -> c.hasNonNull("disposition")).findFirst();
  }
}
