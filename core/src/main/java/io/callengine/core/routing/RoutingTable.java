package io.callengine.core.routing;

import io.callengine.core.agent.AgentView;
import io.callengine.core.agent.Presence;
import io.callengine.core.queue.QueueConfig;
import io.callengine.core.queue.WaitingCall;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * The Router's indexes and its matching decisions, apart from any actor: available agents per
 * queue in the queue's strategy order, waiting calls per queue in line order, and the calls and
 * agents with an offer in flight. A decision looks at the best waiting call of each queue that
 * changed and the first suitable agent of that queue's ordered set: O(log n), never a scan of
 * all agents. Eligibility is recomputed only when an agent's or a queue's configuration changes.
 * Single-threaded; time comes in as an argument.
 */
public final class RoutingTable {
  /** An offer to make: one call to one agent, or to several at once for ring-all. */
  public record Match(String callId, String queueId, List<String> agentIds) {}

  private static final Duration REFUSAL_COOL_DOWN = Duration.ofSeconds(1);
  private static final Duration OFFER_FAILED_COOL_DOWN = Duration.ofSeconds(5);

  private final Random random;
  private final int ringAllMax;
  private final Map<String, AgentView> agents = new HashMap<>();
  private final Map<String, QueueConfig> queues = new HashMap<>();
  private final Map<String, Set<String>> queuesOfAgent = new HashMap<>();
  private final Map<String, NavigableSet<AgentKey>> available = new HashMap<>();
  private final Map<String, Map<String, AgentKey>> keysOfAgent = new HashMap<>();
  private final Map<String, NavigableSet<WaitingCall>> waiting = new HashMap<>();
  private final Map<String, WaitingCall> waitingById = new HashMap<>();
  private final Map<String, String> queueOfCall = new HashMap<>();
  /** The agents whose last report holds each call (reserved, ringing or connected); several while ring-all rings. */
  private final Map<String, Set<String>> holdersOfCall = new HashMap<>();
  private final Set<String> callsInOffer = new HashSet<>();
  /** Calls agents already held when they first reported to this table: reserved by a Router before this one. */
  private final Set<Hold> holdsToCheck = new LinkedHashSet<>();
  /** Calls matched whose offer the CallEntity has not answered yet: one offer per call at a time, whatever arrives meanwhile. */
  private final Set<String> offersUnanswered = new HashSet<>();
  private final Set<String> agentsInReserve = new HashSet<>();
  private final Map<String, Instant> coolDownUntil = new HashMap<>();
  private final Map<String, Long> lastOfferedAt = new HashMap<>();
  private final Set<String> dirtyQueues = new HashSet<>();
  private final Set<String> noAgentNotified = new HashSet<>();

  public RoutingTable(Random random, int ringAllMax) {
    this.random = random;
    this.ringAllMax = ringAllMax;
  }

  // --- what the entities report ---

  public void agentChanged(AgentView agent, Instant now) {
    AgentView previous = agents.put(agent.id(), agent);
    agent.currentCalls().forEach(callId -> holdersOfCall.computeIfAbsent(callId, id -> new HashSet<>()).add(agent.id()));
    if (previous == null) {
      agent.currentCalls().forEach(callId -> holdsToCheck.add(new Hold(callId, agent.id())));
    } else {
      previous.currentCalls().stream().filter(c -> !agent.currentCalls().contains(c)).forEach(callId -> {
        holdsToCheck.remove(new Hold(callId, agent.id()));
        Set<String> holders = holdersOfCall.get(callId);
        if (holders != null && holders.remove(agent.id()) && holders.isEmpty()) holdersOfCall.remove(callId);
        String queueId = queueOfCall.get(callId);
        if (queueId != null && waitingById.containsKey(callId)) dirtyQueues.add(queueId);
        forgetIfOver(callId);
      });
    }
    if (previous == null || configChanged(previous, agent)) {
      Set<String> eligible = new HashSet<>();
      queues.values().stream().filter(q -> Eligibility.eligible(agent, q)).forEach(q -> eligible.add(q.id()));
      queuesOfAgent.put(agent.id(), eligible);
    }
    placeAgent(agent.id(), now);
  }

  public void agentRemoved(String agentId) {
    holdsToCheck.removeIf(hold -> hold.agentId().equals(agentId));
    unplaceAgent(agentId);
    agents.remove(agentId);
    queuesOfAgent.remove(agentId);
  }

