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

import io.callengine.core.api.CallCenterClient;
import io.callengine.core.auth.Principal;
import io.callengine.core.auth.Role;
import io.callengine.core.call.ConsultView;
import io.callengine.core.call.TransferTarget;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.marshallers.jackson.Jackson;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The agent's consult on its connected call, through its {@link CallCenterClient}:
 * {@code POST /api/v1/agents/{id}/calls/{callId}/consult} (202, the target rings while the caller
 * waits on hold), then {@code .../consult/complete} (attended transfer), {@code .../consult/conference}
 * and {@code .../consult/cancel} (or {@code DELETE .../consult}). Matched by {@link AgentRoutes} below
 * the agent's path, where an agent token reaches only its own agent; a supervisor may not consult.
 */
final class ConsultRoutes {
  private ConsultRoutes() {}

  /** The body of the consult: exactly one of {@code agentId} and {@code address} (a queue is refused). */
  record ConsultRequest(String agentId, String address, String queueId) {
    TransferTarget target() {
      return new TransferTarget(queueId, agentId, address, null, null);
    }
  }

  static Route route(Principal principal, CallCenterClient agent) {
    return pathPrefix(segment("calls").slash(segment()).slash("consult"), callId -> allowed(principal, () -> concat(
        pathEnd(() -> concat(
            post(() -> Json.body(ConsultRequest.class, body -> onSuccess(() -> agent.consult(callId, body.target()),
                consult -> complete(StatusCodes.ACCEPTED, consult, Jackson.marshaller(Json.MAPPER))))),
            delete(() -> change(agent, callId, ConsultView.State.ENDED)))),
        path("complete", () -> post(() -> change(agent, callId, ConsultView.State.COMPLETED))),
        path("conference", () -> post(() -> change(agent, callId, ConsultView.State.CONFERENCE))),
        path("cancel", () -> post(() -> change(agent, callId, ConsultView.State.ENDED))))));
  }

  private static Route change(CallCenterClient agent, String callId, ConsultView.State to) {
    return Json.reply(() -> agent.changeConsult(callId, to));
  }

  private static Route allowed(Principal principal, Supplier<Route> inner) {
    return Authenticator.allow(principal.role() != Role.SUPERVISOR, "only the agent itself or an admin may consult on an agent's call", inner);
  }
}
