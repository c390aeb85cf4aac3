package io.callengine.http;

import io.callengine.core.api.QueueSpec;

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
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;

/** {@code /api/v1/admin/queues}: an admin creates, reads, changes and deletes queues through {@link AdminApi}. */
final class QueueRoutes {
  private static final String LOCATION = "/api/v1/admin/queues/";
  private final AdminApi admin;

  QueueRoutes(AdminApi admin) {
    this.admin = admin;
  }

  /** Matched below {@code /api/v1/admin}. */
  Route route() {
    return pathPrefix("queues", () -> concat(
        pathEnd(() -> concat(
            post(() -> Json.body(QueueSpec.class, body -> onSuccess(() -> admin.createQueue(body),
                queue -> Json.created(LOCATION + queue.config().id(), QueueResponse.from(queue))))),
            get(() -> onSuccess(admin::listQueues,
                queues -> Json.ok(queues.stream().map(QueueResponse::from).toList()))))),
        path(segment(), id -> concat(
            get(() -> onSuccess(() -> admin.getQueue(id), queue -> Json.ok(QueueResponse.from(queue)))),
            put(() -> Json.body(QueueSpec.class, body -> onSuccess(() -> admin.updateQueue(id, body),
                queue -> Json.ok(QueueResponse.from(queue))))),
            delete(() -> onSuccess(() -> admin.deleteQueue(id), done -> complete(StatusCodes.NO_CONTENT)))))));
  }
}
