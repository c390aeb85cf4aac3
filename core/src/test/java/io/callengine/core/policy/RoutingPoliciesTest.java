package io.callengine.core.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callengine.core.queue.QueueConfig;
import io.callengine.core.testing.EntityTestConfig;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.util.List;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RoutingPoliciesTest {
  private static final ActorTestKit testKit = ActorTestKit.create(EntityTestConfig.config());
  private static final Instant MONDAY_NOON = Instant.parse("2026-01-12T12:00:00Z");
  private EventSourcedBehaviorTestKit<RoutingPolicies.Command, RoutingPolicies.Event, RoutingPolicies.State> kit;

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  @BeforeEach
  void setUp() {
    kit = EventSourcedBehaviorTestKit.create(testKit.system(), RoutingPolicies.create());
  }

  private static RoutingPolicy policy(String id, int order, String dialed, String queueId) {
    RoutingRule office = new RoutingRule(dialed, CallerMatch.prefix("+33"),
        List.of(new TimeWindow(List.of(DayOfWeek.MONDAY), LocalTime.of(8, 0), LocalTime.of(18, 0))), null, queueId, 10,
        List.of(new QueueConfig.RequiredSkill("french", 3)));
    return new RoutingPolicy(id, id, order, List.of(office), "Europe/Paris");
  }

  private StatusReply<RoutingPolicy> create(RoutingPolicy policy) {
    return kit.<StatusReply<RoutingPolicy>>runCommand(r -> new RoutingPolicies.Create(policy, r)).reply();
  }

  private RouteDecision route(String dialed) {
    return PolicyMatcher.of(kit.getState().policies().values())
        .route(new RouteRequest(dialed, "sip:+33612345678@carrier", MONDAY_NOON, null)).orElse(null);
  }

  @Test
  void createdPolicyIsSavedAndRoutes() {
    var result = kit.<StatusReply<RoutingPolicy>>runCommand(r -> new RoutingPolicies.Create(policy("fr", 0, "sales", "sales-fr"), r));
    assertTrue(result.reply().isSuccess());
    assertEquals(new RoutingPolicies.PolicySaved(policy("fr", 0, "sales", "sales-fr")), result.event());
    assertEquals(new RouteDecision("sales-fr", 10, List.of(new QueueConfig.RequiredSkill("french", 3)), "fr", null), route("sales"));
    assertNull(route("support"));
  }

  @Test
  void duplicateIdIsAConflict() {
    create(policy("fr", 0, "sales", "sales-fr"));
    StatusReply<RoutingPolicy> again = create(policy("fr", 1, "support", "support"));
    assertTrue(again.getError().getMessage().startsWith("conflict:"), again.getError().getMessage());
  }

  @Test
  void updateReplacesAndUnknownIsNotFound() {
    create(policy("fr", 0, "sales", "sales-fr"));
    var updated = kit.<StatusReply<RoutingPolicy>>runCommand(r -> new RoutingPolicies.Update(policy("fr", 0, "support", "support-fr"), r));
    assertEquals("support-fr", updated.reply().getValue().rules().get(0).queueId());
    assertEquals("support-fr", route("support").queueId());
    assertNull(route("sales"), "the matcher follows the update");

    var unchanged = kit.<StatusReply<RoutingPolicy>>runCommand(r -> new RoutingPolicies.Update(policy("fr", 0, "support", "support-fr"), r));
    assertTrue(unchanged.hasNoEvents());

    var missing = kit.<StatusReply<RoutingPolicy>>runCommand(r -> new RoutingPolicies.Update(policy("nope", 0, "x", "x"), r));
    assertTrue(missing.reply().getError().getMessage().startsWith("not-found:"));
  }

  @Test
  void getListAndDelete() {
    create(policy("late", 5, "sales", "b"));
    create(policy("early", 1, "sales", "a"));
    var listing = kit.<RoutingPolicies.Listing>runCommand(RoutingPolicies.ListAll::new).reply();
    assertEquals(List.of("early", "late"), listing.policies().stream().map(RoutingPolicy::id).toList());
    assertEquals("a", route("sales").queueId());

    assertEquals("late", kit.<StatusReply<RoutingPolicy>>runCommand(r -> new RoutingPolicies.Get("late", r)).reply().getValue().id());
    var deleted = kit.<StatusReply<Done>>runCommand(r -> new RoutingPolicies.Delete("early", r));
    assertEquals(new RoutingPolicies.PolicyDeleted("early"), deleted.event());
    assertEquals("b", route("sales").queueId());
    assertTrue(kit.<StatusReply<RoutingPolicy>>runCommand(r -> new RoutingPolicies.Get("early", r)).reply().isError());
    assertTrue(kit.<StatusReply<Done>>runCommand(r -> new RoutingPolicies.Delete("early", r)).reply().getError().getMessage()
        .startsWith("not-found:"));
  }

  @Test
  void policiesSurviveRestart() {
    create(policy("fr", 0, "sales", "sales-fr"));
    create(policy("de", 1, "verkauf", "sales-de"));
    kit.<StatusReply<Done>>runCommand(r -> new RoutingPolicies.Delete("de", r));
    kit.restart();
    assertEquals(List.of("fr"), kit.getState().policies().keySet().stream().toList());
    assertEquals(policy("fr", 0, "sales", "sales-fr"), kit.getState().policies().get("fr"));
    assertEquals("sales-fr", route("sales").queueId());
    assertNull(route("verkauf"));
  }
}
