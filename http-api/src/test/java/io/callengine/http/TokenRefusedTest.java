package io.callengine.http;

import static io.callengine.http.TestNode.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.callengine.core.security.SecurityLogCapture;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An unknown bearer token is a security event: every one is counted in /metrics, the first of a
 * source in the log window is logged as the line fail2ban matches. A request without a token is
 * an ordinary 401, not an event.
 */
class TokenRefusedTest {
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
  void unknownTokensAreCountedAndTheSourceLoggedOnce() throws Exception {
    try (SecurityLogCapture logged = new SecurityLogCapture()) {
      assertProblem(node.get("/api/v1/me", null), 401);
      assertEquals(0, refusedCount(), "a request without a token is not an event");

      assertProblem(node.get("/api/v1/me", "guess-1"), 401);
      assertProblem(node.get("/api/v1/supervisor/stats", "guess-2"), 401);
      assertProblem(node.get("/api/v1/events?token=guess-3", null), 401);

      assertEquals(3, refusedCount());
      assertEquals(List.of("WARN SECURITY token-refused source=127.0.0.1 path=/api/v1/me"), logged.matching(".*token-refused.*"),
          "one line per source in the log window, naming the peer address and the path");
    }
  }

  private static double refusedCount() throws Exception {
    String metrics = node.get("/metrics", null).raw().body();
    return metrics.lines().filter(line -> line.startsWith("callengine_http_security_token_refused_total"))
        .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
  }
}
