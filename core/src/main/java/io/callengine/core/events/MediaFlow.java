package io.callengine.core.events;

import java.time.Instant;

/** Audio from one leg's phone started ({@code flowing}) or stopped reaching the engine. */
public record MediaFlow(Instant at, String callId, String queueId, String agentId, String leg, boolean flowing) implements CallCenterEvent, CallEvent {
  @Override
  public String type() {
    return "media-flow";
  }
}
