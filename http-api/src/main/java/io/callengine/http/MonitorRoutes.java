package io.callengine.http;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.delete;
import static org.apache.pekko.http.javadsl.server.Directives.onSuccess;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.post;
import static org.apache.pekko.http.javadsl.server.Directives.put;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import io.callengine.core.api.MonitorApi;
import io.callengine.core.auth.Principal;
import io.callengine.core.call.Monitoring;
import java.time.Instant;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code /api/v1/supervisor/calls/{id}/monitor}: a supervisor (or the admin) listens to, whispers
 * to or barges into a connected call from a registered phone, switches mode, and ends it, through
 * {@link MonitorApi}. The monitoring is recorded as the token's label's.
 */
final class MonitorRoutes {
  /** POST: the mode, and the supervisor's phone as its account's id ({@code phone}) or its SIP address ({@code sipUri}). */
  record MonitorRequest(String mode, String phone, String sipUri) {}

  /** PUT: the new mode. */
  record ModeRequest(String mode) {}

  /** A monitoring as the API shows it. */
  record MonitorResponse(String callId, String monitorId, String supervisor, String phone, String mode, Instant since) {
    static MonitorResponse of(String callId, Monitoring m) {
      return new MonitorResponse(callId, m.id(), m.supervisor(), m.phone(), m.mode().label(), m.since());
    }
  }

  private final MonitorApi monitors;

  MonitorRoutes(MonitorApi monitors) {
    this.monitors = monitors;
  }

  /** Matched below {@code /api/v1/supervisor}, for a supervisor or admin {@code principal}. */
  Route route(Principal principal) {
    return path(segment("calls").slash(segment()).slash("monitor"), callId -> concat(
        post(() -> Json.body(MonitorRequest.class, body -> onSuccess(
            () -> monitors.start(callId, principal.label(), body.mode(), body.phone(), body.sipUri()),
            m -> Json.created("/api/v1/supervisor/calls/" + callId + "/monitor", MonitorResponse.of(callId, m))))),
        put(() -> Json.body(ModeRequest.class, body -> onSuccess(() -> monitors.change(callId, body.mode()),
            m -> Json.ok(MonitorResponse.of(callId, m))))),
        delete(() -> onSuccess(() -> monitors.end(callId, principal.label()), done -> complete(StatusCodes.NO_CONTENT)))));
  }
}
