package io.callengine.http;

import static io.callengine.http.TestNode.ADMIN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callengine.core.events.CallEnded;
import io.callengine.core.events.CallEstablished;
import io.callengine.core.events.CallQueued;
import io.callengine.core.events.CallbackAttempted;
import io.callengine.core.events.CallbackCompleted;
import io.callengine.core.events.CallbackFailed;
import io.callengine.core.events.CallbackOffered;
import io.callengine.core.events.CallbackRequested;
import io.callengine.core.testing.TestEngines;
import io.callengine.http.TestNode.Reply;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /metrics}: Prometheus text without a token; per-queue call counters from the public
 * events, queue and agent gauges, the routing decision histogram and the JVM's meters.
 */
class MetricsRoutesTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
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
  void servedAsPrometheusTextWithoutAToken() throws Exception {
    Reply reply = node.get("/metrics", null);
    assertEquals(200, reply.status(), reply.raw().body());
    assertTrue(reply.contentType().startsWith("text/plain"), reply.contentType());
    assertTrue(reply.contentType().contains("version=0.0.4"), reply.contentType());
    assertTrue(reply.raw().body().contains("# TYPE "), "exposition format");
  }

  @Test
  void callsAreCountedPerQueueFromTheEvents() throws Exception {
    // The metrics actor subscribes to the topic as the engine starts: wait until it hears.
    TestEngines.eventually(WAIT, "the metrics actor hears the events topic", () -> {
      node.engine.publish(new CallQueued(Instant.now(), "warm-up", "warm-up", null, 0));
      return value("callengine_calls_offered_total", "queue=\"warm-up\"") > 0;
    });
    Instant at = Instant.now();
    node.engine.publish(new CallQueued(at, "c1", "billing", null, 0));
    node.engine.publish(new CallEstablished(at, "c1", "billing", "alice", 3));
    node.engine.publish(new CallEnded(at, "c1", "billing", "alice", "COMPLETED", "customer hung up", 3, 60));
    node.engine.publish(new CallQueued(at, "c2", "billing", null, 0));
    node.engine.publish(new CallEnded(at, "c2", "billing", null, "ABANDONED", "customer hung up", 9, 0));
    node.engine.publish(new CallQueued(at, "c3", "billing", null, 0));
    node.engine.publish(new CallQueued(at, "c3", "billing-overflow", null, 0));
    node.engine.publish(new CallEnded(at, "c3", "billing-overflow", null, "TIMED_OUT", "max wait", 300, 0));

    TestEngines.eventually(WAIT, "the last event counted",
        () -> value("callengine_calls_timed_out_total", "queue=\"billing-overflow\"") == 1);
    assertEquals(3, value("callengine_calls_offered_total", "queue=\"billing\""));
    assertEquals(1, value("callengine_calls_answered_total", "queue=\"billing\""));
    assertEquals(1, value("callengine_calls_abandoned_total", "queue=\"billing\""));
    assertEquals(1, value("callengine_calls_overflowed_total", "queue=\"billing\""));
    assertEquals(1, value("callengine_calls_offered_total", "queue=\"billing-overflow\""));
    assertEquals(1, value("callengine_calls_ended_total", "disposition=\"COMPLETED\",queue=\"billing\""));
  }

  @Test
  void callbacksAreCountedPerQueueFromTheEvents() throws Exception {
    TestEngines.eventually(WAIT, "the metrics actor hears the events topic", () -> {
      node.engine.publish(new CallQueued(Instant.now(), "cb-warm-up", "cb-warm-up", null, 0));
      return value("callengine_calls_offered_total", "queue=\"cb-warm-up\"") > 0;
    });
    Instant at = Instant.now();
    // cb1 hears the offer twice (counted once), asks, is not reached at the first attempt, then is.
    node.engine.publish(new CallbackOffered(at, "cb1", "callbacks", null));
    node.engine.publish(new CallbackOffered(at, "cb1", "callbacks", null));
    node.engine.publish(new CallbackRequested(at, "cb1", "callbacks", null, "sip:5550001@trunk"));
    node.engine.publish(new CallbackAttempted(at, "cb1", "callbacks", "alice", 1, "sip:5550001@trunk"));
    node.engine.publish(new CallbackFailed(at, "cb1", "callbacks", null, 1, "busy", true));
    node.engine.publish(new CallbackAttempted(at, "cb1", "callbacks", "alice", 2, "sip:5550001@trunk"));
    node.engine.publish(new CallbackCompleted(at, "cb1", "callbacks", "alice", 400));
    // cb2 asks and is never reached; cb3 hears the offer and goes on waiting.
    node.engine.publish(new CallbackOffered(at, "cb2", "callbacks", null));
    node.engine.publish(new CallbackRequested(at, "cb2", "callbacks", null, "sip:5550002@trunk"));
    node.engine.publish(new CallbackFailed(at, "cb2", "callbacks", null, 1, "no answer", false));
    node.engine.publish(new CallbackOffered(at, "cb3", "callbacks", null));
    node.engine.publish(new CallQueued(at, "cb-last", "cb-last", null, 0));

    TestEngines.eventually(WAIT, "the last event counted", () -> value("callengine_calls_offered_total", "queue=\"cb-last\"") == 1);
    assertEquals(3, value("callengine_callbacks_offered_total", "queue=\"callbacks\""), "an offer heard twice by one call counts once");
    assertEquals(2, value("callengine_callbacks_accepted_total", "queue=\"callbacks\""));
    assertEquals(1, value("callengine_callbacks_completed_total", "queue=\"callbacks\""));
    assertEquals(1, value("callengine_callbacks_failed_total", "queue=\"callbacks\""), "a failed attempt that is retried is no failed callback");
  }

  @Test
  void queueAndAgentGaugesFollowTheEngine() throws Exception {
    Reply queue = node.send("POST", "/api/v1/admin/queues", ADMIN, "{\"id\":\"sales\",\"name\":\"Sales\"}");
    assertEquals(201, queue.status(), queue.raw().body());
    Reply agent = node.send("POST", "/api/v1/admin/agents", ADMIN,
        "{\"id\":\"bob\",\"sipUri\":\"sip:bob@example.com\",\"displayName\":\"Bob\",\"password\":\"pw-bob\"}");
    assertEquals(201, agent.status(), agent.raw().body());
    Reply available = node.send("PUT", "/api/v1/agents/bob/status", ADMIN, "{\"presence\":\"AVAILABLE\"}");
    assertEquals(200, available.status(), available.raw().body());

    TestEngines.eventually(WAIT, "the queue's gauges", () -> value("callengine_queue_waiting_calls", "queue=\"sales\"") == 0
        && value("callengine_queue_longest_wait_seconds", "queue=\"sales\"") == 0);
    assertEquals(0, value("callengine_calls_offered_total", "queue=\"sales\""), "a known queue's counters start at zero");
    assertEquals(0, value("callengine_callbacks_accepted_total", "queue=\"sales\""), "its callback counters too");
    TestEngines.eventually(WAIT, "bob counted AVAILABLE and IDLE",
        () -> value("callengine_agents_presence", "presence=\"AVAILABLE\"") == 1
            && value("callengine_agents_activity", "activity=\"IDLE\"") >= 1);
    assertEquals(0, value("callengine_agents_presence", "presence=\"BREAK\""));
  }

  @Test
  void routingDecisionsAreTimedIntoAHistogram() throws Exception {
    // The Router runs a pass every second even with nothing to match.
    TestEngines.eventually(WAIT, "a routing pass timed", () -> value("callengine_routing_decision_seconds_count", "") > 0);
    String text = scrape();
    assertTrue(text.contains("# TYPE callengine_routing_decision_seconds histogram"), "a histogram");
    assertTrue(text.contains("callengine_routing_decision_seconds_bucket{le="), "with buckets");
  }

  @Test
  void jvmMetricsArePresent() throws Exception {
    String text = scrape();
    for (String name : new String[] {"jvm_memory_used_bytes{", "jvm_threads_live_threads", "jvm_gc_memory_allocated_bytes_total",
        "process_uptime_seconds", "system_cpu_count", "process_cpu_usage"}) {
      assertTrue(text.contains(name), name + " in\n" + text);
    }
  }

  private static String scrape() throws Exception {
    Reply reply = node.get("/metrics", null);
    assertEquals(200, reply.status());
    return reply.raw().body();
  }

  /** The value of the series with exactly these labels (as Prometheus prints them, sorted), or -1 when absent. */
  private static double value(String name, String labels) throws Exception {
    String series = labels.isEmpty() ? name : name + "{" + labels + "}";
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(scrape());
    return m.find() ? Double.parseDouble(m.group(1)) : -1;
  }
}
