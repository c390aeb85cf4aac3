package io.callengine.http;

import io.callengine.core.api.AgentSpec;

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

import io.callengine.core.agent.Skill;
import io.callengine.core.api.AdminApi;
import java.util.Arrays;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code /api/v1/admin/agents}: an admin creates, reads, changes and deletes agents and sets
 * their skills through {@link AdminApi}. Responses are agent views, which carry no password.
 */
final class AdminAgentRoutes {
  private static final String LOCATION = "/api/v1/admin/agents/";
  private final AdminApi admin;

  AdminAgentRoutes(AdminApi admin) {
    this.admin = admin;
  }

  /** Matched below {@code /api/v1/admin}. */
  Route route() {
    return pathPrefix("agents", () -> concat(
        pathEnd(() -> concat(
            post(() -> Json.body(AgentSpec.class, body -> onSuccess(() -> admin.createAgent(body),
                agent -> Json.created(LOCATION + agent.id(), agent)))),
            get(() -> Json.reply(admin::listAgents)))),
        pathPrefix(segment(), id -> concat(
            pathEnd(() -> concat(
                get(() -> Json.reply(() -> admin.getAgent(id))),
                put(() -> Json.body(AgentSpec.class, body -> Json.reply(() -> admin.updateAgent(id, body)))),
                delete(() -> onSuccess(() -> admin.deleteAgent(id), done -> complete(StatusCodes.NO_CONTENT))))),
            path("skills", () -> put(() -> Json.body(Skill[].class,
                skills -> Json.reply(() -> admin.updateSkills(id, Arrays.asList(skills))))))))));
  }
}
