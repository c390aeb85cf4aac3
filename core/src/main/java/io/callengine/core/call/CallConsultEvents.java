package io.callengine.core.call;

import io.callengine.core.events.CallConsulted;
import io.callengine.core.events.EventPublisher;

/**
 * The public {@link CallConsulted} events of an agent's consult, published by {@link CallEvents} once
 * the CallEntity's event is stored; a call that ends during a consult ends the consult too.
 */
final class CallConsultEvents {
  private CallConsultEvents() {}

  static void publish(EventPublisher events, String callId, CallState before, CallEntity.Event event, CallState after) {
    Consult now = after.consult();
    Consult was = before.consult();
    if (event instanceof CallEntity.ConsultStarted && now != null) {
      events.publish(consulted(event, callId, after, now, "started", false, null));
    } else if (event instanceof CallEntity.ConsultAnswered && now != null) {
      events.publish(consulted(event, callId, after, now, "answered", false, null));
    } else if (event instanceof CallEntity.ConferenceStarted && now != null) {
      events.publish(consulted(event, callId, after, now, "conference", false, null));
    } else if (event instanceof CallEntity.ConsultEnded e && was != null) {
      events.publish(consulted(event, callId, before, was, "ended", e.completed(), e.reason()));
    } else if (event instanceof CallEntity.CallEnded && was != null) {
      events.publish(consulted(event, callId, after, was, "ended", false, "the call ended"));
    }
  }

  private static CallConsulted consulted(CallEntity.Event event, String callId, CallState call, Consult consult, String change,
      boolean completed, String reason) {
    return new CallConsulted(event.at(), callId, call.queueId(), consult.fromAgentId(), consult.id(), consult.targetLabel(), change,
        completed, reason);
  }
}
