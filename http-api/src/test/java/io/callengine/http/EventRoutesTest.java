package io.callengine.http;

import static io.callengine.http.TestNode.ADMIN;
import static io.callengine.http.TestNode.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.callengine.core.api.CallCenterListener;
import io.callengine.core.events.AgentStatusChanged;
import io.callengine.core.events.CallCenterEvent;
import io.callengine.core.events.CallEnded;
import io.callengine.core.events.CallEstablished;
import io.callengine.core.events.CallIncoming;
import io.callengine.core.events.CallOffered;
import io.callengine.core.events.CallQueued;
import io.callengine.core.events.MediaQuality;
import io.callengine.core.events.SecurityAlert;
import io.callengine.core.events.Warning;
import io.callengine.core.testing.TestEngines;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.reflect.RecordComponent;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The event feeds over real sockets: SSE and WebSocket, their filters and role scoping, errors,
 * and a client that stops reading, which must cost the engine and the other clients nothing.
 */
class EventRoutesTest {
  private static final Instant AT = Instant.parse("2024-05-01T08:00:00Z");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final AtomicInteger MARKS = new AtomicInteger();
  private static TestNode node;
  private static String supervisor;
  private static String alice;

  @BeforeAll
  static void start() throws Exception {
    node = TestNode.start("callengine.http.events { stall-timeout = 1s, queue-stats-interval = 1s }");
    for (String queue : List.of("support", "sales")) {
      assertEquals(201, node.send("POST", "/api/v1/admin/queues", ADMIN, "{\"id\":\"" + queue + "\"}").status());
    }
    for (String agent : List.of("alice", "bob")) {
      assertEquals(201, node.send("POST", "/api/v1/admin/agents", ADMIN, "{\"id\":\"" + agent + "\",\"sipUri\":\"sip:" + agent
          + "@example.com\",\"displayName\":\"" + agent + "\",\"password\":\"pw-" + agent + "\",\"queues\":[\"support\"]}").status());
    }
    supervisor = node.mint("supervisor", null, "events-supervisor");
    alice = node.mint("agent", "alice", "events-alice");
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  @Test
  void theKnownTypesAreThoseOfThePublicEvents() throws Exception {
    Set<String> types = new TreeSet<>(Set.of(EventFeed.QUEUE_STATS));
    for (Class<?> event : CallCenterEvent.class.getPermittedSubclasses()) {
      RecordComponent[] components = event.getRecordComponents();
      Object[] values = new Object[components.length];
      Class<?>[] parameterTypes = new Class<?>[components.length];
      for (int i = 0; i < components.length; i++) {
        parameterTypes[i] = components[i].getType();
        values[i] = zero(parameterTypes[i]);
      }
      types.add(((CallCenterEvent) event.getDeclaredConstructor(parameterTypes).newInstance(values)).type());
    }
    assertEquals(types, new TreeSet<>(EventFilter.TYPES));
  }

  @Test
  void serverSentEventsCarryEachEventAsJsonWithItsType() throws Exception {
    int subscribers = subscriberCount();
    try (SseFeed feed = SseFeed.open("", ADMIN)) {
      assertTrue(feed.response.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
      assertEquals("no-cache", feed.response.headers().firstValue("Cache-Control").orElse(""));
      assertEquals(subscribers + 1, subscriberCount());
      feed.sync();
      publish(new CallIncoming(AT, "c1", "support", null, "sip:+4930123@example.com", "sip:support@engine"),
          new CallOffered(AT, "c1", "support", null, List.of("alice", "bob")),
          new AgentStatusChanged(AT, "bob", "AVAILABLE", null, "RINGING", true, List.of("c1")),
          new CallEnded(AT, "c1", "support", "bob", "COMPLETED", "customer hung up", 4, 95));
      List<JsonNode> events = feed.until(end());

      assertEquals(List.of("call-incoming", "call-offered", "agent-status-changed", "call-ended"), types(events));
      JsonNode incoming = events.get(0);
      assertEquals("2024-05-01T08:00:00Z", incoming.get("at").asText());
      assertEquals("c1", incoming.get("callId").asText());
      assertEquals("sip:+4930123@example.com", incoming.get("caller").asText());
      assertEquals("type", incoming.fieldNames().next());
      assertEquals("[\"alice\",\"bob\"]", events.get(1).get("agentIds").toString());
      assertEquals(95, events.get(3).get("talkSeconds").asInt());
      assertEquals(List.of(), feed.mismatchedEventLines);
    }
    TestEngines.eventually(Duration.ofSeconds(10), "the feed unsubscribes when its client goes", () -> subscriberCount() == subscribers);
  }

  @Test
  void typesAndQueueIdFilter() throws Exception {
    try (SseFeed typed = SseFeed.open("?types=call-queued,%20call-ended&queueId=support", supervisor);
        SseFeed queue = SseFeed.open("?queueId=support", supervisor)) {
      typed.sync();
      queue.sync();
      publish(new CallQueued(AT, "q1", "support", null, 0),
          new CallQueued(AT, "q2", "sales", null, 0),
          new CallIncoming(AT, "q3", "support", null, "sip:a@x", "sip:support@engine"),
          new AgentStatusChanged(AT, "bob", "BREAK", "lunch", "IDLE", true, List.of()),
          new CallEnded(AT, "q1", "support", null, "ABANDONED", "caller hung up", 30, 0),
          new CallEnded(AT, "q2", "sales", null, "ABANDONED", "caller hung up", 30, 0));
      assertEquals(List.of("call-queued q1", "call-ended q1"), summaries(typed.until(end())));
      assertEquals(List.of("call-queued q1", "call-incoming q3", "agent-status-changed bob", "call-ended q1"),
          summaries(queue.until(end())));
    }
  }

  @Test
  void anAgentSeesItsOwnCallsAndItsOwnStatusOnly() throws Exception {
    try (SseFeed feed = SseFeed.open("", alice)) {
      feed.sync();
      publish(new CallOffered(AT, "a1", "support", null, List.of("bob", "alice")),
          new CallOffered(AT, "b1", "support", null, List.of("bob")),
          new CallEstablished(AT, "a1", "support", "alice", 3),
          new CallEstablished(AT, "b1", "support", "bob", 3),
          new AgentStatusChanged(AT, "bob", "AVAILABLE", null, "ON_CALL", true, List.of("b1")),
          new AgentStatusChanged(AT, "alice", "AVAILABLE", null, "ON_CALL", true, List.of("a1")),
          new MediaQuality(AT, "a1", "support", "alice", "agent", 4.3, 0.1, 2.5, 500),
          new Warning(AT, "b1", "support", "bob", "low-mos", "poor audio"),
          new Warning(AT, null, null, null, "node", "a node left the cluster"));
      assertEquals(List.of("call-offered a1", "call-established a1", "agent-status-changed alice", "media-quality a1"),
          summaries(feed.until(end())));
    }
  }

  @Test
  void securityAlertsAreForAdminsOnly() throws Exception {
    try (SseFeed admin = SseFeed.open("?types=security,call-ended,call-queued", ADMIN);
        SseFeed supervisorFeed = SseFeed.open("?types=security,call-ended,call-queued", supervisor);
        SseFeed agent = SseFeed.open("", alice)) {
      admin.sync();
      supervisorFeed.sync();
      agent.sync();
      publish(new SecurityAlert(AT, "lockout", "203.0.113.7", "alice", "source 203.0.113.7 locked out for 900 s after 10 failed authentications"),
          new CallEnded(AT, "s1", "support", "alice", "COMPLETED", "customer hung up", 1, 2));
      List<JsonNode> seen = admin.until(end());
      assertEquals(List.of("security", "call-ended"), types(seen));
      assertEquals("203.0.113.7", seen.get(0).get("source").asText());
      assertEquals("lockout", seen.get(0).get("kind").asText());
      assertEquals(List.of("call-ended"), types(supervisorFeed.until(end())), "a supervisor does not see security alerts");
      assertEquals(List.of("call-ended"), types(agent.until(end())), "nor does an agent");
    }
  }

  @Test
  void queueStatisticsArriveEveryFewSecondsForEveryRole() throws Exception {
    try (SseFeed all = SseFeed.open("?types=queue-stats", alice); SseFeed sales = SseFeed.open("?types=queue-stats&queueId=sales", ADMIN)) {
      JsonNode stats = all.next(Duration.ofSeconds(15), e -> e.get("type").asText().equals("queue-stats"));
      assertTrue(stats.has("at"));
      Set<String> queues = new TreeSet<>(stats.get("queues").findValuesAsText("queueId"));
      assertEquals(Set.of("sales", "support"), queues);
      for (JsonNode queue : stats.get("queues")) {
        assertTrue(queue.has("waiting") && queue.has("availableAgents") && queue.has("totalCalls"), queue.toString());
      }
      JsonNode onlySales = sales.next(Duration.ofSeconds(15), e -> e.get("type").asText().equals("queue-stats"));
      assertEquals(List.of("sales"), onlySales.get("queues").findValuesAsText("queueId"));
    }
  }

  @Test
  void badTypesAre400AndAMissingTokenIs401() throws Exception {
    assertEquals(Set.of("types"), assertProblem(node.get("/api/v1/events?types=call-queued,call-exploded", ADMIN), 400));
    assertEquals(Set.of("types"), assertProblem(node.get("/api/v1/events/ws?types=nope", ADMIN), 400));
    assertProblem(node.get("/api/v1/events", null), 401);
    assertProblem(node.get("/api/v1/events/ws", null), 401);
    assertProblem(node.get("/api/v1/events", "not-a-token"), 401);
    assertProblem(node.get("/api/v1/events/ws", ADMIN), 400);
  }

  @Test
  void aWebSocketCarriesOneJsonMessagePerEvent() throws Exception {
    int subscribers = subscriberCount();
    WsFeed feed = WsFeed.open("?types=call-queued,call-ended", supervisor, true);
    feed.sync();
    publish(new CallIncoming(AT, "w1", "support", null, "sip:a@x", "sip:support@engine"),
        new CallQueued(AT, "w1", "support", null, 7),
        new CallEnded(AT, "w1", "support", "alice", "COMPLETED", "agent hung up", 2, 40));
    List<JsonNode> events = feed.until(end());
    assertEquals(List.of("call-queued w1", "call-ended w1"), summaries(events));
    assertEquals(7, events.get(0).get("priority").asInt());
    assertEquals("2024-05-01T08:00:00Z", events.get(1).get("at").asText());

    feed.socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);
    TestEngines.eventually(Duration.ofSeconds(10), "the feed unsubscribes when its client goes", () -> subscriberCount() == subscribers);
  }

  @Test
  void aClientThatStopsReadingNeitherSlowsTheEngineNorOthersAndIsClosedWithAReason() throws Exception {
    long droppedBefore = EventFeed.droppedEvents();
    long closedBefore = EventFeed.slowClientsClosed();
    HttpResponse<InputStream> stuckSse = CLIENT.send(SseFeed.request("?types=warning,call-queued", ADMIN), HttpResponse.BodyHandlers.ofInputStream());
    WsFeed stuckWs = WsFeed.open("?types=warning,call-queued", ADMIN, false);
    AtomicLong heardByListener = new AtomicLong();
    String text = "x".repeat(4096);
    try (SseFeed fast = SseFeed.open("?types=warning,call-queued", supervisor);
        CallCenterListener.Subscription listener = node.engine.addListener(new CallCenterListener() {
          @Override
          public void onWarning(Warning warning) {
            if (warning.code().equals("flood")) heardByListener.incrementAndGet();
          }
        })) {
      fast.sync();

      long publishingNanos = 0;
      int received = 0;
      for (int batch = 0; batch < 50; batch++) {
        long started = System.nanoTime();
        for (int i = 0; i < 200; i++) node.engine.publish(new Warning(AT, "f" + (batch * 200 + i), "support", null, "flood", text));
        publishingNanos += System.nanoTime() - started;
        // The fast client reads each batch before the next, so its own buffer never overflows.
        String last = "f" + (batch * 200 + 199);
        received += fast.until(e -> last.equals(e.path("callId").asText())).size() + 1;
      }
      assertTrue(publishingNanos < TimeUnit.SECONDS.toNanos(3), "publishing 10,000 events took " + publishingNanos / 1_000_000 + " ms");
      assertEquals(10_000, received, "the fast client received every event");
      TestEngines.eventually(Duration.ofSeconds(10), "the listener heard every event", () -> heardByListener.get() == 10_000);
      TestEngines.eventually(Duration.ofSeconds(20), "both stuck clients are cut off", () -> EventFeed.slowClientsClosed() >= closedBefore + 2);
      assertTrue(EventFeed.droppedEvents() > droppedBefore);

      // The fast client is still served.
      fast.sync();
    }

    JsonNode sseClosed = CompletableFuture.supplyAsync(() -> lastSseEvent(stuckSse.body())).get(60, TimeUnit.SECONDS);
    assertEquals("closed", sseClosed.get("type").asText());
    assertTrue(sseClosed.get("reason").asText().contains("buffer"), sseClosed.toString());

    stuckWs.socket.request(Long.MAX_VALUE);
    assertEquals(WebSocket.NORMAL_CLOSURE, stuckWs.closed.get(60, TimeUnit.SECONDS));
    JsonNode wsClosed = stuckWs.messages.stream().reduce((first, second) -> second).orElseThrow();
    assertEquals("closed", wsClosed.get("type").asText());
    assertTrue(wsClosed.get("reason").asText().contains("buffer"), wsClosed.toString());
  }

  @Test
  void shuttingDownEndsOpenFeedsWithAReason() throws Exception {
    TestNode other = TestNode.start();
    try (SseFeed sse = SseFeed.open(other, "", ADMIN)) {
      WsFeed ws = WsFeed.open(other, "", ADMIN, true);
      sse.sync(other);
      ws.sync(other);
      long started = System.nanoTime();
      other.close();
      assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(10), "the open feeds did not hold up the shutdown");
      for (Feed feed : List.of(sse, ws)) {
        JsonNode closed = feed.next(Duration.ofSeconds(10), e -> e.get("type").asText().equals("closed"));
        assertTrue(closed.get("reason").asText().contains("shutting down"), closed.toString());
      }
      assertEquals(WebSocket.NORMAL_CLOSURE, ws.closed.get(10, TimeUnit.SECONDS));
    }
  }

