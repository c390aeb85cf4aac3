package io.callengine.http;

import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;
import static org.apache.pekko.http.javadsl.server.Directives.post;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import io.callengine.core.api.CallCenterClient;
import io.callengine.core.auth.Principal;
import io.callengine.core.auth.Role;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code POST /api/v1/agents/{id}/calls/{callId}/hold} and {@code .../resume}: the agent (or an
 * admin) puts its connected call on hold or takes it off, through the agent's
 * {@link CallCenterClient}. Matched by {@link AgentRoutes} below the agent's path, which has let
 * through only the agent itself, an admin or a supervisor; a supervisor is refused here.
 */
final class HoldRoutes {
  private HoldRoutes() {}

  static Route route(Principal principal, CallCenterClient agent) {
    return pathPrefix(segment("calls").slash(segment()), callId -> concat(
        path("hold", () -> post(() -> allowed(principal, () -> Json.reply(() -> agent.hold(callId))))),
        path("resume", () -> post(() -> allowed(principal, () -> Json.reply(() -> agent.resume(callId)))))));
  }

  private static Route allowed(Principal principal, java.util.function.Supplier<Route> inner) {
    return Authenticator.allow(principal.role() != Role.SUPERVISOR, "only the agent itself or an admin may hold or resume its call", inner);
  }
}
