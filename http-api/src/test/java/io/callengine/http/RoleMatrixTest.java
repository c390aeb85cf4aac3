package io.callengine.http;

import static io.callengine.http.TestNode.ADMIN;
import static io.callengine.http.TestNode.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.callengine.http.TestNode.Reply;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every endpoint the API serves, called by every kind of caller: no token, an unknown token, the
 * agent tokens of agents A (ann) and B (bob), a supervisor token and the admin token. Each cell
 * expects the class of status API.md promises: 401 without a valid token, 403 beyond the role or
 * for another agent, and otherwise success or the resource's own 404. Rows of endpoints that are
 * not built yet (the admin gets 404) are skipped rather than failed.
 *
 * <p>Cells that change data reset it first, and a refused cell checks that the resource it
 * aimed at reads the same afterwards, so a refusal that still acted is caught too.
 */
class RoleMatrixTest {
  private static final String A = "ann";
  private static final String B = "bob";
  private static final String QUEUE = "sales";
  private static final String POLICY = "main";

  /** For event streams and WebSockets, which TestNode's client (it reads whole bodies) cannot end early. */
  private static final HttpClient STREAMS = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private static TestNode node;
  private static final Map<Caller, String> tokens = new EnumMap<>(Caller.class);

  /** The columns of the matrix. */
  enum Caller {
    NO_TOKEN("no token"),
    BAD_TOKEN("unknown token"),
    AGENT_A("agent A (" + A + ")"),
    AGENT_B("agent B (" + B + ")"),
    SUPERVISOR("supervisor"),
    ADMIN("admin");

    final String label;

    Caller(String label) {
      this.label = label;
    }
  }

  /** How a row's request is made: a plain request, an event stream's head, a WebSocket handshake. */
  enum Kind { PLAIN, EVENT_STREAM, WEB_SOCKET }

  /** A request that changes or reads something before or after a cell. */
  @FunctionalInterface
  interface Step {
    void run() throws Exception;
  }

  /**
   * One row: a request and, per caller in {@link Caller} order, the expected status: a number,
   * or {@code 2xx} for any success. {@code setup} runs before each cell; {@code probe} is read
   * with the admin token before and after each refused cell and must not change.
   */
  record Row(String method, String path, String body, String expected, Step setup, String probe, Kind kind,
      boolean optional, boolean tokenInQuery) {
    Row setup(Step step) {
      return new Row(method, path, body, expected, step, probe, kind, optional, tokenInQuery);
    }

    Row probe(String path) {
      return new Row(method, this.path, body, expected, setup, path, kind, optional, tokenInQuery);
    }

    /** A server-sent event stream: only the response head is read. */
    Row asStream() {
      return new Row(method, path, body, expected, setup, probe, Kind.EVENT_STREAM, optional, tokenInQuery);
    }

    /** A WebSocket: only the handshake is made; 101 is its success. */
    Row asWebSocket() {
      return new Row(method, path, body, expected, setup, probe, Kind.WEB_SOCKET, optional, tokenInQuery);
    }

    /** A contract endpoint that may not be built yet: its cells are skipped while the admin gets 404 for it. */
    Row ifServed() {
      return new Row(method, path, body, expected, setup, probe, kind, true, tokenInQuery);
    }

    /** The caller's token goes in {@code ?token=} instead of the Authorization header. */
    Row withTokenInQuery() {
      return new Row(method, path, body, expected, setup, probe, kind, optional, true);
    }

    String expectedFor(Caller caller) {
      String[] cells = expected.trim().split("\\s+");
      if (cells.length != Caller.values().length) throw new IllegalStateException("row " + this + " needs one cell per caller");
      return cells[caller.ordinal()];
    }

    String name() {
      return method + " " + path + (tokenInQuery ? " with ?token=" : "");
    }

    /** The path with the caller's token in the query when the row asks for it. */
    String pathFor(String token) {
      if (!tokenInQuery || token == null) return path;
      return path + (path.contains("?") ? "&" : "?") + "token=" + token;
    }

    /** The header token: none when it travels in the query. */
    String headerToken(String token) {
      return tokenInQuery ? null : token;
    }
  }

