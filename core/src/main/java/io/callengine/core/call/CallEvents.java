package io.callengine.core.call;

import io.callengine.core.events.CallIncoming;
import io.callengine.core.events.CallQueued;
import io.callengine.core.events.CallStateChanged;
import io.callengine.core.events.EventPublisher;
import java.time.Instant;

/**
 * What a CallEntity event means to the outside: the public events it publishes after the event
 * is persisted, and a state change whenever the call's status moved.
 */
final class CallEvents {
  private CallEvents() {}

  static void publish(EventPublisher events, String callId, CallState before, CallEntity.Event event, CallState after) {
    Instant at = event.at();
    if (event instanceof CallEntity.CallStarted e) {
      events.publish(new CallIncoming(at, callId, e.queueId(), null, e.caller(), e.dialed()));
      if (e.queueId() != null) events.publish(new CallQueued(at, callId, e.queueId(), null, e.priority()));
    } else if (event instanceof CallEntity.CallRouted e) {
      events.publish(new CallQueued(at, callId, e.queueId(), null, e.priority()));
    } else if (event instanceof CallEntity.CallMoved e) {
      events.publish(new CallQueued(at, callId, e.toQueueId(), null, after.priority()));
    } else if (event instanceof CallEntity.CallOffered e) {
      events.publish(new io.callengine.core.events.CallOffered(at, callId, after.queueId(), null, e.agentIds()));
    } else if (event instanceof CallEntity.CallConnected e) {
      events.publish(new io.callengine.core.events.CallEstablished(at, callId, after.queueId(), e.agentId(), after.waitSeconds(at)));
    } else if (event instanceof CallEntity.CallTransferred e) {
      String target = e.toQueueId() != null ? "queue:" + e.toQueueId() : e.toAgentId() != null ? "agent:" + e.toAgentId() : e.toAddress();
      events.publish(new io.callengine.core.events.CallTransferred(at, callId, after.queueId(), e.fromAgentId(), target));
      if (e.toQueueId() != null) events.publish(new CallQueued(at, callId, e.toQueueId(), null, e.priority()));
    } else if (event instanceof CallEntity.TransferFailed e) {
      events.publish(new io.callengine.core.events.TransferFailed(at, callId, after.queueId(), e.fromAgentId(), e.target(), e.reason()));
    } else if (event instanceof CallEntity.CallRequeued e) {
      events.publish(new CallQueued(at, callId, e.queueId(), null, after.priority()));
    } else if (event instanceof CallEntity.CallEnded e) {
      events.publish(new io.callengine.core.events.CallEnded(at, callId, after.queueId(), after.agentId(), e.disposition().name(),
          e.reason(), e.waitSeconds(), e.talkSeconds()));
    } else if (event instanceof CallEntity.RecordingStarted e) {
      events.publish(new io.callengine.core.events.RecordingStarted(at, callId, after.queueId(), after.agentId(), e.node(), e.file()));
    } else if (event instanceof CallEntity.RecordingPaused) {
      events.publish(new io.callengine.core.events.RecordingPaused(at, callId, after.queueId(), after.agentId()));
    } else if (event instanceof CallEntity.RecordingResumed) {
      events.publish(new io.callengine.core.events.RecordingResumed(at, callId, after.queueId(), after.agentId()));
    } else if (event instanceof CallEntity.RecordingStopped e) {
      events.publish(new io.callengine.core.events.RecordingStopped(at, callId, after.queueId(), after.agentId(), e.seconds()));
    } else if (event instanceof CallEntity.CallHeld e) {
      events.publish(new io.callengine.core.events.CallHeld(at, callId, after.queueId(), e.agentId(), e.fromPhone()));
    } else if (event instanceof CallEntity.CallResumed e) {
      events.publish(new io.callengine.core.events.CallResumed(at, callId, after.queueId(), e.agentId(), e.fromPhone(),
          e.heldMillis() / 1000, e.totalHeldMillis() / 1000));
    }
    CallMonitorEvents.publish(events, callId, before, event, after);
    CallConsultEvents.publish(events, callId, before, event, after);
    CallbackEvents.publish(events, callId, before, event, after);
    if (before.status() != after.status()) {
      events.publish(new CallStateChanged(at, callId, after.queueId(), after.agentId(), before.status().name(), after.status().name()));
    }
  }
}
