package io.callengine.core.events;

import java.time.Instant;
import java.util.List;

/** The call rings these agents' phones (several for ring-all). */
public record CallOffered(Instant at, String callId, String queueId, String agentId, List<String> agentIds)
    implements CallCenterEvent, CallEvent {
  @Override
  public String type() {
    return "call-offered";
  }
}
