package io.callengine.http;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.onSuccess;
import static org.apache.pekko.http.javadsl.server.Directives.optionalHeaderValueByName;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import io.callengine.core.recording.RecordingLookup;
import java.util.List;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.HttpChallenge;
import org.apache.pekko.http.javadsl.model.headers.WWWAuthenticate;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code GET /internal/recordings/{callId}}: this node's own copy of a recording, for another
 * node of the cluster that serves it to a supervisor ({@link RecordingProxy}). Only a member
 * may ask: the bearer token is this node's secret, which members learn from its
 * {@code RecordingLocator} over cluster messaging. Range headers work as on the public route.
 */
final class InternalRecordingRoutes {
  private static final String BEARER = "Bearer ";
  private final RecordingLookup lookup;

  InternalRecordingRoutes(RecordingLookup lookup) {
    this.lookup = lookup;
  }

  Route route() {
    return path(segment("internal").slash("recordings").slash(segment()), callId -> RecordingFiles.getOrHead(head ->
        optionalHeaderValueByName("Authorization", authorization -> {
          if (authorization.isEmpty()) {
            return complete(Problems.response(StatusCodes.UNAUTHORIZED, "a cluster member's bearer token is required")
                .withHeaders(List.of(WWWAuthenticate.create(HttpChallenge.create("Bearer", "call-engine-cluster")))));
          }
          String token = authorization.get().startsWith(BEARER) ? authorization.get().substring(BEARER.length()) : null;
          if (!lookup.isNodeSecret(token)) {
            return Problems.complete(StatusCodes.FORBIDDEN, "only another node of this cluster may fetch recordings here");
          }
          return onSuccess(() -> lookup.local(callId), file -> file.map(RecordingFiles::serve).orElseGet(() ->
              Problems.complete(StatusCodes.NOT_FOUND, "this node holds no recording of call " + callId)));
        })));
  }
}
