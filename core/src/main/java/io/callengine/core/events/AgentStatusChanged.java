package io.callengine.core.events;

import java.time.Instant;
import java.util.List;

/** An agent's presence, activity, registration or calls changed. */
public record AgentStatusChanged(Instant at, String agentId, String presence, String breakReason, String activity,
    boolean registered, List<String> currentCalls) implements CallCenterEvent {
  @Override
  public String type() {
    return "agent-status-changed";
  }
}