  private static Row row(String method, String path, String body, String expected) {
    return new Row(method, path, body, expected, null, null, Kind.PLAIN, false, false);
  }

  private static Row row(String method, String path, String expected) {
    return row(method, path, null, expected);
  }

  /** The matrix. Each row's cells, in order: no token, unknown token, agent A, agent B, supervisor, admin. */
  private static List<Row> rows() {
    List<Row> rows = new ArrayList<>();
    // Admin: queues. API.md gives supervisors "read access to agents and queues".
    rows.add(row("GET", "/api/v1/admin/queues", "401 401 403 403 2xx 2xx"));
    rows.add(row("POST", "/api/v1/admin/queues", "{\"id\":\"matrix-new-q\",\"name\":\"New\"}", "401 401 403 403 403 201")
        .setup(() -> ignoring404("DELETE", "/api/v1/admin/queues/matrix-new-q", null))
        .probe("/api/v1/admin/queues/matrix-new-q"));
    rows.add(row("GET", "/api/v1/admin/queues/" + QUEUE, "401 401 403 403 2xx 2xx"));
    rows.add(row("GET", "/api/v1/admin/queues/no-such-queue", "401 401 403 403 404 404"));
    rows.add(row("PUT", "/api/v1/admin/queues/" + QUEUE, "{\"name\":\"Sales, renamed\",\"maxSize\":3}", "401 401 403 403 403 2xx")
        .setup(RoleMatrixTest::resetQueue)
        .probe("/api/v1/admin/queues/" + QUEUE));
    rows.add(row("PUT", "/api/v1/admin/queues/no-such-queue", "{\"name\":\"Nowhere\"}", "401 401 403 403 403 404"));
    rows.add(row("DELETE", "/api/v1/admin/queues/matrix-doomed-q", "401 401 403 403 403 204")
        .setup(() -> ignoring409("POST", "/api/v1/admin/queues", "{\"id\":\"matrix-doomed-q\"}"))
        .probe("/api/v1/admin/queues/matrix-doomed-q"));
    rows.add(row("DELETE", "/api/v1/admin/queues/no-such-queue", "401 401 403 403 403 404"));

    // Admin: agents and their skills.
    rows.add(row("GET", "/api/v1/admin/agents", "401 401 403 403 2xx 2xx"));
    rows.add(row("POST", "/api/v1/admin/agents", agentBody("matrix-new-agent", "Newcomer", "pw-new", true), "401 401 403 403 403 201")
        .setup(() -> ignoring404("DELETE", "/api/v1/admin/agents/matrix-new-agent", null))
        .probe("/api/v1/admin/agents/matrix-new-agent"));
    rows.add(row("GET", "/api/v1/admin/agents/" + A, "401 401 403 403 2xx 2xx"));
    rows.add(row("GET", "/api/v1/admin/agents/" + B, "401 401 403 403 2xx 2xx"));
    rows.add(row("GET", "/api/v1/admin/agents/no-such-agent", "401 401 403 403 404 404"));
    rows.add(row("PUT", "/api/v1/admin/agents/" + B, agentBody(B, "Bob, renamed", null, false),
        "401 401 403 403 403 2xx")
        .setup(RoleMatrixTest::resetAgentB)
        .probe("/api/v1/admin/agents/" + B));
    rows.add(row("PUT", "/api/v1/admin/agents/" + A, agentBody(A, "Ann, renamed", null, false),
        "401 401 403 403 403 2xx")
        .setup(RoleMatrixTest::resetAgentA)
        .probe("/api/v1/admin/agents/" + A));
    rows.add(row("PUT", "/api/v1/admin/agents/" + B + "/skills", "[{\"name\":\"french\",\"level\":4}]", "401 401 403 403 403 2xx")
        .setup(RoleMatrixTest::resetAgentB)
        .probe("/api/v1/admin/agents/" + B));
    rows.add(row("PUT", "/api/v1/admin/agents/no-such-agent/skills", "[{\"name\":\"french\",\"level\":4}]", "401 401 403 403 403 404"));
    rows.add(row("DELETE", "/api/v1/admin/agents/matrix-doomed-agent", "401 401 403 403 403 204")
        .setup(() -> ignoring409("POST", "/api/v1/admin/agents", agentBody("matrix-doomed-agent", "Doomed", "pw-doomed", true)))
        .probe("/api/v1/admin/agents/matrix-doomed-agent"));
    rows.add(row("DELETE", "/api/v1/admin/agents/no-such-agent", "401 401 403 403 403 404"));

    // Admin: tokens.
    rows.add(row("POST", "/api/v1/admin/tokens", "{\"role\":\"supervisor\",\"label\":\"matrix-minted\"}", "401 401 403 403 403 201")
        .setup(() -> ignoring404("DELETE", "/api/v1/admin/tokens/matrix-minted", null)));
    rows.add(row("POST", "/api/v1/admin/tokens", "{\"role\":\"agent\",\"agentId\":\"" + A + "\",\"label\":\"matrix-minted-a\"}",
        "401 401 403 403 403 201")
        .setup(() -> ignoring404("DELETE", "/api/v1/admin/tokens/matrix-minted-a", null)));
    rows.add(row("DELETE", "/api/v1/admin/tokens/matrix-doomed-token", "401 401 403 403 403 204")
        .setup(() -> ignoring409("POST", "/api/v1/admin/tokens", "{\"role\":\"supervisor\",\"label\":\"matrix-doomed-token\"}")));
    rows.add(row("DELETE", "/api/v1/admin/tokens/no-such-token", "401 401 403 403 403 404"));

    // Admin: health and routing policies (neither is agents or queues: admin only).
    rows.add(row("GET", "/api/v1/admin/health", "401 401 403 403 403 2xx"));
    rows.add(row("GET", "/api/v1/admin/cluster", "401 401 403 403 403 2xx"));
    rows.add(row("GET", "/api/v1/admin/routing-policies", "401 401 403 403 403 2xx"));
    rows.add(row("POST", "/api/v1/admin/routing-policies", policyBody("matrix-new-policy", "New"), "401 401 403 403 403 201")
        .setup(() -> ignoring404("DELETE", "/api/v1/admin/routing-policies/matrix-new-policy", null))
        .probe("/api/v1/admin/routing-policies/matrix-new-policy"));
    rows.add(row("GET", "/api/v1/admin/routing-policies/" + POLICY, "401 401 403 403 403 2xx"));
    rows.add(row("GET", "/api/v1/admin/routing-policies/no-such-policy", "401 401 403 403 403 404"));
    rows.add(row("PUT", "/api/v1/admin/routing-policies/" + POLICY, policyBody(POLICY, "Main, renamed"), "401 401 403 403 403 2xx")
        .setup(RoleMatrixTest::resetPolicy)
        .probe("/api/v1/admin/routing-policies/" + POLICY));
    rows.add(row("DELETE", "/api/v1/admin/routing-policies/matrix-doomed-policy", "401 401 403 403 403 204")
        .setup(() -> ignoring409("POST", "/api/v1/admin/routing-policies", policyBody("matrix-doomed-policy", "Doomed")))
        .probe("/api/v1/admin/routing-policies/matrix-doomed-policy"));
    rows.add(row("DELETE", "/api/v1/admin/routing-policies/no-such-policy", "401 401 403 403 403 404"));

    // Agent: its own agent, status, calls and history; the queue statistics for everyone.
    rows.add(row("GET", "/api/v1/agents/" + A, "401 401 2xx 403 2xx 2xx"));
    rows.add(row("GET", "/api/v1/agents/" + B, "401 401 403 2xx 2xx 2xx"));
    rows.add(row("GET", "/api/v1/agents/no-such-agent", "401 401 403 403 404 404"));
    rows.add(row("PUT", "/api/v1/agents/" + A + "/status", "{\"presence\":\"BREAK\",\"reason\":\"lunch\"}", "401 401 2xx 403 403 2xx")
        .setup(() -> available(A))
        .probe("/api/v1/agents/" + A));
    rows.add(row("PUT", "/api/v1/agents/" + B + "/status", "{\"presence\":\"BREAK\",\"reason\":\"coffee\"}", "401 401 403 2xx 403 2xx")
        .setup(() -> available(B))
        .probe("/api/v1/agents/" + B));
    rows.add(row("PUT", "/api/v1/agents/no-such-agent/status", "{\"presence\":\"AVAILABLE\"}", "401 401 403 403 403 404"));
    rows.add(row("GET", "/api/v1/agents/" + A + "/calls", "401 401 2xx 403 2xx 2xx"));
    rows.add(row("GET", "/api/v1/agents/" + B + "/calls", "401 401 403 2xx 2xx 2xx"));
    rows.add(row("GET", "/api/v1/agents/no-such-agent/calls", "401 401 403 403 404 404"));
    rows.add(row("GET", "/api/v1/agents/" + A + "/history", "401 401 2xx 403 2xx 2xx"));
    rows.add(row("GET", "/api/v1/agents/" + B + "/history", "401 401 403 2xx 2xx 2xx"));
    rows.add(row("GET", "/api/v1/agents/no-such-agent/history", "401 401 403 403 404 404"));
    rows.add(row("GET", "/api/v1/queues/stats", "401 401 2xx 2xx 2xx 2xx"));

    // Supervisor.
    rows.add(row("GET", "/api/v1/supervisor/stats", "401 401 403 403 2xx 2xx"));
    rows.add(row("GET", "/api/v1/supervisor/agents", "401 401 403 403 2xx 2xx"));
    rows.add(row("GET", "/api/v1/supervisor/agents/" + A + "/calls", "401 401 403 403 2xx 2xx"));
    rows.add(row("GET", "/api/v1/supervisor/agents/" + B + "/calls", "401 401 403 403 2xx 2xx"));
    rows.add(row("GET", "/api/v1/supervisor/agents/no-such-agent/calls", "401 401 403 403 404 404"));
    rows.add(row("GET", "/api/v1/supervisor/queues/" + QUEUE + "/calls", "401 401 403 403 2xx 2xx"));
    rows.add(row("GET", "/api/v1/supervisor/queues/no-such-queue/calls", "401 401 403 403 404 404"));
    rows.add(row("GET", "/api/v1/supervisor/calls", "401 401 403 403 2xx 2xx"));
    rows.add(row("GET", "/api/v1/supervisor/calls/no-such-call", "401 401 403 403 404 404"));
    rows.add(row("POST", "/api/v1/supervisor/calls/no-such-call/assign", "{\"agentId\":\"" + A + "\"}", "401 401 403 403 404 404"));
    rows.add(row("GET", "/api/v1/supervisor/calls/no-such-call/recording", "401 401 403 403 404 404"));
    // Between nodes only: no API token is the node's secret, so every bearer is 403.
    rows.add(row("GET", "/internal/recordings/no-such-call", "401 403 403 403 403 403"));
    rows.add(row("GET", "/api/v1/supervisor/metrics", "401 401 403 403 2xx 2xx").ifServed());

    // Public events. An agent token gets a feed scoped to itself (its calls, its status, the queue
    // statistics), which is what the agent role may read anyway.
    rows.add(row("GET", "/api/v1/events", "401 401 2xx 2xx 2xx 2xx").asStream().ifServed());
    rows.add(row("GET", "/api/v1/events?types=no-such-type", "401 401 400 400 400 400").ifServed());
    rows.add(row("GET", "/api/v1/events/ws", "401 401 101 101 101 101").asWebSocket().ifServed());

    // A token in the query is read for the event stream only (browsers' EventSource cannot set headers).
    rows.add(row("GET", "/api/v1/events", "401 401 2xx 2xx 2xx 2xx").asStream().ifServed().withTokenInQuery());
    rows.add(row("GET", "/api/v1/events/ws", "401 401 101 101 101 101").asWebSocket().ifServed().withTokenInQuery());
    rows.add(row("POST", "/api/v1/admin/tokens", "{\"role\":\"supervisor\"}", "401 401 401 401 401 401").withTokenInQuery());
    rows.add(row("GET", "/api/v1/supervisor/stats", "401 401 401 401 401 401").withTokenInQuery());
    rows.add(row("GET", "/api/v1/admin/queues", "401 401 401 401 401 401").withTokenInQuery());
    rows.add(row("GET", "/api/v1/agents/" + A, "401 401 401 401 401 401").withTokenInQuery());

    // Whom the token speaks for.
    rows.add(row("GET", "/api/v1/me", "401 401 2xx 2xx 2xx 2xx").ifServed());

    // The browser pages: served without a token (each asks for one, then uses the API).
    rows.add(row("GET", "/wallboard", "2xx 2xx 2xx 2xx 2xx 2xx").ifServed());
    rows.add(row("GET", "/agent", "2xx 2xx 2xx 2xx 2xx 2xx").ifServed());

    // For scrapers and tools: no token needed.
    rows.add(row("GET", "/metrics", "2xx 2xx 2xx 2xx 2xx 2xx").ifServed());
    rows.add(row("GET", "/api/v1/openapi.json", "2xx 2xx 2xx 2xx 2xx 2xx").ifServed());

    // Health: no token needed, and a token of any kind changes nothing.
    rows.add(row("GET", "/health/live", "2xx 2xx 2xx 2xx 2xx 2xx"));
    rows.add(row("GET", "/health/ready", "2xx 2xx 2xx 2xx 2xx 2xx"));
    return rows;
  }