  public void queueChanged(QueueConfig queue, Instant now) {
    queues.put(queue.id(), queue);
    available.put(queue.id(), new TreeSet<>(AgentKey.ORDER));
    for (AgentView agent : agents.values()) {
      Set<String> eligible = queuesOfAgent.computeIfAbsent(agent.id(), id -> new HashSet<>());
      if (Eligibility.eligible(agent, queue)) eligible.add(queue.id());
      else eligible.remove(queue.id());
      Map<String, AgentKey> keys = keysOfAgent.get(agent.id());
      if (keys != null) keys.remove(queue.id());
      if (eligible.contains(queue.id()) && isAvailable(agent, now)) insert(agent, queue);
    }
    dirtyQueues.add(queue.id());
  }

  public void queueRemoved(String queueId) {
    queues.remove(queueId);
    available.remove(queueId);
    queuesOfAgent.values().forEach(set -> set.remove(queueId));
    keysOfAgent.values().forEach(keys -> keys.remove(queueId));
  }

  public void callWaiting(String queueId, WaitingCall call) {
    WaitingCall known = waitingById.get(call.callId());
    // A queue reports its line (on update, on rebuild) and may still list a call that has since moved on: the later join wins.
    if (known != null && !queueId.equals(queueOfCall.get(call.callId())) && known.joinedAt().isAfter(call.joinedAt())) return;
    removeWaiting(call.callId());
    queueOfCall.put(call.callId(), queueId);
    waitingById.put(call.callId(), call);
    line(queueId).add(call);
    dirtyQueues.add(queueId);
  }

  public void callLeft(String queueId, String callId) {
    if (queueId.equals(queueOfCall.get(callId))) removeWaiting(callId);
    // A call sent on to another queue while its offer is unanswered will ring there once the CallEntity takes the offer.
    if (!offersUnanswered.contains(callId)) callsInOffer.remove(callId);
    forgetIfOver(callId);
  }

  private void removeWaiting(String callId) {
    noAgentNotified.remove(callId);
    WaitingCall previous = waitingById.remove(callId);
    String queueId = queueOfCall.get(callId);
    if (previous != null && queueId != null) line(queueId).remove(previous);
  }

  // --- decisions ---

  /**
   * Every offer that can be made now, best call first across the queues that changed: each
   * match takes its call and agents out of the running until the offer is settled.
   */
  public List<Match> takeMatches(Instant now) {
    PriorityQueue<Head> heads = new PriorityQueue<>(Comparator.comparing(Head::call, WaitingCall.ORDER));
    for (String queueId : dirtyQueues) nextHead(queueId, null).ifPresent(heads::add);
    dirtyQueues.clear();
    List<Match> matches = new ArrayList<>();
    while (!heads.isEmpty()) {
      Head head = heads.poll();
      List<String> chosen = pickAgents(queues.get(head.queueId()), head.call(), now);
      if (!chosen.isEmpty()) matches.add(reserve(head.call().callId(), head.queueId(), chosen, now));
      // No agent for a plain call means none for the calls behind it; a call asking for extra skills must not hold them back.
      if (!chosen.isEmpty() || !head.call().extraSkills().isEmpty()) nextHead(head.queueId(), head.call()).ifPresent(heads::add);
    }
    return matches;
  }

  /** A supervisor's choice of agent for a waiting call: empty (with why) when the call is not waiting or already offered. */
  public Optional<Match> forceMatch(String callId, String agentId, Instant now) {
    String queueId = queueOfCall.get(callId);
    if (!waitingById.containsKey(callId) || inOffer(callId) || agentsInReserve.contains(agentId) || !agents.containsKey(agentId)) {
      return Optional.empty();
    }
    return Optional.of(reserve(callId, queueId, List.of(agentId), now));
  }

  /** The AgentEntity answered a Reserve; a refusal keeps the agent out of offers for a moment. */
  public void reservationSettled(String agentId, boolean reserved, Instant now) {
    agentsInReserve.remove(agentId);
    if (!reserved) coolDownUntil.put(agentId, now.plus(REFUSAL_COOL_DOWN));
    placeAgent(agentId, now);
  }

  /** The offer is over without a connection: the call is free again, the agent who failed it rests a moment. */
  public void offerEnded(String callId, String agentId, Instant now) {
    callsInOffer.remove(callId);
    offersUnanswered.remove(callId);
    if (agentId != null) coolDownUntil.put(agentId, now.plus(OFFER_FAILED_COOL_DOWN));
    String queueId = queueOfCall.get(callId);
    if (queueId != null) dirtyQueues.add(queueId);
  }

  /**
   * The CallEntity answered the offer. Accepted, the call rings until {@link #offerEnded} or it
   * leaves; refused, the call is no longer waiting and stays out of offers until it leaves.
   */
  public void offerAnswered(String callId, boolean accepted) {
    offersUnanswered.remove(callId);
    if (!accepted && !waitingById.containsKey(callId)) callsInOffer.remove(callId);
  }

