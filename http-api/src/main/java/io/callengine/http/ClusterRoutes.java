package io.callengine.http;

import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.path;

import io.callengine.core.cluster.ClusterSnapshot;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code GET /api/v1/admin/cluster}: this node's view of its cluster (itself, the leader, the
 * oldest member, every member with status, roles and reachability, the unreachable ones), for the
 * admin. Matched below {@code /api/v1/admin}, which keeps it to the admin token.
 */
final class ClusterRoutes {
  private final Supplier<ClusterSnapshot> cluster;

  /** {@code cluster} answers at once: it reads the node's current membership view. */
  ClusterRoutes(Supplier<ClusterSnapshot> cluster) {
    this.cluster = cluster;
  }

  Route route() {
    return path("cluster", () -> get(() -> Json.ok(cluster.get())));
  }
}