  @BeforeAll
  static void start() throws Exception {
    node = TestNode.start();
    created(node.send("POST", "/api/v1/admin/queues", ADMIN, "{\"id\":\"" + QUEUE + "\",\"name\":\"Sales\"}"));
    created(node.send("POST", "/api/v1/admin/agents", ADMIN, agentBody(A, "Ann", "pw-ann", true)));
    created(node.send("POST", "/api/v1/admin/agents", ADMIN, agentBody(B, "Bob", "pw-bob", true)));
    created(node.send("POST", "/api/v1/admin/routing-policies", ADMIN, policyBody(POLICY, "Main")));
    tokens.put(Caller.BAD_TOKEN, "this-token-was-never-minted");
    tokens.put(Caller.AGENT_A, node.mint("agent", A, "matrix-agent-a"));
    tokens.put(Caller.AGENT_B, node.mint("agent", B, "matrix-agent-b"));
    tokens.put(Caller.SUPERVISOR, node.mint("supervisor", null, "matrix-supervisor"));
    tokens.put(Caller.ADMIN, ADMIN);
  }

  @AfterAll
  static void stop() throws Exception {
    if (node != null) node.close();
  }

  @TestFactory
  Stream<DynamicNode> everyEndpointForEveryCaller() {
    Map<Row, Boolean> served = new HashMap<>();
    return rows().stream().map(row -> DynamicContainer.dynamicContainer(row.name(), Stream.of(Caller.values())
        .map(caller -> DynamicTest.dynamicTest(caller.label + " -> " + row.expectedFor(caller), () -> {
          if (row.optional()) {
            assumeTrue(served.computeIfAbsent(row, RoleMatrixTest::served), row.name() + " is not served yet");
          }
          cell(row, caller);
        }))));
  }

