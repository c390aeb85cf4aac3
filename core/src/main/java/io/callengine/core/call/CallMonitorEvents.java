package io.callengine.core.call;

import io.callengine.core.events.CallMonitored;
import io.callengine.core.events.EventPublisher;

/**
 * The public {@link CallMonitored} events of a call's monitoring, published by {@link CallEvents}
 * once the CallEntity's event is stored; a call that ends while monitored ends its monitoring too.
 */
final class CallMonitorEvents {
  private CallMonitorEvents() {}

  static void publish(EventPublisher events, String callId, CallState before, CallEntity.Event event, CallState after) {
    Monitoring now = after.monitoring();
    Monitoring was = before.monitoring();
    if (event instanceof CallEntity.MonitorStarted && now != null) {
      events.publish(monitored(event, callId, after, now, "started", null));
    } else if (event instanceof CallEntity.MonitorModeChanged && now != null) {
      events.publish(monitored(event, callId, after, now, "mode-changed", null));
    } else if (event instanceof CallEntity.MonitorEnded e && was != null) {
      events.publish(monitored(event, callId, after, was, "ended", e.reason()));
    } else if (event instanceof CallEntity.CallEnded && was != null) {
      events.publish(monitored(event, callId, after, was, "ended", "the call ended"));
    }
  }

  private static CallMonitored monitored(CallEntity.Event event, String callId, CallState call, Monitoring monitoring, String change,
      String reason) {
    String mode = change.equals("ended") ? null : monitoring.mode().label();
    return new CallMonitored(event.at(), callId, call.queueId(), call.agentId(), monitoring.supervisor(), monitoring.phone(), change,
        mode, reason);
  }
}