  // ---------------------------------------------------------------- helpers

  private static Object zero(Class<?> type) {
    if (type == boolean.class) return false;
    if (type == int.class) return 0;
    if (type == long.class) return 0L;
    if (type == double.class) return 0.0;
    return null;
  }

  private static void publish(CallCenterEvent... events) {
    for (CallCenterEvent event : events) node.engine.publish(event);
  }

  /** Publishes an end mark every feed of these tests lets through, and matches it. */
  private static Predicate<JsonNode> end() {
    String id = "end-" + MARKS.incrementAndGet();
    node.engine.publish(mark(id));
    return event -> id.equals(event.path("callId").asText());
  }

  /** A call-queued event of queue support offered to alice: every feed here (agent alice's too) carries it. */
  private static CallQueued mark(String id) {
    return new CallQueued(AT, id, "support", "alice", 0);
  }

  private static boolean isMark(JsonNode event) {
    String id = event.path("callId").asText();
    return id.startsWith("sync-") || id.startsWith("end-");
  }

  private static List<String> types(List<JsonNode> events) {
    return events.stream().map(e -> e.get("type").asText()).toList();
  }

  private static List<String> summaries(List<JsonNode> events) {
    return events.stream().map(e -> e.get("type").asText() + " " + (e.has("callId") ? e.get("callId").asText() : e.get("agentId").asText()))
        .toList();
  }

