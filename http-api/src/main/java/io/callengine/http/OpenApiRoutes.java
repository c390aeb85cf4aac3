package io.callengine.http;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code GET /api/v1/openapi.json}: the OpenAPI document of this API, without a token. The
 * document is {@code docs/openapi.json} of the repository, which the build copies next to this
 * class; OpenApiDriftTest holds it and the routes to each other.
 */
final class OpenApiRoutes {
  static final String RESOURCE = "openapi.json";
  private final HttpResponse document;

  OpenApiRoutes() {
    this.document = HttpResponse.create().withEntity(ContentTypes.APPLICATION_JSON, load());
  }

  /** Matched at the root, ahead of the token check of {@code /api/v1}. */
  Route route() {
    return path(segment("api").slash("v1").slash("openapi.json"), () -> get(() -> complete(document)));
  }

  static byte[] load() {
    try (InputStream in = OpenApiRoutes.class.getResourceAsStream(RESOURCE)) {
      if (in == null) throw new IllegalStateException(RESOURCE + " is missing beside " + OpenApiRoutes.class.getName());
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
