package io.callengine.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Requests that Pekko HTTP's parser refuses before any route runs, sent over a raw socket to the
 * real port: each gets its status as problem+json with a detail saying what was wrong, and the
 * connection is then closed. The bound on each read is generous; the answers come at once.
 */
class ParsingErrorsTest {
  private static final Duration BOUND = Duration.ofSeconds(10);
  private static TestNode node;

  @BeforeAll
  static void start() throws Exception {
    node = TestNode.start();
  }

  @AfterAll
  static void stop() throws Exception {
    if (node != null) node.close();
  }

  @Test
  void aTenKilobyteUriIs414() throws Exception {
    JsonNode problem = refused("GET /api/v1/" + "a".repeat(10_000) + " HTTP/1.1\r\nHost: localhost\r\n\r\n", 414);
    assertEquals("the request target (path and query) is longer than the 2048 characters this server reads", problem.get("detail").asText());
  }

  @Test
  void twoHundredHeaderLinesAre431() throws Exception {
    StringBuilder request = new StringBuilder("GET /health/live HTTP/1.1\r\nHost: localhost\r\n");
    for (int i = 0; i < 200; i++) request.append("X-Filler-").append(i).append(": ").append(i).append("\r\n");
    JsonNode problem = refused(request.append("\r\n").toString(), 431);
    assertTrue(problem.get("detail").asText().contains("more than the configured limit of 64 headers"), problem.toString());
  }

  @Test
  void aHeaderOfTenKilobytesIs431() throws Exception {
    JsonNode problem = refused("GET /health/live HTTP/1.1\r\nHost: localhost\r\nX-Huge: " + "v".repeat(10_000) + "\r\n\r\n", 431);
    assertTrue(problem.get("detail").asText().contains("header value exceeds the configured limit"), problem.toString());
  }

  @Test
  void http37Is505() throws Exception {
    JsonNode problem = refused("GET /health/live HTTP/3.7\r\nHost: localhost\r\n\r\n", 505);
    assertTrue(problem.get("detail").asText().contains("HTTP/1.1"), problem.toString());
  }

  @Test
  void aRequestLineOfGarbageIs400AndTheConnectionIsClosed() throws Exception {
    JsonNode problem = refused("garbage\r\n\r\n", 400);
    assertEquals("the request line is not HTTP: it must read like GET /path HTTP/1.1", problem.get("detail").asText());
  }

  @Test
  void aRequestLineOfControlBytesIs400() throws Exception {
    refused("\u0001\u0002 \u0003 \u0004\r\n\r\n", 400);
  }

  @Test
  void anUnknownMethodIs501() throws Exception {
    JsonNode problem = refused("BREW /health/live HTTP/1.1\r\nHost: localhost\r\n\r\n", 501);
    assertEquals("the method BREW is not supported", problem.get("detail").asText());
  }

  @Test
  void aGoodRequestOnTheSameKindOfConnectionStillWorks() throws Exception {
    try (RawHttp raw = new RawHttp(node.base())) {
      RawHttp.Reply reply = raw.exchange("GET /health/live HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", BOUND);
      assertEquals(200, reply.status(), reply.body());
      assertTrue(reply.closed());
    }
  }

  /** Sends the request on a fresh connection; asserts the problem and the close, and returns the problem. */
  private static JsonNode refused(String request, int status) throws Exception {
    try (RawHttp raw = new RawHttp(node.base())) {
      RawHttp.Reply reply = raw.exchange(request, BOUND);
      assertEquals(status, reply.status(), raw.received());
      assertTrue(reply.contentType().startsWith("application/problem+json"), reply.contentType());
      assertTrue(reply.closed(), "the server closes the connection after refusing the request");
      JsonNode problem = reply.json();
      assertEquals(status, problem.get("status").asInt());
      assertEquals("about:blank", problem.get("type").asText());
      assertTrue(!problem.get("title").asText().isBlank() && !problem.get("detail").asText().isBlank(), problem.toString());
      return problem;
    }
  }
}
