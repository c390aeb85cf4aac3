package io.callengine.core.events;

import java.time.Instant;

/** The call's recording was closed, holding {@code seconds} of audio (paused stretches as silence). */
public record RecordingStopped(Instant at, String callId, String queueId, String agentId, long seconds) implements CallCenterEvent, CallEvent {
  @Override
  public String type() {
    return "recording-stopped";
  }
}