  /**
   * The calls agents held when they first reported to this table, each once: a Router before this
   * one reserved them, maybe without offering, and only the call knows whether it rings the agent.
   */
  public List<Hold> takeHoldsToCheck() {
    if (holdsToCheck.isEmpty()) return List.of(); // every agent report asks: nothing to copy then
    List<Hold> holds = List.copyOf(holdsToCheck);
    holdsToCheck.clear();
    return holds;
  }

  /** The call did not answer about the hold: it is taken again later, if the agent still holds the call. */
  public void holdUnchecked(Hold hold) {
    AgentView agent = agents.get(hold.agentId());
    if (agent != null && agent.currentCalls().contains(hold.callId())) holdsToCheck.add(hold);
  }

  /** Time-driven changes (cool-downs ending, bindings lapsing) are caught by looking at every queue with calls. */
  public void markAllWaitingQueuesDirty() {
    waiting.forEach((queueId, line) -> { if (!line.isEmpty()) dirtyQueues.add(queueId); });
  }

  /** Whether an agent who may serve the queue is logged in (on a break counts; OFFLINE does not). */
  public boolean staffed(String queueId) {
    for (String agentId : queuesOfAgent.keySet()) {
      if (staffedBy(agentId).contains(queueId)) return true;
    }
    return false;
  }

  /** The queues this agent staffs now: those it may serve while logged in, none while OFFLINE or unknown. */
  public Set<String> staffedBy(String agentId) {
    AgentView agent = agents.get(agentId);
    if (agent == null || agent.presence() == Presence.OFFLINE) return Set.of();
    return queuesOfAgent.getOrDefault(agentId, Set.of());
  }

  /** Every known queue with whether it is {@link #staffed}: O(agents + queues), for a change of staffing only. */
  public Map<String, Boolean> staffing() {
    Set<String> staffed = new HashSet<>();
    queuesOfAgent.keySet().forEach(agentId -> staffed.addAll(staffedBy(agentId)));
    Map<String, Boolean> result = new HashMap<>();
    queues.keySet().forEach(queueId -> result.put(queueId, staffed.contains(queueId)));
    return result;
  }

  /**
   * Calls that have waited the no-agent delay in a queue configured to overflow while nobody
   * is logged in; each is reported once until it leaves.
   */
  public List<WaitingCall> unstaffedOverdue(Instant now) {
    List<WaitingCall> overdue = new ArrayList<>();
    for (QueueConfig queue : queues.values()) {
      if (!QueueConfig.OVERFLOW.equals(queue.noAgentAction()) || line(queue.id()).isEmpty() || staffed(queue.id())) continue;
      for (WaitingCall call : line(queue.id())) {
        if (!call.joinedAt().plusSeconds(queue.noAgentDelaySeconds()).isAfter(now) && noAgentNotified.add(call.callId())) {
          overdue.add(call);
        }
      }
    }
    return overdue;
  }

  public QueueConfig queue(String queueId) {
    return queues.get(queueId);
  }

  public String queueOf(String callId) {
    return queueOfCall.get(callId);
  }

  // --- live counts ---

  public SystemStats systemStats(Instant now) {
    Set<String> active = new HashSet<>(queueOfCall.keySet());
    active.addAll(holdersOfCall.keySet());
    int queued = 0;
    long longest = 0;
    for (NavigableSet<WaitingCall> line : waiting.values()) {
      queued += line.size();
      for (WaitingCall w : line) longest = Math.max(longest, Duration.between(w.enqueuedAt(), now).toSeconds());
    }
    int availableAgents = 0, busy = 0, onBreak = 0, offline = 0;
    for (AgentView a : agents.values()) {
      if (a.presence() == Presence.OFFLINE) offline++;
      else if (a.presence() == Presence.BREAK) onBreak++;
      if (a.canTakeCall(now) && a.currentCalls().isEmpty()) availableAgents++;
      else if (!a.currentCalls().isEmpty() || a.wrapUpUntil() != null) busy++;
    }
    return new SystemStats(active.size(), queued, availableAgents, busy, onBreak, offline, longest);
  }

  public List<QueueStats> queueStats(Instant now) {
    Map<String, Integer> activeByQueue = new HashMap<>();
    queueOfCall.values().forEach(q -> activeByQueue.merge(q, 1, Integer::sum));
    return queues.values().stream().sorted(Comparator.comparing(QueueConfig::id)).map(q -> {
      NavigableSet<WaitingCall> line = line(q.id());
      long longest = line.stream().mapToLong(w -> Duration.between(w.enqueuedAt(), now).toSeconds()).max().orElse(0);
      int free = (int) available.getOrDefault(q.id(), new TreeSet<>(AgentKey.ORDER)).stream()
          .filter(k -> agents.get(k.agentId()).canTakeCall(now)).count();
      return new QueueStats(q.id(), line.size(), longest, free, activeByQueue.getOrDefault(q.id(), 0));
    }).toList();
  }