  private static int subscriberCount() throws Exception {
    CompletionStage<Topic.TopicStats> stats = AskPattern.ask(node.engine.events(), Topic::getTopicStats, Duration.ofSeconds(5),
        node.engine.system().scheduler());
    return stats.toCompletableFuture().get(10, TimeUnit.SECONDS).localSubscriberCount();
  }

  /** Reads a stream that was left unread until the server ended it, and returns its last event. */
  private static JsonNode lastSseEvent(InputStream body) {
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
      String data = null;
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        if (line.startsWith("data: ")) data = line.substring(6);
      }
      return JSON.readTree(data);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Skips what came before the mark and hands back what came after it, up to {@code end}, marks and queue statistics left out. */
  private abstract static class Feed implements AutoCloseable {
    final BlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();

    /** Publishes marks until one arrives: from then on the feed is subscribed. */
    void sync() throws Exception {
      sync(node);
    }

    void sync(TestNode on) throws Exception {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
      while (System.nanoTime() < deadline) {
        String id = "sync-" + MARKS.incrementAndGet();
        on.engine.publish(mark(id));
        JsonNode event;
        while ((event = received.poll(200, TimeUnit.MILLISECONDS)) != null) {
          if (id.equals(event.path("callId").asText())) return;
        }
      }
      throw new AssertionError("the feed never received a mark");
    }

