package io.callengine.core.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callengine.core.agent.AgentView;
import io.callengine.core.agent.Presence;
import io.callengine.core.agent.Skill;
import io.callengine.core.queue.QueueConfig;
import io.callengine.core.queue.WaitingCall;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The Router's matching index on its own: strategies, call order, eligibility, the guards
 * against double offers, cool-downs, forced matches and the live counts.
 */
class RoutingTableTest {
  private static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");

  // --- strategies ---

  @Test
  void longestIdlePicksTheAgentIdleLongestWithNeverCalledAgentsFirst() {
    RoutingTable table = table();
    table.queueChanged(queue("q", "longest-idle"), T0);
    Agent recent = agent("recent").lastCallEndedAt(T0.minusSeconds(60));
    Agent older = agent("older").lastCallEndedAt(T0.minusSeconds(3600));
    Agent never = agent("never");
    List.of(recent, older, never).forEach(a -> table.agentChanged(a.view(), T0));

    List<String> picked = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      table.callWaiting("q", WaitingCall.of("c" + i, 0, T0.plusSeconds(i)));
      picked.add(single(table.takeMatches(T0)).agentIds().get(0));
    }
    assertEquals(List.of("never", "older", "recent"), picked);
  }

  @Test
  void roundRobinRotatesAcrossAgentsOverSuccessiveOffers() {
    RoutingTable table = table();
    table.queueChanged(queue("q", "round-robin"), T0);
    // Idleness alone would always pick "a": the rotation comes from who was offered last.
    Agent a = agent("a").lastCallEndedAt(T0.minusSeconds(300));
    Agent b = agent("b").lastCallEndedAt(T0.minusSeconds(200));
    Agent c = agent("c").lastCallEndedAt(T0.minusSeconds(100));
    List.of(a, b, c).forEach(x -> table.agentChanged(x.view(), T0));

    List<String> picked = new ArrayList<>();
    Instant now = T0;
    for (int i = 0; i < 6; i++) {
      now = now.plusSeconds(1);
      table.callWaiting("q", WaitingCall.of("c" + i, 0, now));
      RoutingTable.Match match = single(table.takeMatches(now));
      String agentId = match.agentIds().get(0);
      picked.add(agentId);
      serve(table, List.of(a, b, c).stream().filter(x -> x.id.equals(agentId)).findFirst().orElseThrow(), match, now);
    }
    assertEquals(List.of("a", "b", "c", "a", "b", "c"), picked);
  }

  @Test
  void fewestCallsPicksTheAgentWhoHandledFewestCalls() {
    RoutingTable table = table();
    table.queueChanged(queue("q", "fewest-calls"), T0);
    table.agentChanged(agent("many").callsHandled(40).view(), T0);
    table.agentChanged(agent("few").callsHandled(3).lastCallEndedAt(T0).view(), T0);
    table.agentChanged(agent("some").callsHandled(12).view(), T0);

    table.callWaiting("q", WaitingCall.of("c", 0, T0));
    assertEquals(List.of("few"), single(table.takeMatches(T0)).agentIds());
  }

  @Test
  void leastTalkTimePicksTheAgentWhoTalkedLeast() {
    RoutingTable table = table();
    table.queueChanged(queue("q", "least-talk-time"), T0);
    table.agentChanged(agent("chatty").talkSeconds(7200).callsHandled(2).view(), T0);
    table.agentChanged(agent("brief").talkSeconds(600).callsHandled(30).lastCallEndedAt(T0).view(), T0);
    table.agentChanged(agent("middle").talkSeconds(3000).callsHandled(1).view(), T0);

    table.callWaiting("q", WaitingCall.of("c", 0, T0));
    assertEquals(List.of("brief"), single(table.takeMatches(T0)).agentIds());
  }

  @Test
  void mostSkilledPicksTheHighestSumOfLevelsInTheQueuesRequiredSkills() {
    RoutingTable table = table();
    table.queueChanged(queue("q", "most-skilled", required("sales", 1), required("billing", 1)), T0);
    // "polyglot" has the most levels overall, but not in the skills this queue requires.
    table.agentChanged(agent("polyglot").skills(skill("sales", 5), skill("billing", 1), skill("german", 5), skill("french", 5)).view(), T0);
    table.agentChanged(agent("best").skills(skill("sales", 3), skill("billing", 4)).lastCallEndedAt(T0).view(), T0);
    table.agentChanged(agent("novice").skills(skill("sales", 1), skill("billing", 1)).view(), T0);

    table.callWaiting("q", WaitingCall.of("c", 0, T0));
    assertEquals(List.of("best"), single(table.takeMatches(T0)).agentIds());
  }

  @Test
  void randomPicksOnlyAvailableEligibleAgentsAndSpreadsOverThem() {
    RoutingTable table = new RoutingTable(new Random(7), 3);
    table.queueChanged(queue("q", "random", required("sales", 2)), T0);
    List<Agent> eligible = List.of(
        agent("a").skills(skill("sales", 2)), agent("b").skills(skill("sales", 3)),
        agent("c").skills(skill("sales", 4)), agent("d").skills(skill("sales", 5)));
    eligible.forEach(x -> table.agentChanged(x.view(), T0));
    table.agentChanged(agent("unskilled").skills(skill("sales", 1)).view(), T0);
    table.agentChanged(agent("resting").skills(skill("sales", 5)).presence(Presence.BREAK).view(), T0);
    table.agentChanged(agent("busy").skills(skill("sales", 5)).calls("other").view(), T0);

    Set<String> picked = new HashSet<>();
    Instant now = T0;
    for (int i = 0; i < 200; i++) {
      now = now.plusSeconds(1);
      table.callWaiting("q", WaitingCall.of("c" + i, 0, now));
      RoutingTable.Match match = single(table.takeMatches(now));
      String agentId = match.agentIds().get(0);
      picked.add(agentId);
      serve(table, eligible.stream().filter(x -> x.id.equals(agentId)).findFirst().orElseThrow(), match, now);
    }
    assertTrue(Set.of("a", "b", "c", "d").containsAll(picked), "picked " + picked);
    assertTrue(picked.size() > 1, "always the same agent: " + picked);
  }

  @Test
  void ringAllOffersOneCallToUpToRingAllMaxAgents() {
    RoutingTable table = new RoutingTable(new Random(1), 3);
    table.queueChanged(queue("q", "ring-all"), T0);
    for (int i = 0; i < 5; i++) table.agentChanged(agent("a" + i).lastCallEndedAt(T0.minusSeconds(100 - i)).view(), T0);

    table.callWaiting("q", WaitingCall.of("c1", 0, T0));
    RoutingTable.Match first = single(table.takeMatches(T0));
    assertEquals(List.of("a0", "a1", "a2"), first.agentIds());

    table.callWaiting("q", WaitingCall.of("c2", 0, T0.plusSeconds(1)));
    RoutingTable.Match second = single(table.takeMatches(T0));
    assertEquals("c2", second.callId());
    assertEquals(List.of("a3", "a4"), second.agentIds());
  }

  @Test
  void queueStrategyChangeReordersTheAgents() {
    RoutingTable table = table();
    table.queueChanged(queue("q", "longest-idle"), T0);
    Agent veteran = agent("veteran").lastCallEndedAt(T0.minusSeconds(3600)).callsHandled(50);
    Agent rookie = agent("rookie").lastCallEndedAt(T0.minusSeconds(60)).callsHandled(1);
    table.agentChanged(veteran.view(), T0);
    table.agentChanged(rookie.view(), T0);

    table.callWaiting("q", WaitingCall.of("c1", 0, T0));
    RoutingTable.Match match = single(table.takeMatches(T0));
    assertEquals(List.of("veteran"), match.agentIds());
    serve(table, veteran, match, T0);

    table.queueChanged(queue("q", "fewest-calls"), T0.plusSeconds(1));
    table.callWaiting("q", WaitingCall.of("c2", 0, T0.plusSeconds(1)));
    assertEquals(List.of("rookie"), single(table.takeMatches(T0.plusSeconds(1))).agentIds());
  }

  // --- order of calls ---

  @Test
  void callsOfOneQueueGoByPriorityThenByAge() {
    RoutingTable table = table();
    table.queueChanged(queue("q", "longest-idle"), T0);
    table.callWaiting("q", WaitingCall.of("low-newer", 0, T0.minusSeconds(60)));
    table.callWaiting("q", WaitingCall.of("high-newer", 5, T0.minusSeconds(10)));
    table.callWaiting("q", WaitingCall.of("high-older", 5, T0.minusSeconds(30)));
    table.callWaiting("q", WaitingCall.of("low-older", 0, T0.minusSeconds(120)));
    assertTrue(table.takeMatches(T0).isEmpty());

    Agent solo = agent("solo");
    List<String> order = new ArrayList<>();
    Instant now = T0;
    table.agentChanged(solo.view(), now);
    for (int i = 0; i < 4; i++) {
      RoutingTable.Match match = single(table.takeMatches(now));
      order.add(match.callId());
      serve(table, solo, match, now);
      now = now.plusSeconds(1);
    }
    assertEquals(List.of("high-older", "high-newer", "low-older", "low-newer"), order);
  }

  @Test
  void higherPriorityCallOfAnotherQueueGoesBeforeAnOlderCall() {
    RoutingTable table = table();
    table.queueChanged(queue("A", "longest-idle"), T0);
    table.queueChanged(queue("B", "longest-idle"), T0);
    table.callWaiting("A", WaitingCall.of("a-old", 0, T0.minusSeconds(300)));
    table.callWaiting("B", WaitingCall.of("b-urgent", 3, T0.minusSeconds(5)));

    table.agentChanged(agent("both").queues("A", "B").view(), T0);
    RoutingTable.Match match = single(table.takeMatches(T0));
    assertEquals("b-urgent", match.callId());
    assertEquals("B", match.queueId());
  }

  @Test
  void equalPriorityAcrossQueuesGoesToTheOlderCall() {
    RoutingTable table = table();
    table.queueChanged(queue("A", "longest-idle"), T0);
    table.queueChanged(queue("B", "longest-idle"), T0);
    table.callWaiting("B", WaitingCall.of("b-new", 2, T0.minusSeconds(5)));
    table.callWaiting("A", WaitingCall.of("a-old", 2, T0.minusSeconds(300)));

    table.agentChanged(agent("both").queues("A", "B").view(), T0);
    RoutingTable.Match match = single(table.takeMatches(T0));
    assertEquals("a-old", match.callId());
    assertEquals("A", match.queueId());
  }

  // --- eligibility ---

  @Test
  void eligibilityNeedsEveryRequiredSkillAtItsMinimumLevel() {
    RoutingTable table = table();
    table.queueChanged(queue("q", "longest-idle", required("sales", 3), required("english", 1)), T0);
    table.agentChanged(agent("too-junior").skills(skill("sales", 2), skill("english", 5)).view(), T0);
    table.agentChanged(agent("no-english").skills(skill("sales", 5)).view(), T0);
    table.agentChanged(agent("no-skills").view(), T0);
    table.callWaiting("q", WaitingCall.of("c", 0, T0));
    assertTrue(table.takeMatches(T0).isEmpty());

    table.agentChanged(agent("qualified").skills(skill("SALES", 3), skill("english", 1)).view(), T0);
    assertEquals(List.of("qualified"), single(table.takeMatches(T0)).agentIds());
  }

  @Test
  void eligibilityFollowsTheAgentsQueueList() {
    RoutingTable table = table();
    table.queueChanged(queue("q", "longest-idle"), T0);
    table.queueChanged(queue("other", "longest-idle"), T0);
    table.agentChanged(agent("elsewhere").queues("other").view(), T0);
    table.callWaiting("q", WaitingCall.of("c1", 0, T0));
    assertTrue(table.takeMatches(T0).isEmpty());

    table.agentChanged(agent("listed").queues("other", "q").lastCallEndedAt(T0).view(), T0);
    assertEquals(List.of("listed"), single(table.takeMatches(T0)).agentIds());

    // An agent who lists no queue serves them all.
    table.callWaiting("q", WaitingCall.of("c2", 0, T0.plusSeconds(1)));
    table.agentChanged(agent("anywhere").view(), T0);
    assertEquals(List.of("anywhere"), single(table.takeMatches(T0)).agentIds());
  }

  @Test
  void callsExtraSkillsSkipAgentsLackingThem() {
    RoutingTable table = table();
    table.queueChanged(queue("q", "longest-idle"), T0);
    table.agentChanged(agent("english-only").view(), T0);
    table.agentChanged(agent("spanish-novice").skills(skill("spanish", 1)).lastCallEndedAt(T0.minusSeconds(60)).view(), T0);
    table.agentChanged(agent("spanish-fluent").skills(skill("spanish", 4)).lastCallEndedAt(T0).view(), T0);

    table.callWaiting("q", new WaitingCall("c", 0, T0, T0, List.of(required("spanish", 3))));
    RoutingTable.Match match = single(table.takeMatches(T0));
    assertEquals(List.of("spanish-fluent"), match.agentIds());
  }

  @Test
  void callWaitingForARareSkillDoesNotHoldBackTheCallsBehindIt() {
    RoutingTable table = table();
    table.queueChanged(queue("q", "longest-idle"), T0);
    table.callWaiting("q", new WaitingCall("needs-spanish", 0, T0.minusSeconds(60), T0.minusSeconds(60),
        List.of(required("spanish", 1))));
    table.callWaiting("q", WaitingCall.of("plain", 0, T0));

    table.agentChanged(agent("english-only").view(), T0);
    RoutingTable.Match match = single(table.takeMatches(T0));
    assertEquals("plain", match.callId());
    assertEquals(List.of("english-only"), match.agentIds());

    table.agentChanged(agent("spanish").skills(skill("spanish", 2)).view(), T0);
    assertEquals("needs-spanish", single(table.takeMatches(T0)).callId());
  }

  @Test
  void agentAtCapacityUnregisteredOnBreakOfflineOrInWrapUpIsNeverMatched() {
    List<Agent> unfit = List.of(
        agent("at-capacity").maxCalls(2).calls("x1", "x2"),
        agent("unregistered").registeredUntil(T0.minusSeconds(1)),
        agent("never-registered").registeredUntil(null),
        agent("on-break").presence(Presence.BREAK),
        agent("offline").presence(Presence.OFFLINE),
        agent("wrapping-up").wrapUpUntil(T0.plusSeconds(30)));
    for (Agent candidate : unfit) {
      RoutingTable table = table();
      table.queueChanged(queue("q", "longest-idle"), T0);
      table.agentChanged(candidate.view(), T0);
      table.callWaiting("q", WaitingCall.of("c", 0, T0));
      assertTrue(table.takeMatches(T0).isEmpty(), candidate.id + " was matched");
      table.markAllWaitingQueuesDirty();
      assertTrue(table.takeMatches(T0.plusSeconds(10)).isEmpty(), candidate.id + " was matched later");
    }
  }

  @Test
  void agentWhoseRegistrationLapsesIsNoLongerMatched() {
    RoutingTable table = table();
    table.queueChanged(queue("q", "longest-idle"), T0);
    table.agentChanged(agent("a").registeredUntil(T0.plusSeconds(10)).view(), T0);
    table.callWaiting("q", WaitingCall.of("c", 0, T0.plusSeconds(20)));
    assertTrue(table.takeMatches(T0.plusSeconds(20)).isEmpty());
  }

  @Test
  void agentWithRoomForAnotherCallCanTakeASecondOne() {
    RoutingTable table = table();
    table.queueChanged(queue("q", "longest-idle"), T0);
    table.agentChanged(agent("a").maxCalls(2).calls("x1").view(), T0);
    table.callWaiting("q", WaitingCall.of("c", 0, T0));
    assertEquals(List.of("a"), single(table.takeMatches(T0)).agentIds());
  }

  // --- no double offers ---

  @Test
  void callIsNotMatchedTwiceWhileItsOfferIsInFlight() {
    RoutingTable table = table();
    table.queueChanged(queue("q", "longest-idle"), T0);
    table.agentChanged(agent("a").view(), T0);
    table.callWaiting("q", WaitingCall.of("c", 0, T0));
    assertEquals(List.of("a"), single(table.takeMatches(T0)).agentIds());

    table.agentChanged(agent("b").view(), T0);
    assertTrue(table.takeMatches(T0).isEmpty());
    table.callWaiting("q", WaitingCall.of("c", 0, T0));
    table.markAllWaitingQueuesDirty();
    assertTrue(table.takeMatches(T0.plusSeconds(1)).isEmpty());

    table.reservationSettled("a", false, T0.plusSeconds(1));
    table.offerEnded("c", null, T0.plusSeconds(1));
    assertEquals(List.of("b"), single(table.takeMatches(T0.plusSeconds(1))).agentIds());
  }

  @Test
  void agentIsNeverInTwoOffersAtOnce() {
    RoutingTable table = table();
    table.queueChanged(queue("A", "longest-idle"), T0);
    table.queueChanged(queue("B", "longest-idle"), T0);
    Agent a = agent("a").maxCalls(2);
    table.agentChanged(a.view(), T0);
    table.callWaiting("A", WaitingCall.of("c1", 0, T0));
    table.callWaiting("B", WaitingCall.of("c2", 0, T0.plusSeconds(1)));
    table.callWaiting("A", WaitingCall.of("c3", 0, T0.plusSeconds(2)));

    RoutingTable.Match first = single(table.takeMatches(T0));
    assertEquals("c1", first.callId());
    table.markAllWaitingQueuesDirty();
    assertTrue(table.takeMatches(T0).isEmpty());
    // The agent's own report of the reservation comes before the Router hears the reply.
    table.agentChanged(a.calls("c1").view(), T0);
    assertTrue(table.takeMatches(T0).isEmpty());

    table.reservationSettled("a", true, T0);
    RoutingTable.Match second = single(table.takeMatches(T0));
    assertEquals("c2", second.callId());
    assertEquals(List.of("a"), second.agentIds());
  }

  @Test
  void forceMatchOffersAWaitingCallToTheChosenAgent() {
    RoutingTable table = table();
    table.queueChanged(queue("q", "longest-idle", required("billing", 2)), T0);
    table.agentChanged(agent("trainee").view(), T0);
    table.callWaiting("q", WaitingCall.of("c", 0, T0));
    assertTrue(table.takeMatches(T0).isEmpty());

    Optional<RoutingTable.Match> forced = table.forceMatch("c", "trainee", T0);
    assertEquals(Optional.of(new RoutingTable.Match("c", "q", List.of("trainee"))), forced);
    assertTrue(table.forceMatch("unknown-call", "trainee", T0).isEmpty());
  }

  @Test
  void forceMatchRefusesACallAlreadyOffered() {
    RoutingTable table = table();
    table.queueChanged(queue("q", "longest-idle"), T0);
    table.agentChanged(agent("a").view(), T0);
    table.callWaiting("q", WaitingCall.of("c", 0, T0));
    assertEquals(List.of("a"), single(table.takeMatches(T0)).agentIds());

    table.agentChanged(agent("b").view(), T0);
    assertTrue(table.forceMatch("c", "b", T0).isEmpty());
    assertTrue(table.forceMatch("c", "a", T0).isEmpty());
    table.callWaiting("q", WaitingCall.of("d", 0, T0));
    assertTrue(table.forceMatch("d", "a", T0).isEmpty(), "agent a is already being offered a call");
    assertTrue(table.forceMatch("d", "nobody", T0).isEmpty());
  }

  @Test
  void aCallAnAgentHeldBeforeItsFirstReportIsCheckedOnceAndRoutedWhenTheAgentLetsItGo() {
    RoutingTable table = table();
    table.queueChanged(queue("q", "longest-idle"), T0);
    Agent a = agent("a");
    table.callWaiting("q", WaitingCall.of("c", 0, T0));
    // The Router before this one reserved "a" for "c" and was lost before offering it.
    table.agentChanged(a.calls("c").view(), T0);
    assertEquals(List.of(new RoutingTable.Hold("c", "a")), table.takeHoldsToCheck());
    assertTrue(table.takeHoldsToCheck().isEmpty(), "each inherited hold is checked once");
    assertTrue(table.takeMatches(T0).isEmpty(), "a held call is not offered until the agent lets it go");

    table.holdUnchecked(new RoutingTable.Hold("c", "a"));
    assertEquals(List.of(new RoutingTable.Hold("c", "a")), table.takeHoldsToCheck(), "a check the call did not answer is taken again");

    table.agentChanged(a.calls().view(), T0);
    table.holdUnchecked(new RoutingTable.Hold("c", "a"));
    assertTrue(table.takeHoldsToCheck().isEmpty(), "nor once the agent let the call go");
    assertEquals(List.of("a"), single(table.takeMatches(T0)).agentIds());
  }

  @Test
  void aCallReservedByThisTableIsNeverChecked() {
    RoutingTable table = table();
    table.queueChanged(queue("q", "longest-idle"), T0);
    Agent a = agent("a");
    table.agentChanged(a.view(), T0);
    table.callWaiting("q", WaitingCall.of("c", 0, T0));
    single(table.takeMatches(T0));
    table.agentChanged(a.calls("c").view(), T0);
    assertTrue(table.takeHoldsToCheck().isEmpty());
  }

  // --- cool-downs ---

  @Test
  void endedOfferPutsTheCallBackAndRestsTheAgentFiveSeconds() {
    RoutingTable table = table();
    table.queueChanged(queue("q", "longest-idle"), T0);
    Agent a = agent("a");
    table.agentChanged(a.view(), T0);
    table.callWaiting("q", WaitingCall.of("c", 0, T0));
    assertEquals(List.of("a"), single(table.takeMatches(T0)).agentIds());
    table.agentChanged(a.calls("c").view(), T0);
    table.reservationSettled("a", true, T0);

    // No answer: the call entity tells the Router at once; the agent's release report follows.
    Instant failedAt = T0.plusSeconds(20);
    table.offerEnded("c", "a", failedAt);
    table.agentChanged(a.calls().view(), failedAt);
    assertTrue(table.takeMatches(failedAt).isEmpty());
    table.markAllWaitingQueuesDirty();
    assertTrue(table.takeMatches(failedAt.plusMillis(4_999)).isEmpty());

    table.markAllWaitingQueuesDirty();
    RoutingTable.Match again = single(table.takeMatches(failedAt.plusSeconds(5)));
    assertEquals("c", again.callId());
    assertEquals(List.of("a"), again.agentIds());
  }

  @Test
  void endedOfferGoesToAnotherAgentWhileTheFirstRests() {
    RoutingTable table = table();
    table.queueChanged(queue("q", "longest-idle"), T0);
    Agent a = agent("a").lastCallEndedAt(T0.minusSeconds(600));
    table.agentChanged(a.view(), T0);
    table.agentChanged(agent("b").lastCallEndedAt(T0.minusSeconds(60)).view(), T0);
    table.callWaiting("q", WaitingCall.of("c", 0, T0));
    RoutingTable.Match first = single(table.takeMatches(T0));
    assertEquals(List.of("a"), first.agentIds());
    table.agentChanged(a.calls("c").view(), T0);
    table.reservationSettled("a", true, T0);

    table.offerEnded("c", "a", T0.plusSeconds(20));
    table.agentChanged(a.calls().view(), T0.plusSeconds(20));
    assertEquals(new RoutingTable.Match("c", "q", List.of("b")), single(table.takeMatches(T0.plusSeconds(20))));
  }

  @Test
  void refusedReservationRestsTheAgentOneSecond() {
    RoutingTable table = table();
    table.queueChanged(queue("q", "longest-idle"), T0);
    table.agentChanged(agent("a").view(), T0);
    table.callWaiting("q", WaitingCall.of("c", 0, T0));
    assertEquals(List.of("a"), single(table.takeMatches(T0)).agentIds());

    table.reservationSettled("a", false, T0);
    table.offerEnded("c", null, T0);
    assertTrue(table.takeMatches(T0).isEmpty());
    table.markAllWaitingQueuesDirty();
    assertTrue(table.takeMatches(T0.plusMillis(999)).isEmpty());

    table.markAllWaitingQueuesDirty();
    assertEquals(List.of("a"), single(table.takeMatches(T0.plusSeconds(1))).agentIds());
  }

  // --- live counts ---

  @Test
  void statsCountWaitingCallsLongestWaitAvailableAgentsAndActiveCalls() {
    RoutingTable table = table();
    table.queueChanged(queue("q1", "longest-idle"), T0);
    table.queueChanged(queue("q2", "longest-idle"), T0);
    table.queueChanged(queue("q3", "longest-idle"), T0);
    table.callWaiting("q1", WaitingCall.of("w1", 0, T0.minusSeconds(90)));
    table.callWaiting("q1", WaitingCall.of("w2", 0, T0.minusSeconds(30)));
    table.callWaiting("q2", WaitingCall.of("w3", 0, T0.minusSeconds(10)));
    // x1 waited in q1 and is now connected to "talking".
    table.callWaiting("q1", WaitingCall.of("x1", 0, T0.minusSeconds(200)));
    Agent talking = agent("talking").calls("x1");
    table.agentChanged(talking.view(), T0);
    table.callLeft("q1", "x1");

    table.agentChanged(agent("idle").queues("q3").view(), T0);
    table.agentChanged(agent("resting").presence(Presence.BREAK).view(), T0);
    table.agentChanged(agent("gone").presence(Presence.OFFLINE).view(), T0);
    table.agentChanged(agent("wrapping-up").wrapUpUntil(T0.plusSeconds(30)).view(), T0);

    assertEquals(new SystemStats(4, 3, 1, 2, 1, 1, 90), table.systemStats(T0));
    assertEquals(List.of(
        new QueueStats("q1", 2, 90, 0, 3),
        new QueueStats("q2", 1, 10, 0, 1),
        new QueueStats("q3", 0, 0, 1, 0)), table.queueStats(T0));

    table.agentChanged(talking.calls().lastCallEndedAt(T0).view(), T0);
    table.callLeft("q1", "w1");
    assertEquals(new SystemStats(2, 2, 2, 1, 1, 1, 30), table.systemStats(T0));
    assertEquals(new QueueStats("q1", 1, 30, 1, 1), table.queueStats(T0).get(0));
  }

  // --- helpers ---

  private static RoutingTable table() {
    return new RoutingTable(new Random(42), 3);
  }

  private static RoutingTable.Match single(List<RoutingTable.Match> matches) {
    assertEquals(1, matches.size(), "matches: " + matches);
    return matches.get(0);
  }

  /** The offer goes through: reservation confirmed, agent reports the call, the call leaves the queue, then ends unanswered. */
  private static void serve(RoutingTable table, Agent agent, RoutingTable.Match match, Instant now) {
    table.reservationSettled(agent.id, true, now);
    table.agentChanged(agent.calls(match.callId()).view(), now);
    table.callLeft(match.queueId(), match.callId());
    table.agentChanged(agent.calls().view(), now);
  }

  private static QueueConfig queue(String id, String strategy, QueueConfig.RequiredSkill... required) {
    return new QueueConfig(id, id, id, 0, List.of(required), strategy, 0, 0, null, 0, 20, 20, 486, QueueConfig.WAIT, 0);
  }

  private static QueueConfig.RequiredSkill required(String name, int minLevel) {
    return new QueueConfig.RequiredSkill(name, minLevel);
  }

  private static Skill skill(String name, int level) {
    return new Skill(name, level);
  }

  private static Agent agent(String id) {
    return new Agent(id);
  }

  /** An agent as its entity would report it: available, registered for an hour, one call at a time, unless told otherwise. */
  private static final class Agent {
    final String id;
    Presence presence = Presence.AVAILABLE;
    Instant registeredUntil = T0.plus(Duration.ofHours(1));
    List<Skill> skills = List.of();
    int maxCalls = 1;
    List<String> queues = List.of();
    List<String> calls = List.of();
    Instant wrapUpUntil;
    long callsHandled;
    long talkSeconds;
    Instant lastCallEndedAt;

    Agent(String id) {
      this.id = id;
    }

    Agent presence(Presence value) { presence = value; return this; }
    Agent registeredUntil(Instant value) { registeredUntil = value; return this; }
    Agent skills(Skill... value) { skills = List.of(value); return this; }
    Agent maxCalls(int value) { maxCalls = value; return this; }
    Agent queues(String... value) { queues = List.of(value); return this; }
    Agent calls(String... value) { calls = List.of(value); return this; }
    Agent wrapUpUntil(Instant value) { wrapUpUntil = value; return this; }
    Agent callsHandled(long value) { callsHandled = value; return this; }
    Agent talkSeconds(long value) { talkSeconds = value; return this; }
    Agent lastCallEndedAt(Instant value) { lastCallEndedAt = value; return this; }

    AgentView view() {
      return new AgentView(id, id, "sip:" + id + "@example.test", presence, null, null, null, null,
          registeredUntil != null, registeredUntil, "sip:" + id + "@127.0.0.1", skills, maxCalls, null, null, null,
          queues, calls, wrapUpUntil, callsHandled, talkSeconds, 0, lastCallEndedAt, true);
    }
  }
}
