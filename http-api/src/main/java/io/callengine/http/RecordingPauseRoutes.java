package io.callengine.http;

import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.post;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import io.callengine.core.api.CallCenterClient;
import io.callengine.core.auth.Principal;
import io.callengine.core.auth.Role;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code POST /api/v1/agents/{id}/calls/{callId}/recording/pause} and {@code .../resume}: the agent
 * (or an admin) pauses and resumes the recording of the agent's connected call, answered with the
 * call. A supervisor may not (403); an unknown call or one that is not the agent's is 404; a call
 * not connected, not recorded or already in that state is 409. Used by {@link AgentRoutes}.
 */
final class RecordingPauseRoutes {
  private RecordingPauseRoutes() {}

  /** Matched below {@code /api/v1/agents/{id}}, once the principal may act as that agent. */
  static Route route(Principal principal, CallCenterClient agent) {
    return concat(action(principal, agent, "pause", true), action(principal, agent, "resume", false));
  }

  private static Route action(Principal principal, CallCenterClient agent, String name, boolean paused) {
    return path(segment("calls").slash(segment()).slash("recording").slash(name),
        callId -> post(() -> Authenticator.allow(principal.role() != Role.SUPERVISOR,
            "only the agent itself or an admin may pause or resume a recording",
            () -> Json.reply(() -> agent.pauseRecording(callId, paused)))));
  }
}