  private static void cell(Row row, Caller caller) throws Exception {
    if (row.setup() != null) row.setup().run();
    Reply before = row.probe() == null ? null : node.get(row.probe(), ADMIN);
    String token = tokens.get(caller);
    Reply reply = row.kind() == Kind.PLAIN ? node.send(row.method(), row.pathFor(token), row.headerToken(token), row.body()) : null;
    int status = reply != null ? reply.status() : status(row, token);
    String expected = row.expectedFor(caller);
    String why = caller.label + " " + row.name();
    if (expected.equals("2xx")) {
      assertTrue(status >= 200 && status < 300, why + ": expected a success, got " + status + (reply == null ? "" : " " + reply.raw().body()));
      return;
    }
    assertEquals(Integer.parseInt(expected), status, why + (reply == null ? "" : ": " + reply.raw().body()));
    if (reply != null && status >= 400) {
      assertProblem(reply, status);
      if (status == 401) assertNotNull(reply.header("WWW-Authenticate"), why + ": a 401 carries WWW-Authenticate");
    }
    if (before != null && (status == 401 || status == 403)) {
      Reply after = node.get(row.probe(), ADMIN);
      assertEquals(before.status(), after.status(), why + ": a refused request changed " + row.probe());
      assertEquals(before.json(), after.json(), why + ": a refused request changed " + row.probe());
    }
  }

