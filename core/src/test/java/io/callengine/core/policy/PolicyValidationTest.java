package io.callengine.core.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.callengine.core.EngineException;
import io.callengine.core.FieldError;
import io.callengine.core.queue.QueueConfig;
import java.time.LocalTime;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class PolicyValidationTest {
  private static RoutingRule rule(String queueId) {
    return new RoutingRule("sales", null, null, null, queueId, null, null);
  }

  private static Set<String> fields(RoutingPolicy policy) {
    EngineException e = assertThrows(EngineException.class, () -> PolicyValidation.policy(policy));
    return e.errors().stream().map(FieldError::field).collect(Collectors.toSet());
  }

  @Test
  void defaultsAreFilledIn() {
    RoutingPolicy saved = PolicyValidation.policy(new RoutingPolicy("p1", null, 0, List.of(rule("sales")), null));
    assertEquals(new RoutingPolicy("p1", "p1", 0, List.of(new RoutingRule("sales", null, List.of(), null, "sales", 0, List.of())), "UTC"),
        saved);
  }

  @Test
  void everyInvalidFieldIsNamed() {
    RoutingRule bad = new RoutingRule(" ", CallerMatch.pattern("(vip"), List.of(new TimeWindow(null, null, LocalTime.NOON)), "12x",
        "Not An Id", 101, List.of(new QueueConfig.RequiredSkill("", 1), new QueueConfig.RequiredSkill("french", 9)));
    RoutingRule twoCallers = new RoutingRule(null, new CallerMatch("a", "b", null), null, null, null, -1, null);
    assertEquals(Set.of("id", "timeZone", "rules[0].dialed", "rules[0].caller.pattern", "rules[0].windows[0].from",
            "rules[0].digits", "rules[0].queueId", "rules[0].priority", "rules[0].extraSkills[0].name",
            "rules[0].extraSkills[1].minLevel", "rules[1].caller", "rules[1].queueId", "rules[1].priority"),
        fields(new RoutingPolicy("Bad Id", "x", 0, List.of(bad, twoCallers), "Mars/Olympus")));
  }

  @Test
  void aPolicyNeedsRulesAndNoRuleBehindADefault() {
    assertEquals(Set.of("rules"), fields(new RoutingPolicy("p", "p", 0, List.of(), null)));
    assertEquals(Set.of("rules"), fields(new RoutingPolicy("p", "p", 0, null, null)));
    RoutingRule any = new RoutingRule(null, null, List.of(), null, "general", null, null);
    assertEquals(Set.of("rules[1]"), fields(new RoutingPolicy("p", "p", 0, List.of(any, rule("sales")), null)));
    assertEquals(Set.of("rules[1]"), fields(new RoutingPolicy("p", "p", 0, Arrays.asList(rule("sales"), null), null)));
  }

  @Test
  void updateTakesTheIdFromThePath() {
    assertEquals("p1", PolicyValidation.policy("p1", new RoutingPolicy(null, "x", 0, List.of(rule("sales")), "Europe/Paris")).id());
    EngineException e = assertThrows(EngineException.class,
        () -> PolicyValidation.policy("p1", new RoutingPolicy("p2", "x", 0, List.of(rule("sales")), null)));
    assertEquals("id", e.errors().get(0).field());
  }
}
