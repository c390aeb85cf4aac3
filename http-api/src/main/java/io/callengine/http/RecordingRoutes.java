package io.callengine.http;

import static org.apache.pekko.http.javadsl.server.Directives.onSuccess;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import io.callengine.core.api.SupervisorApi;
import io.callengine.core.call.CallStatus;
import io.callengine.core.recording.RecordingLookup;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code GET /api/v1/supervisor/calls/{callId}/recording} (and HEAD), matched below
 * {@code /api/v1/supervisor}, so for supervisor and admin tokens: the ended call's recording as
 * {@code audio/wav} with range support, from this node, the shared directory, or the node that
 * wrote it ({@link RecordingProxy}). 404 for an unknown call or a call without a recording, 409
 * while the call is still going on (its recording is being written).
 */
final class RecordingRoutes {
  private final SupervisorApi supervisor;
  private final RecordingLookup lookup;
  private final RecordingProxy proxy;

  RecordingRoutes(SupervisorApi supervisor, RecordingLookup lookup, RecordingProxy proxy) {
    this.supervisor = supervisor;
    this.lookup = lookup;
    this.proxy = proxy;
  }

  Route route() {
    return path(segment("calls").slash(segment()).slash("recording"), callId -> RecordingFiles.getOrHead(head ->
        onSuccess(() -> supervisor.call(callId), call -> call.status() != CallStatus.ENDED
            ? Problems.complete(StatusCodes.CONFLICT, "call " + callId + " is still going on; its recording is served once it has ended")
            : onSuccess(() -> lookup.locate(callId), source -> source.map(where -> serve(callId, where, head)).orElseGet(() ->
                Problems.complete(StatusCodes.NOT_FOUND, "call " + callId + " has no recording"))))));
  }

  private Route serve(String callId, RecordingLookup.Source where, boolean head) {
    if (where instanceof RecordingLookup.Remote remote) return proxy.serve(callId, remote, head);
    return RecordingFiles.serve(((RecordingLookup.Local) where).file());
  }
}
