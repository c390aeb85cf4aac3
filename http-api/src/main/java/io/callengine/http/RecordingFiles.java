package io.callengine.http;

import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.getFromFile;
import static org.apache.pekko.http.javadsl.server.Directives.head;
import static org.apache.pekko.http.javadsl.server.Directives.mapRequest;

import java.nio.file.Path;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * How a recording file is served, by {@link RecordingRoutes} and {@link InternalRecordingRoutes}:
 * Pekko HTTP's {@code getFromFile}, which streams the file from disk (never whole in memory) with
 * {@code Accept-Ranges}, single and multiple byte ranges (206), 416 for an unsatisfiable range,
 * and ETag / Last-Modified conditionals. HEAD is answered as GET without the body.
 */
final class RecordingFiles {
  static final ContentType WAV = ContentTypes.create(MediaTypes.AUDIO_WAV);

  private RecordingFiles() {}

  static Route serve(Path file) {
    return getFromFile(file.toFile(), WAV);
  }

  /** GET and HEAD; {@code inner} sees a GET either way and is told whether it was HEAD. */
  static Route getOrHead(Function<Boolean, Route> inner) {
    return concat(
        get(() -> inner.apply(false)),
        head(() -> mapRequest(request -> request.withMethod(HttpMethods.GET), () -> inner.apply(true))));
  }
}
