package io.callengine.core.events;

import java.time.Instant;

/**
 * Agent {@code agentId} handed the call over (a blind transfer) to {@code target}: {@code queue:<id>},
 * {@code agent:<id>} or an outside SIP address. {@code queueId} is the call's queue afterwards.
 */
public record CallTransferred(Instant at, String callId, String queueId, String agentId, String target)
    implements CallCenterEvent, CallEvent {
  @Override
  public String type() {
    return "call-transferred";
  }
}
