package io.callengine.core.cluster;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * This node as its cluster and its operators see it: the membership view ({@link #snapshot()}),
 * what keeps the node from being ready beyond being Up ({@link #notReadyReasons()}: on the losing
 * side of a partition, or draining), and the cluster gauges in the metrics registry. The engine
 * creates one per node and folds the reasons into its health report; the SIP gateway starts the
 * drain when the node is stopping; the HTTP API serves the snapshot.
 */
public final class NodeStatus {
  private static final List<MemberStatus> STATUSES = List.of(MemberStatus.joining(), MemberStatus.weaklyUp(), MemberStatus.up(),
      MemberStatus.leaving(), MemberStatus.exiting(), MemberStatus.down(), MemberStatus.removed(), MemberStatus.shuttingDown(),
      MemberStatus.shutDown());

  private final ActorSystem<?> system;
  private final BooleanSupplier ready;
  private final Map<Address, Instant> upSince = new ConcurrentHashMap<>();
  private volatile boolean draining;

  private NodeStatus(ActorSystem<?> system, BooleanSupplier ready) {
    this.system = system;
    this.ready = ready;
  }

  /**
   * Starts the member event log and registers the gauges. {@code ready} is the node's whole
   * readiness (what {@code GET /health/ready} answers), which takes more than this class knows.
   */
  public static NodeStatus start(ActorSystem<?> system, Clock clock, MeterRegistry metrics, BooleanSupplier ready) {
    NodeStatus node = new NodeStatus(system, ready);
    system.systemActorOf(MemberEventLog.create(clock, node.upSince), "cluster-member-events", Props.empty());
    for (MemberStatus status : STATUSES) {
      Gauge.builder("callengine.cluster.members", node, n -> n.count(status))
          .tag("status", ClusterSnapshot.statusName(status).toLowerCase(Locale.ROOT))
          .description("Cluster members this node sees, by status").register(metrics);
    }
    Gauge.builder("callengine.cluster.unreachable.members", node, n -> Cluster.get(n.system).state().getUnreachable().size())
        .description("Cluster members this node, or a member it hears from, cannot reach").register(metrics);
    Gauge.builder("callengine.node.ready", node, n -> n.ready.getAsBoolean() ? 1 : 0)
        .description("1 when this node is ready (GET /health/ready answers 200), else 0").register(metrics);
    return node;
  }

  public ClusterSnapshot snapshot() {
    Cluster cluster = Cluster.get(system);
    return ClusterSnapshot.of(cluster.state(), cluster.selfMember().address(), upSince);
  }

  /** Empty unless this node is on the losing side of a partition or draining; being Up is the engine's own check. */
  public List<String> notReadyReasons() {
    List<String> reasons = new ArrayList<>();
    ClusterSnapshot.minorityReason(Cluster.get(system).state()).ifPresent(reasons::add);
    if (draining) reasons.add("draining: this node is stopping and takes no new calls");
    return reasons;
  }

  /** From now on the node is not ready; there is no way back, the node is stopping. */
  public void startDraining() {
    draining = true;
  }

  public boolean draining() {
    return draining;
  }

  private int count(MemberStatus status) {
    int n = 0;
    for (Member m : Cluster.get(system).state().getMembers()) if (m.status() == status) n++;
    return n;
  }
}
