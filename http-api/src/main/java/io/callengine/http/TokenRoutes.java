package io.callengine.http;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.delete;
import static org.apache.pekko.http.javadsl.server.Directives.onSuccess;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathEnd;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;
import static org.apache.pekko.http.javadsl.server.Directives.post;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import io.callengine.core.api.AdminApi;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;

/** {@code /api/v1/admin/tokens}: an admin mints supervisor and agent tokens and revokes them by label. */
final class TokenRoutes {
  private static final String LOCATION = "/api/v1/admin/tokens/";
  private final AdminApi admin;

  TokenRoutes(AdminApi admin) {
    this.admin = admin;
  }

  /** Matched below {@code /api/v1/admin}. */
  Route route() {
    return pathPrefix("tokens", () -> concat(
        pathEnd(() -> post(() -> Json.body(TokenRequest.class, body -> onSuccess(
            () -> admin.issueToken(body.checkedRole(), body.agentId(), body.label()),
            issued -> Json.created(LOCATION + issued.label(), TokenResponse.from(issued)))))),
        path(segment(), label -> delete(() -> onSuccess(() -> admin.revokeToken(label),
            done -> complete(StatusCodes.NO_CONTENT))))));
  }
}
