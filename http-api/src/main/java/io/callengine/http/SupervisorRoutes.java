package io.callengine.http;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.parameterMap;
import static org.apache.pekko.http.javadsl.server.Directives.onSuccess;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.post;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import io.callengine.core.FieldError;
import io.callengine.core.api.SupervisorApi;
import java.util.List;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code /api/v1/supervisor}: live statistics, agents, the calls waiting in a queue, one call,
 * call history and performance metrics, read through {@link SupervisorApi} by supervisor and
 * admin tokens; and
 * force-assigning a waiting call to an agent (202, or 409 when the agent cannot take it).
 */
final class SupervisorRoutes {
  private final SupervisorApi supervisor;

  SupervisorRoutes(SupervisorApi supervisor) {
    this.supervisor = supervisor;
  }

  /** Matched below {@code /api/v1/supervisor}. */
  Route route() {
    return concat(
        path("stats", () -> get(() -> Json.reply(supervisor::stats))),
        path("agents", () -> get(() -> Json.reply(supervisor::agents))),
        path(segment("agents").slash(segment()).slash("calls"), agentId -> get(() -> parameterMap(
            params -> Json.reply(() -> supervisor.agentCalls(agentId, CallQuery.filter(params)))))),
        path(segment("queues").slash(segment()).slash("calls"), queueId -> get(() -> Json.reply(() -> supervisor.waitingCalls(queueId)))),
        path("metrics", () -> get(() -> parameterMap(params -> Json.reply(() -> {
          MetricsQuery query = MetricsQuery.read(params);
          return supervisor.getPerformanceMetrics(query.from(), query.to(), query.queueId(), query.interval());
        })))),
        path("calls", () -> get(() -> parameterMap(params -> Json.reply(() -> supervisor.calls(CallQuery.filter(params)))))),
        path(segment("calls").slash(segment()), callId -> get(() -> Json.reply(() -> supervisor.call(callId)))),
        path(segment("calls").slash(segment()).slash("assign"), callId -> post(() -> Json.body(AssignRequest.class, body ->
            body.agentId() == null
                ? Directives.complete(Problems.response(StatusCodes.BAD_REQUEST, "say which agent takes the call",
                    List.of(new FieldError("agentId", "is required"))))
                : onSuccess(() -> supervisor.assign(callId, body.agentId()), done -> complete(StatusCodes.ACCEPTED))))));
  }
}