    List<JsonNode> until(Predicate<JsonNode> end) throws Exception {
      List<JsonNode> events = new ArrayList<>();
      while (true) {
        JsonNode event = received.poll(15, TimeUnit.SECONDS);
        assertNotNull(event, "the end mark did not arrive; so far " + events);
        if (end.test(event)) return events;
        if (!isMark(event) && !event.get("type").asText().equals("queue-stats")) events.add(event);
      }
    }

    JsonNode next(Duration timeout, Predicate<JsonNode> wanted) throws Exception {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (System.nanoTime() < deadline) {
        JsonNode event = received.poll(100, TimeUnit.MILLISECONDS);
        if (event != null && wanted.test(event)) return event;
      }
      throw new AssertionError("no such event within " + timeout);
    }
  }

  /** An SSE connection read on a thread of its own. */
  private static final class SseFeed extends Feed {
    final HttpResponse<Stream<String>> response;
    final List<String> mismatchedEventLines = new ArrayList<>();

    private SseFeed(HttpResponse<Stream<String>> response) {
      this.response = response;
      Thread reader = new Thread(this::read, "sse-reader");
      reader.setDaemon(true);
      reader.start();
    }

    static HttpRequest request(String query, String token) {
      return request(node, query, token);
    }

    static HttpRequest request(TestNode on, String query, String token) {
      return HttpRequest.newBuilder(on.base().resolve("/api/v1/events" + query))
          .header("Authorization", "Bearer " + token).header("Accept", "text/event-stream").build();
    }

