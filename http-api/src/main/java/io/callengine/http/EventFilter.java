package io.callengine.http;

import io.callengine.core.EngineException;
import io.callengine.core.FieldError;
import io.callengine.core.Refusal;
import io.callengine.core.api.SupervisorApi.QueueSummary;
import io.callengine.core.auth.Principal;
import io.callengine.core.auth.Role;
import io.callengine.core.events.AgentStatusChanged;
import io.callengine.core.events.CallCenterEvent;
import io.callengine.core.events.CallEvent;
import io.callengine.core.events.CallMonitored;
import io.callengine.core.events.CallOffered;
import io.callengine.core.events.SecurityAlert;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which events one feed carries: the {@code types} and {@code queueId} query parameters, and what
 * the token may see. Admin and supervisor tokens see everything but security alerts, which are
 * for admins only; an agent token sees the events of calls it has or is offered, its own status
 * changes and the queue statistics.
 *
 * @param types the event types asked for, empty for all
 * @param queueId call events of this queue only (agent status passes), or null for every queue
 */
record EventFilter(Set<String> types, String queueId, Principal principal) {
  /** The {@code type} of every public event ({@code CallCenterEvent.type()}), plus the feed's own {@code queue-stats}. */
  static final Set<String> TYPES = Set.of("call-incoming", "call-queued", "call-offered", "call-established",
      "call-state-changed", "call-ended", "call-monitored", "call-held", "call-resumed", "media-quality", "media-flow", "dtmf", "agent-status-changed", "warning",
      "security", "recording-started", "recording-paused", "recording-resumed", "recording-stopped", EventFeed.QUEUE_STATS, "call-transferred",
      "transfer-failed", "callback-requested", "callback-attempted", "callback-completed", "callback-failed",
      "callback-offered", "call-consulted");

  /** Reads the query parameters (others, such as {@code token}, are left alone); an unknown type is a 400 naming {@code types}. */
  static EventFilter parse(Map<String, String> params, Principal principal) {
    Set<String> types = Arrays.stream(params.getOrDefault("types", "").split(","))
        .map(String::strip).filter(type -> !type.isEmpty()).collect(Collectors.toUnmodifiableSet());
    List<String> unknown = types.stream().filter(type -> !TYPES.contains(type)).sorted().toList();
    if (!unknown.isEmpty()) {
      FieldError error = new FieldError("types", "unknown event type(s) " + unknown + "; known: " + TYPES.stream().sorted().toList());
      throw new EngineException(Refusal.INVALID, "invalid query parameter(s): types", List.of(error));
    }
    String queueId = params.getOrDefault("queueId", "").strip();
    return new EventFilter(types, queueId.isEmpty() ? null : queueId, principal);
  }

  boolean test(CallCenterEvent event) {
    if (!types.isEmpty() && !types.contains(event.type())) return false;
    // A supervisor's monitoring is not announced to the agent monitored: listening stays silent.
    if (event instanceof CallMonitored && principal.role() == Role.AGENT) return false;
    if (event instanceof CallEvent call) return (queueId == null || queueId.equals(call.queueId())) && mayFollow(call);
    if (event instanceof AgentStatusChanged status) return principal.role() != Role.AGENT || isMe(status.agentId());
    if (event instanceof SecurityAlert) return principal.role() == Role.ADMIN;
    return principal.role() != Role.AGENT;
  }

  boolean wantsQueueStats() {
    return types.isEmpty() || types.contains(EventFeed.QUEUE_STATS);
  }

  /** The queues' figures this feed carries, or null when it carries none. */
  List<QueueSummary> queueStats(List<QueueSummary> queues) {
    if (!wantsQueueStats()) return null;
    List<QueueSummary> scoped = queues.stream().filter(q -> queueId == null || queueId.equals(q.queueId())).toList();
    return scoped.isEmpty() ? null : scoped;
  }

  private boolean mayFollow(CallEvent call) {
    if (principal.role() != Role.AGENT) return true;
    return isMe(call.agentId())
        || (call instanceof CallOffered offered && offered.agentIds() != null && offered.agentIds().contains(principal.agentId()));
  }

  private boolean isMe(String agentId) {
    return principal.agentId() != null && principal.agentId().equals(agentId);
  }
}
