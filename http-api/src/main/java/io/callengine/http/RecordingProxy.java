package io.callengine.http;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.extractRequest;
import static org.apache.pekko.http.javadsl.server.Directives.onComplete;

import io.callengine.core.recording.RecordingLookup;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.Uri;
import org.apache.pekko.http.javadsl.model.headers.Authorization;
import org.apache.pekko.http.javadsl.server.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves a recording that another node holds: the request's range and conditional headers go to
 * that node's {@code /internal/recordings/{callId}} ({@link InternalRecordingRoutes}) and its
 * answer (200, 206, 304, 416...) streams back as it is, so Pekko HTTP on the owning node applies
 * the ranges to its own file and only the asked bytes cross the network.
 */
final class RecordingProxy {
  private static final Set<String> PASSED_ON =
      Set.of("range", "if-range", "if-match", "if-none-match", "if-modified-since", "if-unmodified-since");
  private static final Logger log = LoggerFactory.getLogger(RecordingProxy.class);
  private final Http http;

  RecordingProxy(ActorSystem<?> system) {
    this.http = Http.get(system);
  }

  Route serve(String callId, RecordingLookup.Remote remote, boolean head) {
    return extractRequest(request -> {
      HttpRequest forward = HttpRequest.create()
          .withUri(Uri.create(remote.fetchBase()).addPathSegment("internal").addPathSegment("recordings").addPathSegment(callId))
          .withMethod(head ? HttpMethods.HEAD : HttpMethods.GET)
          .addHeader(Authorization.oauth2(remote.secret()))
          .addHeaders(passedOn(request));
      return onComplete(() -> http.singleRequest(forward), answer -> {
        if (answer.isSuccess()) return complete(answer.get());
        log.warn("Fetching the recording of call {} from {} failed: {}", callId, remote.fetchBase(), answer.failed().get().toString());
        return Problems.complete(StatusCodes.SERVICE_UNAVAILABLE, "the node holding the recording of call " + callId
            + " did not answer; retry shortly");
      });
    });
  }

  /** The headers that decide which bytes (or none, 304) the owning node answers. */
  private static List<HttpHeader> passedOn(HttpRequest request) {
    List<HttpHeader> headers = new ArrayList<>();
    for (HttpHeader header : request.getHeaders()) if (PASSED_ON.contains(header.lowercaseName())) headers.add(header);
    return headers;
  }
}
