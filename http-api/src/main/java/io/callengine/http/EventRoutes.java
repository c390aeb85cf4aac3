package io.callengine.http;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.handleWebSocketMessages;
import static org.apache.pekko.http.javadsl.server.Directives.parameterMap;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathEnd;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import io.callengine.core.auth.Principal;
import io.callengine.core.auth.Tokens;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.pekko.NotUsed;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.headers.CacheControl;
import org.apache.pekko.http.javadsl.model.headers.CacheDirectives;
import org.apache.pekko.http.javadsl.model.headers.Connection;
import org.apache.pekko.http.javadsl.model.ws.Message;
import org.apache.pekko.http.javadsl.model.ws.TextMessage;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.settings.ServerSettings;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * {@code GET /api/v1/events} (Server-Sent Events: {@code event: <type>} and {@code data: <json>}
 * per event, a comment line as keep-alive) and {@code GET /api/v1/events/ws} (WebSocket: one JSON
 * text message per event): the engine's public events as {@code {type, at, ...}}, filtered by
 * {@code ?types=} and {@code ?queueId=} and scoped to the token ({@link EventFilter}). A feed the
 * server ends (its token revoked, a client too slow to keep up, shutdown) finishes with a
 * {@code closed} event carrying the {@code reason}; the WebSocket then closes normally, since
 * Pekko HTTP gives a handler no way to pick another close code.
 */
final class EventRoutes {
  private static final ByteString KEEP_ALIVE = ByteString.fromString(": keep-alive\n\n");

  private final EventFeeds feeds;

  EventRoutes(EventFeeds feeds) {
    this.feeds = feeds;
  }

  /** Matched below {@code /api/v1}. */
  Route route(Principal principal) {
    return pathPrefix("events", () -> get(() -> parameterMap(params -> Authenticator.token(token -> {
      String tokenHash = Tokens.hash(token.orElseThrow());
      return concat(
          pathEnd(() -> serverSentEvents(feed(params, principal, tokenHash))),
          path("ws", () -> webSocket(params, principal, tokenHash)));
    }))));
  }

  private Source<EventFeed.Item, NotUsed> feed(Map<String, String> params, Principal principal, String tokenHash) {
    return feeds.open(EventFilter.parse(params, principal), tokenHash);
  }

  /** The connection closes with the stream, so that the last event is flushed rather than cut off by the server's termination. */
  private Route serverSentEvents(Source<EventFeed.Item, NotUsed> feed) {
    Source<ByteString, NotUsed> frames = feed.map(EventRoutes::sseFrame).keepAlive(feeds.settings().keepAlive(), () -> KEEP_ALIVE);
    return complete(HttpResponse.create()
        .withHeaders(List.of(CacheControl.create(CacheDirectives.NO_CACHE), Connection.create("close")))
        .withEntity(HttpEntities.createChunked(MediaTypes.TEXT_EVENT_STREAM.toContentType(), frames)));
  }

  /** The filter is read before the upgrade, so that a bad one is a 400 rather than a socket that closes. */
  private Route webSocket(Map<String, String> params, Principal principal, String tokenHash) {
    Source<Message, NotUsed> out = feed(params, principal, tokenHash).map(item -> TextMessage.create(json(item)));
    return handleWebSocketMessages(Flow.fromSinkAndSourceCoupled(drainIncoming(), out));
  }

  /** What a client sends is read and ignored (a streamed message left unread would stall the socket). */
  private static Sink<Message, NotUsed> drainIncoming() {
    return Flow.<Message>create().flatMapConcat(EventRoutes::parts).to(Sink.ignore());
  }

  private static Source<NotUsed, NotUsed> parts(Message message) {
    Source<?, ?> parts = message.isText() ? message.asTextMessage().getStreamedText() : message.asBinaryMessage().getStreamedData();
    return parts.map(part -> NotUsed.notUsed()).mapMaterializedValue(mat -> NotUsed.notUsed());
  }

  /** The server settings with WebSocket pings after {@code keep-alive} of silence (the pings keep idle feeds open). */
  static ServerSettings pingIdleWebSockets(ServerSettings settings, Config config) {
    Duration keepAlive = config.getDuration("callengine.http.events.keep-alive");
    return settings.withWebsocketSettings(settings.getWebsocketSettings().withPeriodicKeepAliveMaxIdle(keepAlive));
  }

  static ByteString sseFrame(EventFeed.Item item) {
    return ByteString.fromString("event: " + type(item) + "\ndata: " + json(item) + "\n\n");
  }

  /** The item as the API shows it: {@code type} first, then the event's own fields as the API's ObjectMapper writes them. */
  static String json(EventFeed.Item item) {
    ObjectNode node = Json.MAPPER.createObjectNode().put("type", type(item));
    Object body = item instanceof EventFeed.Published published ? published.event() : item;
    node.setAll((ObjectNode) Json.MAPPER.valueToTree(body));
    try {
      return Json.MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("an event could not be written as JSON", e);
    }
  }

  private static String type(EventFeed.Item item) {
    if (item instanceof EventFeed.Published published) return published.event().type();
    return item instanceof EventFeed.QueueStats ? EventFeed.QUEUE_STATS : EventFeed.CLOSED;
  }
}
