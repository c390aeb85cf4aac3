package io.callengine.core.events;

import java.time.Instant;

/** The agent paused the call's recording: silence is recorded until it resumes. */
public record RecordingPaused(Instant at, String callId, String queueId, String agentId) implements CallCenterEvent, CallEvent {
  @Override
  public String type() {
    return "recording-paused";
  }
}
