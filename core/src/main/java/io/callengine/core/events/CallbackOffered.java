package io.callengine.core.events;

import java.time.Instant;

/** A waiting caller heard the callback offer of his queue (once per stay in a queue, however often he hears it). */
public record CallbackOffered(Instant at, String callId, String queueId, String agentId)
    implements CallCenterEvent, CallEvent {
  @Override
  public String type() {
    return "callback-offered";
  }
}
