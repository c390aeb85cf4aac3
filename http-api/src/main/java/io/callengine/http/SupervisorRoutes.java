package io.callengine.http;

import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.parameterMap;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import io.callengine.core.api.SupervisorApi;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code /api/v1/supervisor}: live statistics, agents, the calls waiting in a queue, one call,
 * and call history, read through {@link SupervisorApi} by supervisor and admin tokens.
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
        path("calls", () -> get(() -> parameterMap(params -> Json.reply(() -> supervisor.calls(CallQuery.filter(params)))))),
        path(segment("calls").slash(segment()), callId -> get(() -> Json.reply(() -> supervisor.call(callId)))));
  }
}
