package io.callengine.core.events;

import java.time.Instant;

/** The call went from one status to another ({@code IVR}, {@code QUEUED}, {@code OFFERING}, {@code CONNECTED}, {@code ENDED}). */
public record CallStateChanged(Instant at, String callId, String queueId, String agentId, String from, String to)
    implements CallCenterEvent, CallEvent {
  @Override
  public String type() {
    return "call-state-changed";
  }
}
