package io.callengine.core.events;

import java.time.Instant;

/**
 * A supervisor's monitoring of a call began, changed mode or ended ({@code change}: {@code started},
 * {@code mode-changed}, {@code ended}); {@code mode} is {@code listen}, {@code whisper} or
 * {@code barge}, null once ended, when {@code reason} says why.
 */
public record CallMonitored(Instant at, String callId, String queueId, String agentId, String supervisor, String phone,
    String change, String mode, String reason) implements CallCenterEvent, CallEvent {
  @Override
  public String type() {
    return "call-monitored";
  }
}
