package io.callengine.http;

import static io.callengine.http.TestNode.ADMIN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code callengine.http.request-head-timeout}, set to 1 s here, over raw sockets to the real
 * port: a client that sends its head a line at a time, or nothing, or nothing more after a
 * response, is closed without an answer; a complete head in time is answered; an open SSE feed
 * and an open WebSocket outlive the timeout. Every wait is for the server's doing, bounded by
 * {@link #BOUND}.
 */
class RequestHeadTimeoutTest {
  private static final Duration BOUND = Duration.ofSeconds(10);
  private static final long TIMEOUT_MILLIS = 1_000;
  private static TestNode node;

  @BeforeAll
  static void start() throws Exception {
    node = TestNode.start("callengine.http { request-head-timeout = 1s, events { keep-alive = 300ms, queue-stats-interval = 300ms } }");
  }

  @AfterAll
  static void stop() throws Exception {
    if (node != null) node.close();
  }

  @Test
  void aClientSendingOneHeaderLineAtATimeIsClosedWithoutAnAnswer() throws Exception {
    long start = System.nanoTime();
    try (RawHttp raw = new RawHttp(node.base())) {
      raw.send("GET /health/live HTTP/1.1\r\nHost: localhost\r\n");
      boolean closed = false;
      // A header line every 250 ms: 40 lines in the bound, under the 64 that the header limit would refuse.
      for (int line = 0; !closed && System.nanoTime() - start < BOUND.toNanos(); line++) {
        closed = raw.readUntilClosed(Duration.ofMillis(250));
        if (!closed) closed = !sent(raw, "X-Slow-" + line + ": " + line + "\r\n");
      }
      long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertTrue(closed, "the slow client is still connected after " + elapsed + " ms");
      assertTrue(elapsed >= TIMEOUT_MILLIS - 100, "closed after " + elapsed + " ms, before the timeout");
      assertEquals("", raw.received(), "no answer, only the close");
    }
  }

  @Test
  void aConnectionThatSendsNothingIsClosed() throws Exception {
    try (RawHttp raw = new RawHttp(node.base())) {
      assertTrue(raw.readUntilClosed(BOUND), "the silent connection is still open");
      assertEquals("", raw.received());
    }
  }

  @Test
  void aKeepAliveConnectionIsAnsweredAndThenClosedWhenNoNextRequestComes() throws Exception {
    try (RawHttp raw = new RawHttp(node.base())) {
      raw.send("GET /health/live HTTP/1.1\r\nHost: localhost\r\n\r\n");
      assertTrue(raw.readUntilClosed(BOUND), "the idle keep-alive connection is still open");
      assertTrue(raw.received().startsWith("HTTP/1.1 200 OK"), raw.received());
    }
  }

  @Test
  void anOpenEventStreamAndAnOpenWebSocketOutliveTheTimeout() throws Exception {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    Pings pings = new Pings();
    URI ws = URI.create(node.base().toString().replace("http://", "ws://") + "/api/v1/events/ws");
    WebSocket socket = client.newWebSocketBuilder().header("Authorization", "Bearer " + ADMIN).buildAsync(ws, pings)
        .get(10, TimeUnit.SECONDS);
    try (RawHttp sse = new RawHttp(node.base())) {
      sse.send("GET /api/v1/events HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + ADMIN + "\r\n\r\n");
      assertFalse(sse.readUntil(text -> text.contains("\r\n\r\n"), BOUND), "the feed closed at once: " + sse.received());
      assertTrue(sse.received().startsWith("HTTP/1.1 200 OK"), sse.received());

      // Three silent connections, one after the other, opened after both feeds: once the last is
      // closed, the feeds have been open for more than three timeouts.
      for (int i = 0; i < 3; i++) {
        try (RawHttp silent = new RawHttp(node.base())) {
          assertTrue(silent.readUntilClosed(BOUND), "the silent connection is still open");
        }
      }
      int seen = sse.received().length();
      int wsFrames = pings.frames.availablePermits();
      assertFalse(sse.readUntil(text -> frames(text.substring(seen)) >= 2, BOUND), "the event stream was closed");
      assertTrue(frames(sse.received().substring(seen)) >= 2, "the event stream went on: " + sse.received().substring(seen));
      assertTrue(pings.frames.tryAcquire(wsFrames + 2, BOUND.toSeconds(), TimeUnit.SECONDS), "the WebSocket went on");
      assertFalse(pings.closed.isDone(), "the WebSocket was closed");
    } finally {
      socket.abort();
    }
  }

  /** Keep-alive comments and events in a piece of an SSE stream. */
  private static int frames(String stream) {
    return stream.split(": keep-alive|event: ", -1).length - 1;
  }

  private static boolean sent(RawHttp raw, String text) {
    try {
      raw.send(text);
      return true;
    } catch (SocketException closedByTheServer) {
      return false;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Counts what the server sends on the WebSocket (messages and pings) and notes its close. */
  private static final class Pings implements WebSocket.Listener {
    final Semaphore frames = new Semaphore(0);
    final CompletableFuture<Integer> closed = new CompletableFuture<>();

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      if (last) frames.release();
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onPing(WebSocket webSocket, java.nio.ByteBuffer message) {
      frames.release();
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      closed.complete(statusCode);
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      closed.completeExceptionally(error);
    }
  }
}
