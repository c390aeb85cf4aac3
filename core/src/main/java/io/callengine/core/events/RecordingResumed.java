package io.callengine.core.events;

import java.time.Instant;

/** The agent resumed the call's recording. */
public record RecordingResumed(Instant at, String callId, String queueId, String agentId) implements CallCenterEvent, CallEvent {
  @Override
  public String type() {
    return "recording-resumed";
  }
}