    static SseFeed open(String query, String token) throws Exception {
      return open(node, query, token);
    }

    static SseFeed open(TestNode on, String query, String token) throws Exception {
      HttpResponse<Stream<String>> response = CLIENT.send(request(on, query, token), HttpResponse.BodyHandlers.ofLines());
      assertEquals(200, response.statusCode());
      return new SseFeed(response);
    }

    private void read() {
      String type = null;
      try (Stream<String> lines = response.body()) {
        for (String line : (Iterable<String>) lines::iterator) {
          if (line.startsWith("event: ")) {
            type = line.substring(7);
          } else if (line.startsWith("data: ")) {
            JsonNode event = JSON.readTree(line.substring(6));
            if (!event.get("type").asText().equals(type)) mismatchedEventLines.add(type + " / " + line);
            received.add(event);
          }
        }
      } catch (Exception closedByTheTest) {
        // the test is done with this feed
      }
    }

    @Override
    public void close() {
      response.body().close();
    }
  }

  /** A WebSocket connection; {@code reading} false leaves its messages unread until the test asks for them. */
  private static final class WsFeed extends Feed implements WebSocket.Listener {
    final List<JsonNode> messages = new ArrayList<>();
    final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final boolean reading;
    private final StringBuilder partial = new StringBuilder();
    WebSocket socket;

    private WsFeed(boolean reading) {
      this.reading = reading;
    }

    static WsFeed open(String query, String token, boolean reading) throws Exception {
      return open(node, query, token, reading);
    }

    static WsFeed open(TestNode on, String query, String token, boolean reading) throws Exception {
      WsFeed feed = new WsFeed(reading);
      URI uri = URI.create(on.base().toString().replace("http://", "ws://") + "/api/v1/events/ws" + query);
      feed.socket = CLIENT.newWebSocketBuilder().header("Authorization", "Bearer " + token).buildAsync(uri, feed)
          .get(10, TimeUnit.SECONDS);
      return feed;
    }

    @Override
    public void onOpen(WebSocket webSocket) {
      if (reading) webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        try {
          JsonNode message = JSON.readTree(partial.toString());
          synchronized (messages) {
            messages.add(message);
          }
          received.add(message);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
        partial.setLength(0);
      }
      if (reading) webSocket.request(1);
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

    @Override
    public void close() {
      socket.abort();
    }
  }
}
