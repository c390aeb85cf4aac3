package io.callengine.http;

import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.parameterMap;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathEnd;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;
import static org.apache.pekko.http.javadsl.server.Directives.put;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import io.callengine.core.FieldError;
import io.callengine.core.api.CallCenterClient;
import io.callengine.core.api.SupervisorApi;
import io.callengine.core.auth.Principal;
import io.callengine.core.auth.Role;
import io.callengine.core.readside.AgentHistoryReport;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * What an agent's desktop uses: {@code /api/v1/agents/{id}} (the agent, its status, its calls
 * and its history) through the agent's {@link CallCenterClient}, and {@code /api/v1/queues/stats}.
 * An agent token reaches only its own agent; admin and supervisor tokens may read any agent, and
 * only the agent itself or an admin may change its status.
 */
final class AgentRoutes {
  private final Function<String, CallCenterClient> clients;
  private final SupervisorApi supervisor;

  AgentRoutes(Function<String, CallCenterClient> clients, SupervisorApi supervisor) {
    this.clients = clients;
    this.supervisor = supervisor;
  }

  /** Matched below {@code /api/v1}. */
  Route route(Principal principal) {
    return concat(
        path(segment("queues").slash("stats"), () -> get(() -> Json.reply(supervisor::queueStats))),
        pathPrefix(segment("agents").slash(segment()), id -> Authenticator.allow(principal.mayActAsAgent(id),
            "an agent token may only act on its own agent", () -> agent(principal, clients.apply(id)))));
  }

  private static Route agent(Principal principal, CallCenterClient agent) {
    return concat(
        pathEnd(() -> get(() -> Json.reply(agent::me))),
        path("status", () -> put(() -> Authenticator.allow(principal.role() != Role.SUPERVISOR,
            "only the agent itself or an admin may set an agent's status",
            () -> Json.body(StatusRequest.class,
                body -> Json.reply(() -> agent.updateStatus(body.checkedPresence(), body.reason())))))),
        path("calls", () -> get(() -> parameterMap(params -> Json.reply(() -> agent.calls(CallQuery.filter(params)))))),
        RecordingPauseRoutes.route(principal, agent),
        HoldRoutes.route(principal, agent),
        TransferRoutes.route(principal, agent),
        ConsultRoutes.route(principal, agent),
        path("history", () -> get(() -> parameterMap(params -> Json.reply(() -> history(agent, params))))));
  }

  /** {@code from} and {@code to} as ISO-8601 instants; the engine fills in what is missing and checks the order. */
  private static CompletionStage<AgentHistoryReport> history(CallCenterClient agent, Map<String, String> params) {
    List<FieldError> errors = new ArrayList<>();
    Instant from = CallQuery.instant(params, "from", errors);
    Instant to = CallQuery.instant(params, "to", errors);
    CallQuery.refuseIfAny(errors);
    return agent.getAgentHistory(from, to);
  }
}
