package io.callengine.core.events;

import java.time.Instant;

/** The call's recording began: {@code file} in the data directory of {@code node} (a cluster address). */
public record RecordingStarted(Instant at, String callId, String queueId, String agentId, String node, String file) implements CallCenterEvent, CallEvent {
  @Override
  public String type() {
    return "recording-started";
  }
}
