package io.callengine.http;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.onSuccess;
import static org.apache.pekko.http.javadsl.server.Directives.path;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code GET /metrics}: the node's meters in the Prometheus text format, without a token (as
 * {@code /health}), for Prometheus to scrape. The engine owns the registry; this renders it and
 * adds the event feeds' counters.
 */
final class MetricsRoutes {
  static final ContentType PROMETHEUS_TEXT = ContentTypes.parse("text/plain; version=0.0.4; charset=utf-8");
  private final PrometheusMeterRegistry registry;
  private final Executor blocking;

  /** {@code blocking} renders the text: with many queues and series it is real work, kept off the routing threads. */
  MetricsRoutes(PrometheusMeterRegistry registry, Executor blocking) {
    this.registry = registry;
    this.blocking = blocking;
    FunctionCounter.builder("callengine.events.dropped", EventFeed.class, feed -> EventFeed.droppedEvents())
        .description("Events dropped because an SSE or WebSocket client's buffer was full").register(registry);
    FunctionCounter.builder("callengine.events.clients.closed", EventFeed.class, feed -> EventFeed.slowClientsClosed())
        .description("Event feeds closed because their client stopped reading").register(registry);
  }

  Route route() {
    return path("metrics", () -> get(() -> onSuccess(CompletableFuture.supplyAsync(registry::scrape, blocking),
        text -> complete(HttpResponse.create().withEntity(PROMETHEUS_TEXT, text.getBytes(StandardCharsets.UTF_8))))));
  }
}
