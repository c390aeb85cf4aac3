package io.callengine.http;

import static io.callengine.core.testing.TestEngines.eventually;
import static io.callengine.http.TestNode.ADMIN;
import static io.callengine.http.TestNode.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import io.callengine.core.testing.TestEngines;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.pekko.cluster.typed.Cluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A token dies when it should, over real sockets: revoking it ends the event streams (SSE and
 * WebSocket) opened with it, on this node and on another node of the cluster; deleting an agent
 * revokes its tokens; and an agent created again with a deleted agent's id is not reachable with
 * the deleted agent's tokens.
 */
class TokenLifetimeTest {
  /** Revocation takes effect on every node within a second; the bound leaves room for a loaded machine. */
  private static final Duration ENDED_WITHIN = Duration.ofSeconds(2);
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static TestNode node;

  @BeforeAll
  static void start() throws Exception {
    node = TestNode.start();
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  @Test
  void revokingATokenEndsItsStreams() throws Exception {
    createAgent(node, "ann");
    for (String role : List.of("agent", "supervisor")) {
      String label = "streams-" + role;
      String token = node.mint(role, role.equals("agent") ? "ann" : null, label);
      assertStreamsEndWhen(node, token, () -> assertEquals(204, node.send("DELETE", "/api/v1/admin/tokens/" + label, ADMIN, null).status()));
    }
  }

  @Test
  void deletingAnAgentRevokesItsTokens() throws Exception {
    createAgent(node, "bea");
    String token = node.mint("agent", "bea", "bea-desk");
    assertEquals(200, node.get("/api/v1/me", token).status());
    assertStreamsEndWhen(node, token, () -> assertEquals(204, node.send("DELETE", "/api/v1/admin/agents/bea", ADMIN, null).status()));
    assertProblem(node.get("/api/v1/me", token), 401);
    assertProblem(node.send("POST", "/api/v1/admin/tokens", ADMIN, "{\"role\":\"agent\",\"agentId\":\"bea\"}"), 404);
  }

  @Test
  void aTokenOfADeletedAgentDoesNotActForANewAgentOfTheSameId() throws Exception {
    createAgent(node, "cora");
    String old = node.mint("agent", "cora", "cora-old");
    assertEquals(200, node.send("PUT", "/api/v1/agents/cora/status", old, "{\"presence\":\"AVAILABLE\"}").status());
    assertEquals(204, node.send("DELETE", "/api/v1/admin/agents/cora", ADMIN, null).status());
    createAgent(node, "cora");

    // A revoked token is unknown: 401, whatever it asks for.
    assertProblem(node.get("/api/v1/me", old), 401);
    assertProblem(node.get("/api/v1/agents/cora", old), 401);
    assertProblem(node.send("PUT", "/api/v1/agents/cora/status", old, "{\"presence\":\"AVAILABLE\"}"), 401);
    assertEquals("OFFLINE", node.get("/api/v1/agents/cora", ADMIN).json().get("presence").asText(), "the old token changed nothing");

    String fresh = node.mint("agent", "cora", "cora-new");
    assertEquals("cora", node.get("/api/v1/me", fresh).json().get("agentId").asText());
    assertEquals(200, node.send("PUT", "/api/v1/agents/cora/status", fresh, "{\"presence\":\"AVAILABLE\"}").status());
    assertEquals("AVAILABLE", node.get("/api/v1/agents/cora", fresh).json().get("presence").asText());
  }

  @Test
  void aStreamOnAnotherNodeEndsWhenItsTokenIsRevokedHere() throws Exception {
    String database = "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1;DATABASE_TO_UPPER=false";
    try (TestNode first = TestNode.start(ConfigFactory.parseString("callengine.db.url = \"" + database + "\"")
        .withFallback(TestEngines.config("")), Clock.systemUTC())) {
      String seed = Cluster.get(first.engine.system()).selfMember().address().toString();
      try (TestNode second = TestNode.start(ConfigFactory.parseString("""
              callengine.db.url = "%s"
              pekko.cluster.seed-nodes = ["%s"]
              pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
              """.formatted(database, seed)).withFallback(TestEngines.config("")), Clock.systemUTC())) {
        String token = first.mint("supervisor", null, "wallboard");
        eventually(WAIT, "the second node knows the token", () -> second.get("/api/v1/me", token).status() == 200);
        assertStreamsEndWhen(second, token,
            () -> assertEquals(204, first.send("DELETE", "/api/v1/admin/tokens/wallboard", ADMIN, null).status()));
        assertProblem(second.get("/api/v1/me", token), 401);
      }
    }
  }

  /** An action that may throw, such as a request with its assertion. */
  private interface Action {
    void run() throws Exception;
  }

  /**
   * Opens an SSE and a WebSocket stream on {@code on} with {@code token}, runs {@code revoke}, and
   * asserts that both end within {@link #ENDED_WITHIN} of it with a {@code closed} event, the
   * WebSocket with a normal close.
   */
  private static void assertStreamsEndWhen(TestNode on, String token, Action revoke) throws Exception {
    HttpResponse<Stream<String>> sse = CLIENT.send(HttpRequest.newBuilder(on.base().resolve("/api/v1/events"))
        .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofLines());
    Ws ws = new Ws();
    try {
      assertEquals(200, sse.statusCode());
      CompletableFuture<List<String>> sseLines = CompletableFuture.supplyAsync(() -> sse.body().toList(), task -> new Thread(task, "sse-reader").start());
      URI wsUri = URI.create(on.base().toString().replace("http://", "ws://") + "/api/v1/events/ws");
      CLIENT.newWebSocketBuilder().header("Authorization", "Bearer " + token).buildAsync(wsUri, ws).get(10, TimeUnit.SECONDS);

      revoke.run();
      long revoked = System.nanoTime();
      List<String> lines = sseLines.get(ENDED_WITHIN.toMillis(), TimeUnit.MILLISECONDS);
      int code = ws.closed.get(Math.max(0, ENDED_WITHIN.toNanos() - (System.nanoTime() - revoked)), TimeUnit.NANOSECONDS);

      assertRevoked(JSON.readTree(lines.stream().filter(l -> l.startsWith("data: ")).reduce((a, b) -> b).orElseThrow().substring(6)));
      assertEquals(WebSocket.NORMAL_CLOSURE, code);
      assertRevoked(ws.messages.get(ws.messages.size() - 1));
    } finally {
      sse.body().close();
      if (ws.socket != null) ws.socket.abort();
    }
  }

  private static void assertRevoked(JsonNode last) {
    assertEquals("closed", last.get("type").asText(), last.toString());
    assertTrue(last.get("reason").asText().contains("revoked"), last.toString());
  }

  private static void createAgent(TestNode on, String id) throws Exception {
    TestNode.Reply created = on.send("POST", "/api/v1/admin/agents", ADMIN,
        "{\"id\":\"" + id + "\",\"sipUri\":\"sip:" + id + "@example.com\",\"displayName\":\"" + id + "\",\"password\":\"pw-" + id + "\"}");
    assertEquals(201, created.status(), created.raw().body());
  }

  /** A WebSocket client that reads every message and records how the server closed. */
  private static final class Ws implements WebSocket.Listener {
    final List<JsonNode> messages = new CopyOnWriteArrayList<>();
    final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final StringBuilder partial = new StringBuilder();
    WebSocket socket;

    @Override
    public void onOpen(WebSocket webSocket) {
      socket = webSocket;
      webSocket.request(Long.MAX_VALUE);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        try {
          messages.add(JSON.readTree(partial.toString()));
        } catch (Exception e) {
          closed.completeExceptionally(e);
        }
        partial.setLength(0);
      }
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