  /** False while the admin itself gets 404 for the path: the endpoint is not built yet. */
  private static boolean served(Row row) {
    try {
      int status = row.kind() == Kind.PLAIN
          ? node.send(row.method(), row.pathFor(ADMIN), row.headerToken(ADMIN), row.body()).status()
          : status(row, ADMIN);
      return status != 404;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The status of an event stream's response head; the stream is closed right after. */
  private static int streamHead(String path, String token) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(node.base().resolve(path)).timeout(Duration.ofSeconds(10))
        .header("Accept", "text/event-stream").GET();
    if (token != null) request.header("Authorization", "Bearer " + token);
    HttpResponse<InputStream> response = STREAMS.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    try (InputStream body = response.body()) {
      if (response.statusCode() < 300) {
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"),
            "an event stream is text/event-stream");
      }
      return response.statusCode();
    }
  }

  private static int status(Row row, String token) throws Exception {
    String path = row.pathFor(token);
    String header = row.headerToken(token);
    return row.kind() == Kind.EVENT_STREAM ? streamHead(path, header) : webSocketHandshake(path, header);
  }

  /** 101 when the handshake succeeds (the socket is closed at once), else the status the server refused it with. */
  private static int webSocketHandshake(String path, String token) throws Exception {
    URI uri = URI.create(node.base().resolve(path).toString().replaceFirst("^http", "ws"));
    WebSocket.Builder builder = STREAMS.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10));
    if (token != null) builder.header("Authorization", "Bearer " + token);
    try {
      WebSocket socket = builder.buildAsync(uri, new WebSocket.Listener() {}).get(20, TimeUnit.SECONDS);
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(10, TimeUnit.SECONDS);
      socket.abort();
      return 101;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof WebSocketHandshakeException refused) return refused.getResponse().statusCode();
      throw e;
    }
  }

  /** An agent whose phone registers as {@code id}; {@code password} null keeps the current one on PUT. */
  private static String agentBody(String id, String displayName, String password, boolean withId) {
    return "{" + (withId ? "\"id\":\"" + id + "\"," : "") + "\"sipUri\":\"sip:" + id + "@example.com\",\"displayName\":\""
        + displayName + "\"" + (password == null ? "" : ",\"password\":\"" + password + "\"")
        + ",\"skills\":[{\"name\":\"english\",\"level\":3}]}";
  }

  private static String policyBody(String id, String name) {
    return "{\"id\":\"" + id + "\",\"name\":\"" + name + "\",\"rules\":[{\"dialed\":\"" + id + "\",\"queueId\":\"" + QUEUE + "\"}]}";
  }

  private static void resetQueue() throws Exception {
    ok(node.send("PUT", "/api/v1/admin/queues/" + QUEUE, ADMIN, "{\"name\":\"Sales\"}"));
  }

  private static void resetAgentA() throws Exception {
    ok(node.send("PUT", "/api/v1/admin/agents/" + A, ADMIN, agentBody(A, "Ann", null, true)));
  }

  private static void resetAgentB() throws Exception {
    ok(node.send("PUT", "/api/v1/admin/agents/" + B, ADMIN, agentBody(B, "Bob", null, true)));
  }

  private static void resetPolicy() throws Exception {
    ok(node.send("PUT", "/api/v1/admin/routing-policies/" + POLICY, ADMIN, policyBody(POLICY, "Main")));
  }

  private static void available(String agentId) throws Exception {
    ok(node.send("PUT", "/api/v1/agents/" + agentId + "/status", ADMIN, "{\"presence\":\"AVAILABLE\"}"));
  }

  private static void ignoring404(String method, String path, String body) throws Exception {
    Reply reply = node.send(method, path, ADMIN, body);
    if (reply.status() != 404 && reply.status() >= 300) throw new AssertionError(method + " " + path + ": " + reply.raw().body());
  }

  private static void ignoring409(String method, String path, String body) throws Exception {
    Reply reply = node.send(method, path, ADMIN, body);
    if (reply.status() != 409 && reply.status() >= 300) throw new AssertionError(method + " " + path + ": " + reply.raw().body());
  }

  private static void created(Reply reply) {
    assertEquals(201, reply.status(), reply.raw().body());
  }

  private static void ok(Reply reply) {
    assertEquals(200, reply.status(), reply.raw().body());
  }
}
