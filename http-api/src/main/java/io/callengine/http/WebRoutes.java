package io.callengine.http;

import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.getFromResource;
import static org.apache.pekko.http.javadsl.server.Directives.getFromResourceDirectory;
import static org.apache.pekko.http.javadsl.server.Directives.pathEndOrSingleSlash;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;
import static org.apache.pekko.http.javadsl.server.Directives.respondWithHeaders;

import java.util.List;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The browser pages the engine serves itself, without a token (each page asks for one and then
 * uses the API): the supervisor wallboard at {@code /wallboard}, the agent page at {@code /agent},
 * and their scripts and styles under {@code /web/}. The files are resources of this module
 * ({@code web/}); nothing is fetched from anywhere else, and the Content-Security-Policy says so.
 */
final class WebRoutes {
  private static final List<HttpHeader> HEADERS = List.of(
      RawHeader.create("Cache-Control", "no-cache"),
      RawHeader.create("X-Content-Type-Options", "nosniff"),
      RawHeader.create("Referrer-Policy", "no-referrer"),
      RawHeader.create("Content-Security-Policy",
          "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"));

  /** Matched at the root; other paths pass through untouched (no rejection), so they keep their 404 or 405. */
  Route route() {
    return concat(
        pathPrefix("wallboard", () -> pathEndOrSingleSlash(() -> serve(() -> getFromResource("web/wallboard.html")))),
        pathPrefix("agent", () -> pathEndOrSingleSlash(() -> serve(() -> getFromResource("web/agent.html")))),
        pathPrefix("web", () -> serve(() -> getFromResourceDirectory("web"))));
  }

  private static Route serve(Supplier<Route> file) {
    return get(() -> respondWithHeaders(HEADERS, file));
  }
}
