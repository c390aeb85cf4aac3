package io.callengine.node;

import static io.callengine.core.testing.TestEngines.eventually;

import com.typesafe.config.ConfigFactory;
import io.callengine.core.testing.TestEngines;
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

/**
 * Engine nodes in one JVM forming one cluster on one in-memory database, each with its own SIP,
 * HTTP and cluster ports and every message serialized as if it crossed a node. The first node
 * started is the oldest (singletons, shard coordinator). {@link #crash} ends a node as a kill
 * would: its SIP stack and actor system stop without leaving the cluster.
 */
final class TestCluster implements AutoCloseable {
  static final String ADMIN = "cluster-admin-token";

  final List<Node> nodes = new ArrayList<>();
  final List<ApiClient> apis = new ArrayList<>();
  final List<Integer> sipPorts = new ArrayList<>();

  /** {@code rtpBase}: each node takes 1,000 RTP ports from there on, so that test classes stay apart. */
  static TestCluster start(int size, int rtpBase) throws Exception {
    return start(size, rtpBase, 1000, "");
  }

  /** Each node takes {@code rtpPorts} RTP ports from {@code rtpBase} on; {@code extraConfig} is HOCON laid over each node's. */
  static TestCluster start(int size, int rtpBase, int rtpPorts, String extraConfig) throws Exception {
    TestCluster cluster = new TestCluster();
    String database = "jdbc:h2:mem:cluster-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1;DATABASE_TO_UPPER=false";
    // Every port is chosen before any node starts, so no node's outbound connection takes one meanwhile.
    List<Integer> ports = new ArrayList<>();
    while (ports.size() < 3 * size) {
      int port = TestEngines.freePort();
      if (!ports.contains(port)) ports.add(port);
    }
    String firstSeed = "pekko://callengine@127.0.0.1:" + ports.get(0);
    for (int i = 0; i < size; i++) {
      int sipPort = ports.get(3 * i + 1);
      int httpPort = ports.get(3 * i + 2);
      cluster.nodes.add(Node.start(NodeConfig.load(ConfigFactory.parseString(String.format("""
          callengine.data-dir = "%s"
          callengine.admin-token = "%s"
          callengine.db.url = "%s"
          callengine.sip { host = 127.0.0.1, port = %d, rtp-ports = "%d-%d" }
          callengine.media { no-rtp-timeout = 10m, first-rtp-timeout = 10m }
          callengine.http { host = 127.0.0.1, port = %d }
          pekko.remote.artery.canonical.port = %d
          pekko.cluster.seed-nodes = ["%s"]
          pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
          pekko.coordinated-shutdown.exit-jvm = off
          # A crash: the node's actor system ends without leaving the cluster.
          pekko.coordinated-shutdown.run-by-actor-system-terminate = off
          pekko.actor.serialize-messages = on
          """, Files.createTempDirectory("callengine-cluster"), ADMIN, database, sipPort, rtpBase + i * rtpPorts,
          rtpBase + i * rtpPorts + rtpPorts - 1, httpPort, ports.get(3 * i), firstSeed) + extraConfig))));
      cluster.apis.add(new ApiClient(httpPort));
      cluster.sipPorts.add(sipPort);
    }
    eventually(Duration.ofSeconds(30), size + " members Up", () -> cluster.nodes.stream().allMatch(node ->
        StreamSupport.stream(Cluster.get(node.engine().system()).state().getMembers().spliterator(), false)
            .filter(m -> m.status() == MemberStatus.up()).count() == size));
    return cluster;
  }

  /** The node's SIP stack dies with it and its actor system ends without leaving: the survivors must down it. */
  void crash(int index) throws Exception {
    Node node = nodes.get(index);
    node.sip().stop().toCompletableFuture().get(10, TimeUnit.SECONDS);
    Adapter.toClassic(node.engine().system()).terminate();
    node.engine().system().getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws Exception {
    for (Node node : nodes) {
      if (!node.engine().system().getWhenTerminated().toCompletableFuture().isDone()) node.stop();
    }
  }
}
