package io.callengine.core.events;

import java.time.Instant;

/**
 * The transfer of agent {@code agentId}'s call to {@code target} failed ({@code reason}): the target
 * refused or did not answer. The call goes back to the agent (or, failing that, to its queue).
 */
public record TransferFailed(Instant at, String callId, String queueId, String agentId, String target, String reason)
    implements CallCenterEvent, CallEvent {
  @Override
  public String type() {
    return "transfer-failed";
  }
}
