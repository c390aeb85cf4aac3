package io.callengine.http;

import static io.callengine.core.testing.TestEngines.eventually;
import static io.callengine.http.TestNode.ADMIN;
import static io.callengine.http.TestNode.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import io.callengine.http.TestNode.Reply;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Down;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * An engine with HTTP on a real port, joined by two bare cluster members in this JVM (same system
 * name, no engine in them), which are then stopped without leaving, as a crash or a partition
 * looks: {@code /api/v1/admin/cluster} shows the members and who is unreachable, readiness turns
 * 503 because this node is no longer in the reachable majority, the cluster gauges follow, and
 * the member event log says what happened. Downing the lost members makes the node ready again.
 */
class ClusterRoutesTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String MEMBER_EVENT_LOG = "io.callengine.core.cluster.MemberEventLog";
  private static final ListAppender<ILoggingEvent> LOG = new ListAppender<>();
  private static TestNode node;
  private static String self;

  @BeforeAll
  static void start() throws Exception {
    LOG.start();
    ((Logger) LoggerFactory.getLogger(MEMBER_EVENT_LOG)).addAppender(LOG);
    // The split-brain resolver would down this node (the minority) 20 s after the others are lost; not during this test.
    node = TestNode.start("pekko.cluster.split-brain-resolver.stable-after = 120s");
    self = Cluster.get(node.engine.system()).selfMember().address().toString();
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
    ((Logger) LoggerFactory.getLogger(MEMBER_EVENT_LOG)).detachAppender(LOG);
  }

  @Test
  void theClusterViewReadinessAndGaugesFollowMembersThatJoinAndAreLost() throws Exception {
    assertEquals(200, node.get("/health/ready", null).status(), "a single node is ready");
    assertEquals(1.0, gauge("callengine_node_ready", ""));
    // The bare members take the engine's roles, so that all three count towards the majority whatever they are.
    List<String> roles = node.engine.config().getStringList("pekko.cluster.roles");
    List<ActorSystem<Void>> others = List.of(bareMember(roles), bareMember(roles));
    List<Address> lost = others.stream().map(s -> Cluster.get(s).selfMember().address()).toList();
    List<String> addresses = lost.stream().map(Address::toString).toList();
    try {
      eventually(WAIT, "three members Up", () -> statuses().equals(List.of("UP", "UP", "UP")));
      JsonNode view = node.get("/api/v1/admin/cluster", ADMIN).json();
      assertEquals(self, view.get("self").asText());
      assertEquals(self, view.get("oldest").asText(), "the first node is the oldest, where the singletons run");
      assertTrue(view.get("leader").isTextual());
      assertEquals(0, view.get("unreachable").size());
      for (JsonNode member : view.get("members")) {
        assertTrue(member.get("reachable").asBoolean());
        assertEquals(roles, texts(member.get("roles")), "roles, without Pekko's dc- role");
        assertTrue(member.get("upSince").isTextual(), "this node saw each member come Up: " + member);
      }
      assertEquals(3.0, gauge("callengine_cluster_members", "status=\"up\""));
      assertEquals(0.0, gauge("callengine_cluster_members", "status=\"joining\""));
      assertEquals(0.0, gauge("callengine_cluster_unreachable_members", ""));
      assertEquals(200, node.get("/health/ready", null).status(), "all three reachable: ready");

      others.forEach(ActorSystem::terminate); // without leaving: the engine just stops hearing from them
      eventually(WAIT, "readiness turns 503 with the reason", () -> {
        Reply ready = node.get("/health/ready", null);
        return ready.status() == 503 && ready.json().get("detail").asText().equals("not ready: not in the reachable majority of the "
            + "cluster: 2 of 3 members" + (roles.contains("engine") ? " with role engine" : "") + " are unreachable from this node");
      });
      assertProblem(node.get("/health/ready", null), 503);
      view = node.get("/api/v1/admin/cluster", ADMIN).json();
      assertEquals(addresses.stream().sorted().toList(), texts(view.get("unreachable")));
      for (JsonNode member : view.get("members")) {
        assertEquals(member.get("address").asText().equals(self), member.get("reachable").asBoolean(), member.toString());
      }
      assertEquals(2.0, gauge("callengine_cluster_unreachable_members", ""));
      assertEquals(0.0, gauge("callengine_node_ready", ""));
      assertTrue(node.engine.health().warnings().get(0).startsWith("not in the reachable majority"));

      for (Address address : lost) Cluster.get(node.engine.system()).manager().tell(new Down(address));
      eventually(WAIT, "the downed members are removed", () -> statuses().equals(List.of("UP")));
      eventually(WAIT, "ready again", () -> node.get("/health/ready", null).status() == 200);
      assertEquals(1.0, gauge("callengine_node_ready", ""));
      assertEquals(1.0, gauge("callengine_cluster_members", "status=\"up\""));
      eventually(WAIT, "the member event log says it all", () -> {
        String log = logged();
        return addresses.stream().allMatch(a -> log.contains("INFO Cluster member " + a + " (roles " + roles + ") joined")
            && log.contains("INFO Cluster member " + a + " (roles " + roles + ") is Up")
            && log.contains("INFO Cluster member " + a + " is unreachable")
            && log.contains("INFO Cluster member " + a + " was downed")
            && log.contains("INFO Cluster member " + a + " was removed (it was DOWN)"));
      });
    } finally {
      for (ActorSystem<Void> other : others) {
        other.terminate();
        other.getWhenTerminated().toCompletableFuture().get(20, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void onlyTheAdminReadsTheClusterAndOnlyWithGet() throws Exception {
    assertProblem(node.get("/api/v1/admin/cluster", null), 401);
    assertProblem(node.get("/api/v1/admin/cluster", node.mint("supervisor", null, "cluster-supervisor")), 403);
    assertProblem(node.send("POST", "/api/v1/admin/cluster", ADMIN, "{}"), 405);
  }

  /**
   * A cluster member with nothing in it, joining the engine with the engine's settings (the join
   * checks that they agree); stopped with terminate() it does not leave.
   */
  private static ActorSystem<Void> bareMember(List<String> roles) {
    return ActorSystem.create(Behaviors.empty(), "callengine", ConfigFactory.parseString("""
        pekko.remote.artery.canonical { hostname = 127.0.0.1, port = 0 }
        pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
        pekko.cluster.seed-nodes = ["%s"]
        pekko.cluster.roles = %s
        pekko.coordinated-shutdown.run-by-actor-system-terminate = off
        pekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off
        pekko.loglevel = ERROR
        """.formatted(self, roles.stream().map(r -> "\"" + r + "\"").toList())).withFallback(node.engine.config()));
  }

  private static List<String> statuses() throws Exception {
    List<String> statuses = new ArrayList<>();
    node.get("/api/v1/admin/cluster", ADMIN).json().get("members").forEach(m -> statuses.add(m.get("status").asText()));
    return statuses;
  }

  private static List<String> texts(JsonNode array) {
    List<String> texts = new ArrayList<>();
    array.forEach(t -> texts.add(t.asText()));
    return texts;
  }

  private static String logged() {
    StringBuilder all = new StringBuilder();
    synchronized (LOG) {
      for (ILoggingEvent event : new ArrayList<>(LOG.list)) all.append(event.getLevel()).append(' ').append(event.getFormattedMessage()).append('\n');
    }
    return all.toString();
  }

  /** The value of a Prometheus sample of {@code /metrics}; {@code labels} as written there, empty for none. */
  private static double gauge(String name, String labels) throws Exception {
    String text = node.get("/metrics", null).raw().body();
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + (labels.isEmpty() ? "" : "\\{[^}]*" + Pattern.quote(labels) + "[^}]*\\}")
        + " ([0-9.eE+-]+)$").matcher(text);
    assertTrue(m.find(), name + " " + labels + " in /metrics");
    return Double.parseDouble(m.group(1));
  }
}
