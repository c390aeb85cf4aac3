package io.callengine.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import io.callengine.core.api.CallCenterEngine;
import io.callengine.core.testing.TestEngines;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.http.javadsl.ServerBinding;

/**
 * One engine (core's test engine: in-memory H2, a database of its own) with the HTTP API bound
 * on 127.0.0.1, and a real {@link HttpClient} speaking to it. Each test class starts one in
 * {@code @BeforeAll} and closes it in {@code @AfterAll}.
 */
final class TestNode implements AutoCloseable {
  static final String ADMIN = "admin-token-for-tests";
  private static final ObjectMapper JSON = new ObjectMapper();

  final CallCenterEngine engine;
  private final URI base;
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private TestNode(CallCenterEngine engine, URI base) {
    this.engine = engine;
    this.base = base;
  }

  static TestNode start() throws Exception {
    return start("");
  }

  /** A node with these settings (HOCON) over the test defaults. */
  static TestNode start(String config) throws Exception {
    return start(config, Clock.systemUTC());
  }

  /** A node whose engine reads the time from {@code clock}, for figures that depend on it. */
  static TestNode start(String config, Clock clock) throws Exception {
    return start(TestEngines.config(config), clock);
  }

  /** A node on exactly these settings (nodes of one cluster share a database, for instance). */
  static TestNode start(Config config, Clock clock) throws Exception {
    CallCenterEngine engine = TestEngines.start(config, clock);
    try {
      ServerBinding binding = HttpApi.start(engine, "127.0.0.1", 0, ADMIN).toCompletableFuture().get(10, TimeUnit.SECONDS);
      return new TestNode(engine, URI.create("http://127.0.0.1:" + binding.localAddress().getPort()));
    } catch (Exception e) {
      engine.shutdown().toCompletableFuture().get(30, TimeUnit.SECONDS);
      throw e;
    }
  }

  /** A response with its body parsed when it is JSON. */
  record Reply(int status, String contentType, JsonNode json, HttpResponse<String> raw) {
    String header(String name) {
      return raw.headers().firstValue(name).orElse(null);
    }
  }

  /** Where the API listens, for tests that need their own client (streams, raw requests). */
  URI base() {
    return base;
  }

  Reply get(String path, String token) throws Exception {
    return send("GET", path, token, null);
  }

  Reply send(String method, String path, String token, String json) throws Exception {
    return send(method, path, token, "application/json", json);
  }

  Reply send(String method, String path, String token, String contentType, String body) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(20))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) request.header("Content-Type", contentType);
    if (token != null) request.header("Authorization", "Bearer " + token);
    HttpResponse<String> response = sendOnce(request.build(), body);
    String type = response.headers().firstValue("Content-Type").orElse("");
    JsonNode json = response.body().isEmpty() || !type.contains("json") ? null : JSON.readTree(response.body());
    return new Reply(response.statusCode(), type, json, response);
  }

  /**
   * The server may answer a body over its limit with 413 and close the connection before the
   * client has finished sending it (RFC 9112 9.6); on loopback the client then sometimes sees the
   * reset instead of the answer. Such a request is tried again, a few times; any other is sent once.
   */
  private HttpResponse<String> sendOnce(HttpRequest request, String body) throws Exception {
    boolean oversized = body != null && body.length() > 64 * 1024;
    for (int attempt = 1; ; attempt++) {
      try {
        return client.send(request, HttpResponse.BodyHandlers.ofString());
      } catch (java.io.IOException e) {
        if (!oversized || attempt == 3) throw e;
      }
    }
  }

  /** Asserts an RFC 9457 problem with this status and returns the names of its invalid fields. */
  static Set<String> assertProblem(Reply reply, int status) {
    assertEquals(status, reply.status(), reply.raw().body());
    assertTrue(reply.contentType().startsWith("application/problem+json"), reply.contentType());
    assertEquals(status, reply.json().get("status").asInt());
    assertEquals("about:blank", reply.json().get("type").asText());
    assertFalse(reply.json().get("title").asText().isBlank());
    assertFalse(reply.json().get("detail").asText().isBlank());
    Set<String> fields = new TreeSet<>();
    if (reply.json().has("errors")) reply.json().get("errors").forEach(e -> fields.add(e.get("field").asText()));
    return fields;
  }

  /** Mints a token with the admin token and returns it. */
  String mint(String role, String agentId, String label) throws Exception {
    String body = JSON.writeValueAsString(agentId == null
        ? Map.of("role", role, "label", label)
        : Map.of("role", role, "agentId", agentId, "label", label));
    Reply reply = send("POST", "/api/v1/admin/tokens", ADMIN, body);
    if (reply.status() != 201) throw new AssertionError("minting failed: " + reply.raw().body());
    return reply.json().get("token").asText();
  }

  @Override
  public void close() throws Exception {
    engine.shutdown().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
