package io.callengine.http;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.onSuccess;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.post;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import io.callengine.core.api.CallCenterClient;
import io.callengine.core.auth.Principal;
import io.callengine.core.auth.Role;
import org.apache.pekko.http.javadsl.marshallers.jackson.Jackson;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code POST /api/v1/agents/{id}/calls/{callId}/transfer}: the agent's blind transfer of its
 * connected call (to a queue, an agent or an allowed outside address), through its
 * {@link CallCenterClient}; 202 once the call is handed over. Used by {@link AgentRoutes} below the
 * agent's path, where an agent token already reaches only its own agent; a supervisor may not transfer.
 */
final class TransferRoutes {
  private TransferRoutes() {}

  static Route route(Principal principal, CallCenterClient agent) {
    return path(segment("calls").slash(segment()).slash("transfer"), callId -> post(() -> Authenticator.allow(
        principal.role() != Role.SUPERVISOR, "only the agent itself or an admin may transfer an agent's call",
        () -> Json.body(TransferRequest.class, body -> onSuccess(() -> agent.transfer(callId, body.target()),
            call -> complete(StatusCodes.ACCEPTED, TransferResponse.of(call, body), Jackson.marshaller(Json.MAPPER)))))));
  }
}
