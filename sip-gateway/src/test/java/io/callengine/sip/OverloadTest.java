package io.callengine.sip;

import static io.callengine.core.testing.TestEngines.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.callengine.core.api.QueueSpec;
import io.callengine.sip.testing.RawSipCaller;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Admission control over a real UDP socket. The node may have 3 calls in set-up; the database is
 * stalled (H2's exclusive mode pauses every other connection), so the 3 calls it takes cannot
 * be queued and stay in set-up, as calls do on a node past its capacity. A 4th INVITE then gets
 * 503 with Retry-After at once, counted in /metrics, while the 3 are answered 200 as soon as the
 * database is back; after that a new call is taken again.
 */
class OverloadTest {
  private static final int LIMIT = 3;
  private static SipTestNode node;

  @BeforeAll
  static void start() throws Exception {
    // A journal pool that never has to open a connection while the test holds the database: H2
    // refuses new connections in exclusive mode, it only pauses the open ones.
    node = SipTestNode.start("39600-39699", "callengine.sip { max-calls-in-setup = " + LIMIT + ", overload-retry-after = 3s }\n"
        + "pekko-persistence-jdbc.shared-databases.slick.db.minConnections = 10\n");
    node.engine().admin().createQueue(QueueSpec.of("support", "Support")).toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  @Test
  void pastTheLimitOfCallsInSetupANewInviteGets503WithRetryAfterAndTheCallsTakenComplete() throws Exception {
    List<String> taken = new ArrayList<>();
    try (RawSipCaller caller = new RawSipCaller(node.port(), "support")) {
      com.typesafe.config.Config db = node.engine().config().getConfig("callengine.db");
      try (Connection stall = DriverManager.getConnection(db.getString("url"), db.getString("user"), db.getString("password"))) {
        execute(stall, "SET EXCLUSIVE 1");
        for (int i = 1; i <= LIMIT; i++) {
          String callId = "taken-" + i + "-" + System.nanoTime();
          taken.add(callId);
          caller.invite(callId);
        }
        eventually(Duration.ofSeconds(10), LIMIT + " calls in set-up", () -> metric("callengine_sip_calls_in_setup") == LIMIT);

        String refused = "refused-" + System.nanoTime();
        caller.invite(refused);
        RawSipCaller.Received answer = caller.awaitFinal(refused, "INVITE", Duration.ofSeconds(10));
        assertNotNull(answer, "the INVITE past the limit is answered at once, not queued behind the stalled ones");
        assertEquals(503, answer.status(), "an INVITE past the limit of calls in set-up: 503 Service Unavailable");
        assertEquals("3", answer.header("Retry-After"), "with Retry-After from callengine.sip.overload-retry-after");
        assertEquals(1, metric("callengine_sip_overload_refusals_total"), "the refusal is counted");
        for (String callId : taken) {
          assertEquals(List.of(), finalAnswers(caller, callId), callId + ": still in set-up, neither answered nor refused");
        }
        execute(stall, "SET EXCLUSIVE 0");
      }
      for (String callId : taken) {
        RawSipCaller.Received answer = caller.awaitFinal(callId, "INVITE", Duration.ofSeconds(10));
        assertNotNull(answer, callId + ": answered once the database is back");
        assertEquals(200, answer.status(), callId + ": a call taken before the overload is queued and answered normally");
      }
      eventually(Duration.ofSeconds(5), "no call in set-up", () -> metric("callengine_sip_calls_in_setup") == 0);
      eventually(Duration.ofSeconds(10), "the node is ready (its database check saw the database back)", node.engine()::ready);

      String after = "after-" + System.nanoTime();
      caller.invite(after);
      RawSipCaller.Received answer = caller.awaitFinal(after, "INVITE", Duration.ofSeconds(10));
      assertNotNull(answer);
      assertEquals(200, answer.status(), "with the set-ups done, a new call is taken again");
      assertEquals(1, metric("callengine_sip_overload_refusals_total"), "and nothing more was refused");
      taken.add(after);
      for (String callId : taken) assertEquals(200, caller.bye(callId, Duration.ofSeconds(5)), callId + ": BYE ends the call");
    }
  }

  private static List<Integer> finalAnswers(RawSipCaller caller, String callId) {
    return caller.received(callId).stream().map(RawSipCaller.Received::status).filter(status -> status >= 200).toList();
  }

  private static void execute(Connection connection, String sql) throws Exception {
    try (Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  private static double metric(String series) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(node.engine().metrics().scrape());
    return m.find() ? Double.parseDouble(m.group(1)) : -1;
  }
}
