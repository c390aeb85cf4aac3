package io.callengine.http;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.delete;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.onSuccess;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathEnd;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;
import static org.apache.pekko.http.javadsl.server.Directives.post;
import static org.apache.pekko.http.javadsl.server.Directives.put;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import io.callengine.core.api.AdminApi;
import io.callengine.core.policy.RoutingPolicy;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code /api/v1/admin/routing-policies}: an admin creates, reads, replaces and deletes routing
 * policies through {@link AdminApi}. The body is the policy itself (days as MONDAY..., times as
 * 08:00), so what a GET returns can be PUT back.
 */
final class RoutingPolicyRoutes {
  private static final String LOCATION = "/api/v1/admin/routing-policies/";
  private final AdminApi admin;

  RoutingPolicyRoutes(AdminApi admin) {
    this.admin = admin;
  }

  /** Matched below {@code /api/v1/admin}. */
  Route route() {
    return pathPrefix("routing-policies", () -> concat(
        pathEnd(() -> concat(
            post(() -> Json.body(RoutingPolicy.class, body -> onSuccess(() -> admin.createPolicy(body),
                policy -> Json.created(LOCATION + policy.id(), policy)))),
            get(() -> Json.reply(admin::listPolicies)))),
        path(segment(), id -> concat(
            get(() -> Json.reply(() -> admin.getPolicy(id))),
            put(() -> Json.body(RoutingPolicy.class, body -> Json.reply(() -> admin.updatePolicy(id, body)))),
            delete(() -> onSuccess(() -> admin.deletePolicy(id), done -> complete(StatusCodes.NO_CONTENT)))))));
  }
}
