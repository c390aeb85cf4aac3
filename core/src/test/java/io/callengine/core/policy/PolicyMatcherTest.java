package io.callengine.core.policy;

import static java.time.DayOfWeek.FRIDAY;
import static java.time.DayOfWeek.MONDAY;
import static java.time.DayOfWeek.SATURDAY;
import static java.time.DayOfWeek.SUNDAY;
import static java.time.DayOfWeek.THURSDAY;
import static java.time.DayOfWeek.TUESDAY;
import static java.time.DayOfWeek.WEDNESDAY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callengine.core.queue.QueueConfig;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PolicyMatcherTest {
  /** A Wednesday: 10:00 UTC is 11:00 in Paris (winter time). */
  private static final Instant WEDNESDAY_11H_PARIS = Instant.parse("2026-01-14T10:00:00Z");
  private static final List<DayOfWeek> WEEKDAYS = List.of(MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY);

  private static RoutingRule toQueue(String queueId) {
    return new RoutingRule(null, null, List.of(), null, queueId, null, List.of());
  }

  private static RoutingRule dialed(String dialed, String queueId) {
    return new RoutingRule(dialed, null, List.of(), null, queueId, null, List.of());
  }

  private static RoutingRule caller(CallerMatch caller, String queueId, int priority) {
    return new RoutingRule(null, caller, List.of(), null, queueId, priority, List.of());
  }

  private static RoutingRule within(TimeWindow window, String queueId) {
    return new RoutingRule(null, null, List.of(window), null, queueId, null, List.of());
  }

  private static RoutingRule digits(String digits, String queueId) {
    return new RoutingRule(null, null, List.of(), digits, queueId, null, List.of());
  }

  private static RoutingPolicy policy(String id, int order, String zone, RoutingRule... rules) {
    return new RoutingPolicy(id, id, order, List.of(rules), zone);
  }

  private static Optional<String> queueFor(List<RoutingPolicy> policies, RouteRequest request) {
    return PolicyMatcher.route(policies, request).map(RouteDecision::queueId);
  }

  private static RouteRequest call(String dialed, String caller) {
    return new RouteRequest(dialed, caller, WEDNESDAY_11H_PARIS, null);
  }

  @Test
  void dialedAddressMatchesOnItsUserPartIgnoringCase() {
    List<RoutingPolicy> policies = List.of(policy("p", 0, "UTC", dialed("Sales", "sales"), dialed("sip:support@pbx", "support")));
    assertEquals(Optional.of("sales"), queueFor(policies, call("sip:sales@engine.example.com;transport=tcp", "sip:bob@x")));
    assertEquals(Optional.of("support"), queueFor(policies, call("SUPPORT", "sip:bob@x")));
    assertEquals(Optional.of("support"), queueFor(policies, call("<sip:Support@other-host>", "sip:bob@x")));
    assertEquals(Optional.empty(), queueFor(policies, call("sip:billing@engine", "sip:bob@x")));
    assertEquals(Optional.empty(), queueFor(policies, call(null, "sip:bob@x")));
  }

  @Test
  void callerExactPrefixAndPatternForAVipList() {
    List<RoutingPolicy> policies = List.of(policy("vip", 0, "UTC",
        caller(CallerMatch.pattern("\\+33(612345678|698765432)"), "vip", 90),
        caller(CallerMatch.exact("sip:boss@corp.example"), "vip", 100),
        caller(CallerMatch.prefix("+44"), "uk", 10),
        toQueue("general")));
    RouteDecision vip = PolicyMatcher.route(policies, call("support", "sip:+33612345678@carrier.example")).orElseThrow();
    assertEquals(new RouteDecision("vip", 90, List.of(), "vip", null), vip);
    assertEquals(Optional.of("vip"), queueFor(policies, call("support", "\"The Boss\" <sip:Boss@corp.example>")));
    assertEquals(Optional.of("uk"), queueFor(policies, call("support", "tel:+442071234567")));
    assertEquals(Optional.of("general"), queueFor(policies, call("support", "sip:+33612345679@carrier.example")),
        "a pattern must match the whole user part");
    assertEquals(Optional.of("general"), queueFor(policies, call("support", null)));
  }

  @Test
  void patternMayMatchTheWholeUri() {
    List<RoutingPolicy> policies = List.of(policy("p", 0, "UTC", caller(CallerMatch.pattern("sip:.*@partner\\.example"), "partners", 5)));
    assertEquals(Optional.of("partners"), queueFor(policies, call("support", "sip:anyone@partner.example")));
    assertEquals(Optional.empty(), queueFor(policies, call("support", "sip:anyone@other.example")));
  }

  @Test
  void businessHoursOnWeekdaysInTheConfiguredZone() {
    TimeWindow office = new TimeWindow(WEEKDAYS, LocalTime.of(8, 0), LocalTime.of(11, 0));
    List<RoutingPolicy> paris = List.of(policy("p", 0, "Europe/Paris", within(office, "office"), toQueue("after-hours")));
    // 11:00 in Paris: the window's end is exclusive.
    assertEquals(Optional.of("after-hours"), queueFor(paris, call("support", "sip:a@b")));
    assertEquals(Optional.of("office"), queueFor(paris, at(Instant.parse("2026-01-14T09:59:59Z"))));
    assertEquals(Optional.of("office"), queueFor(paris, at(Instant.parse("2026-01-14T07:00:00Z"))));
    assertEquals(Optional.of("after-hours"), queueFor(paris, at(Instant.parse("2026-01-14T06:59:59Z"))));
    // The same instant read in UTC is 10:00, inside the window.
    List<RoutingPolicy> utc = List.of(policy("p", 0, "UTC", within(office, "office"), toQueue("after-hours")));
    assertEquals(Optional.of("office"), queueFor(utc, call("support", "sip:a@b")));
    // Saturday 09:00 in Paris is not a weekday.
    assertEquals(Optional.of("after-hours"), queueFor(paris, at(Instant.parse("2026-01-17T08:00:00Z"))));
  }

  @Test
  void windowAcrossMidnightBelongsToTheDayItStarts() {
    TimeWindow fridayNight = new TimeWindow(List.of(FRIDAY), LocalTime.of(22, 0), LocalTime.of(6, 0));
    List<RoutingPolicy> policies = List.of(policy("p", 0, "Europe/Paris", within(fridayNight, "night"), toQueue("day")));
    assertEquals(Optional.of("night"), queueFor(policies, at(Instant.parse("2026-01-16T21:30:00Z"))), "Friday 22:30 in Paris");
    assertEquals(Optional.of("night"), queueFor(policies, at(Instant.parse("2026-01-17T02:00:00Z"))), "Saturday 03:00 in Paris");
    assertEquals(Optional.of("day"), queueFor(policies, at(Instant.parse("2026-01-17T05:00:00Z"))), "Saturday 06:00 in Paris");
    assertEquals(Optional.of("day"), queueFor(policies, at(Instant.parse("2026-01-16T02:00:00Z"))), "Friday 03:00 belongs to Thursday");
    assertEquals(Optional.of("day"), queueFor(policies, at(Instant.parse("2026-01-17T21:30:00Z"))), "Saturday 22:30");
  }

  @Test
  void everyNightWithoutDaysAndAnyOfSeveralWindows() {
    RoutingRule weekend = new RoutingRule(null, null, List.of(
        new TimeWindow(List.of(SATURDAY, SUNDAY), LocalTime.MIDNIGHT, LocalTime.MIDNIGHT),
        new TimeWindow(List.of(), LocalTime.of(20, 0), LocalTime.of(7, 0))), null, "closed", null, List.of());
    List<RoutingPolicy> policies = List.of(policy("p", 0, "UTC", weekend, toQueue("open")));
    assertEquals(Optional.of("closed"), queueFor(policies, at(Instant.parse("2026-01-18T12:00:00Z"))), "Sunday noon");
    assertEquals(Optional.of("closed"), queueFor(policies, at(Instant.parse("2026-01-14T06:59:00Z"))), "Wednesday early");
    assertEquals(Optional.of("open"), queueFor(policies, at(Instant.parse("2026-01-14T07:00:00Z"))), "Wednesday 07:00");
  }

  @Test
  void digitsMatchOnlyWhenCollectedAndEqual() {
    List<RoutingPolicy> policies = List.of(policy("ivr", 0, "UTC", digits("1", "sales"), digits("2", "support"), toQueue("operator")));
    assertEquals(Optional.of("support"), queueFor(policies, new RouteRequest("main", "sip:a@b", WEDNESDAY_11H_PARIS, "2")));
    assertEquals(Optional.of("operator"), queueFor(policies, new RouteRequest("main", "sip:a@b", WEDNESDAY_11H_PARIS, "12")));
    assertEquals(Optional.of("operator"), queueFor(policies, new RouteRequest("main", "sip:a@b", WEDNESDAY_11H_PARIS, null)));
  }

  @Test
  void allMatchersOfARuleMustHold() {
    RoutingRule vipSales = new RoutingRule("sales", CallerMatch.prefix("+33"), List.of(), "1", "vip-sales", 50,
        List.of(new QueueConfig.RequiredSkill("french", 4)));
    List<RoutingPolicy> policies = List.of(policy("p", 0, "UTC", vipSales));
    RouteDecision decision = PolicyMatcher.route(policies, new RouteRequest("sales", "+33612345678", WEDNESDAY_11H_PARIS, "1")).orElseThrow();
    assertEquals(List.of(new QueueConfig.RequiredSkill("french", 4)), decision.extraSkills());
    assertEquals(50, decision.priority());
    assertTrue(PolicyMatcher.route(policies, new RouteRequest("support", "+33612345678", WEDNESDAY_11H_PARIS, "1")).isEmpty());
    assertTrue(PolicyMatcher.route(policies, new RouteRequest("sales", "+4420", WEDNESDAY_11H_PARIS, "1")).isEmpty());
  }

  @Test
  void firstMatchWinsAcrossPoliciesByOrderThenId() {
    RoutingPolicy late = policy("a-late", 20, "UTC", toQueue("late"));
    RoutingPolicy bravo = policy("bravo", 10, "UTC", dialed("sales", "bravo"));
    RoutingPolicy alpha = policy("alpha", 10, "UTC", dialed("sales", "alpha"));
    List<RoutingPolicy> policies = List.of(late, bravo, alpha);
    RouteDecision decision = PolicyMatcher.route(policies, call("sales", "sip:a@b")).orElseThrow();
    assertEquals("alpha", decision.queueId());
    assertEquals("alpha", decision.policyId());
    assertEquals(Optional.of("late"), queueFor(policies, call("support", "sip:a@b")));
  }

  @Test
  void defaultRuleTakesWhatEarlierRulesLeave() {
    List<RoutingPolicy> policies = List.of(policy("p", 0, "UTC", dialed("sales", "sales"), toQueue("general")));
    RouteDecision decision = PolicyMatcher.route(policies, call("anything", null)).orElseThrow();
    assertEquals(new RouteDecision("general", 0, List.of(), "p", null), decision);
  }

  @Test
  void noMatchIsEmpty() {
    assertTrue(PolicyMatcher.route(List.of(), call("sales", "sip:a@b")).isEmpty());
    List<RoutingPolicy> policies = List.of(policy("p", 0, "UTC", dialed("sales", "sales"), digits("9", "nine")));
    assertTrue(PolicyMatcher.route(policies, call("support", "sip:a@b")).isEmpty());
  }

  @Test
  void oneMatcherRoutesManyCalls() {
    PolicyMatcher matcher = PolicyMatcher.of(List.of(policy("p", 0, "UTC", caller(CallerMatch.pattern("\\+1\\d{10}"), "us", 0))));
    for (int i = 0; i < 1000; i++) {
      assertTrue(matcher.route(call("x", "+1555000" + String.format("%04d", i))).isPresent());
    }
    assertTrue(matcher.route(call("x", "+15550001234")).isPresent());
    assertTrue(matcher.route(call("x", "+1555000123")).isEmpty());
  }

  @Test
  void userPartOfTheUsualAddressForms() {
    assertEquals("alice", PolicyMatcher.userPart("sip:alice@example.com"));
    assertEquals("+331234", PolicyMatcher.userPart("tel:+331234;phone-context=example.com"));
    assertEquals("bob", PolicyMatcher.userPart("\"Bob\" <sips:bob@example.com:5061>;tag=1"));
    assertEquals("support", PolicyMatcher.userPart("support"));
  }

  private static RouteRequest at(Instant instant) {
    return new RouteRequest("support", "sip:a@b", instant, null);
  }
}
