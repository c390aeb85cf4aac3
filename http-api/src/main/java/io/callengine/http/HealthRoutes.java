package io.callengine.http;

import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.onSuccess;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;

import io.callengine.core.api.HealthReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Liveness and readiness for load balancers and orchestrators ({@code /health/*}, no token), and
 * the full report an admin reads at {@code /api/v1/admin/health}. Ready means the report is UP:
 * the node is Up in its cluster and in its reachable majority, not draining, the database
 * answers and every registered component (SIP, HTTP) is up.
 */
final class HealthRoutes {
  private static final Map<String, String> UP = Map.of("status", "UP");
  private final Supplier<HealthReport> health;

  /** {@code health} answers at once: the database check behind it runs in the background. */
  HealthRoutes(Supplier<HealthReport> health) {
    this.health = health;
  }

  Route route() {
    return pathPrefix("health", () -> concat(
        path("live", () -> get(() -> Json.ok(UP))),
        path("ready", () -> get(() -> onSuccess(this::report, report -> report.status().equals("UP")
            ? Json.ok(UP)
            : Problems.complete(StatusCodes.SERVICE_UNAVAILABLE, "not ready: " + reasons(report)))))));
  }

  /** Matched below {@code /api/v1/admin}. */
  Route adminRoute() {
    return path("health", () -> get(() -> Json.reply(this::report)));
  }

  private CompletionStage<HealthReport> report() {
    return CompletableFuture.completedFuture(health.get());
  }

  private static String reasons(HealthReport report) {
    List<String> reasons = new ArrayList<>();
    if (report.status().equals("DOWN")) reasons.add("this node is not Up in its cluster");
    reasons.addAll(report.warnings());
    return String.join("; ", reasons);
  }
}