  // --- the indexes ---

  private record Head(String queueId, WaitingCall call) {}

  /** An agent holding a call, as its reports say. */
  public record Hold(String callId, String agentId) {}

  /** The first call of a queue after {@code after} (or from the start) that has no offer in flight. */
  private Optional<Head> nextHead(String queueId, WaitingCall after) {
    if (!queues.containsKey(queueId)) return Optional.empty();
    NavigableSet<WaitingCall> line = line(queueId);
    for (WaitingCall call : after == null ? line : line.tailSet(after, false)) {
      if (!inOffer(call.callId())) return Optional.of(new Head(queueId, call));
    }
    return Optional.empty();
  }

  private List<String> pickAgents(QueueConfig queue, WaitingCall call, Instant now) {
    int wanted = Strategy.of(queue.strategy()) == Strategy.RING_ALL ? ringAllMax : 1;
    List<String> chosen = new ArrayList<>();
    for (AgentKey key : available.getOrDefault(queue.id(), new TreeSet<>(AgentKey.ORDER))) {
      AgentView agent = agents.get(key.agentId());
      if (coolingDown(key.agentId(), now) || !agent.canTakeCall(now) || !Eligibility.hasSkills(agent, call.extraSkills())) continue;
      chosen.add(key.agentId());
      if (chosen.size() == wanted) break;
    }
    return chosen;
  }

  private Match reserve(String callId, String queueId, List<String> agentIds, Instant now) {
    callsInOffer.add(callId);
    offersUnanswered.add(callId);
    for (String agentId : agentIds) {
      agentsInReserve.add(agentId);
      lastOfferedAt.put(agentId, now.toEpochMilli());
      unplaceAgent(agentId);
    }
    return new Match(callId, queueId, agentIds);
  }

  /**
   * Whether the call is being offered or is held by an agent. The hold matters on its own: the
   * word that a call left its queue may mean it moved to another queue while its offer was being
   * made, and it rings there.
   */
  private boolean inOffer(String callId) {
    return callsInOffer.contains(callId) || offersUnanswered.contains(callId) || holdersOfCall.containsKey(callId);
  }

  private boolean isAvailable(AgentView agent, Instant now) {
    return agent.canTakeCall(now) && !agentsInReserve.contains(agent.id());
  }

  private boolean coolingDown(String agentId, Instant now) {
    Instant until = coolDownUntil.get(agentId);
    return until != null && until.isAfter(now);
  }

  /** Puts the agent into the ordered set of every queue it may serve, if it can take a call. */
  private void placeAgent(String agentId, Instant now) {
    unplaceAgent(agentId);
    AgentView agent = agents.get(agentId);
    if (agent == null || !isAvailable(agent, now)) return;
    for (String queueId : queuesOfAgent.getOrDefault(agentId, Set.of())) {
      QueueConfig queue = queues.get(queueId);
      if (queue != null) insert(agent, queue);
    }
  }

  private void insert(AgentView agent, QueueConfig queue) {
    AgentKey key = Strategy.of(queue.strategy()).key(agent, queue, lastOfferedAt.getOrDefault(agent.id(), Long.MIN_VALUE), random);
    available.computeIfAbsent(queue.id(), id -> new TreeSet<>(AgentKey.ORDER)).add(key);
    keysOfAgent.computeIfAbsent(agent.id(), id -> new HashMap<>()).put(queue.id(), key);
    dirtyQueues.add(queue.id());
  }

  private void unplaceAgent(String agentId) {
    Map<String, AgentKey> keys = keysOfAgent.remove(agentId);
    if (keys == null) return;
    keys.forEach((queueId, key) -> {
      NavigableSet<AgentKey> set = available.get(queueId);
      if (set != null) set.remove(key);
    });
  }

  private static boolean configChanged(AgentView before, AgentView after) {
    return !before.skills().equals(after.skills()) || !before.queues().equals(after.queues());
  }

  private NavigableSet<WaitingCall> line(String queueId) {
    return waiting.computeIfAbsent(queueId, id -> new TreeSet<>(WaitingCall.ORDER));
  }

  /** A call neither waiting nor held by an agent is over as far as the live counts go. */
  private void forgetIfOver(String callId) {
    if (!waitingById.containsKey(callId) && !holdersOfCall.containsKey(callId)) queueOfCall.remove(callId);
  }
}
