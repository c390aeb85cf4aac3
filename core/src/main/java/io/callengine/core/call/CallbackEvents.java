package io.callengine.core.call;

import io.callengine.core.events.CallbackAttempted;
import io.callengine.core.events.CallbackCompleted;
import io.callengine.core.events.CallbackFailed;
import io.callengine.core.events.CallbackOffered;
import io.callengine.core.events.CallbackRequested;
import io.callengine.core.events.EventPublisher;

/** The public events of a callback, published by {@link CallEvents} once their CallEntity event is stored. */
final class CallbackEvents {
  private CallbackEvents() {}

  static void publish(EventPublisher events, String callId, CallState before, CallEntity.Event event, CallState after) {
    if (event instanceof CallEntity.CallbackOffered e) {
      events.publish(new CallbackOffered(e.at(), callId, after.queueId(), null));
    } else if (event instanceof CallEntity.CallbackRequested e) {
      events.publish(new CallbackRequested(e.at(), callId, after.queueId(), null, e.number()));
    } else if (event instanceof CallEntity.CallbackDialed e) {
      String agentId = after.offeredTo().isEmpty() ? null : after.offeredTo().get(0);
      events.publish(new CallbackAttempted(e.at(), callId, after.queueId(), agentId, after.callback().attempts(), after.callback().number()));
    } else if (event instanceof CallEntity.CallConnected e && after.callback() != null) {
      events.publish(new CallbackCompleted(e.at(), callId, after.queueId(), e.agentId(), after.waitSeconds(e.at())));
    } else if (event instanceof CallEntity.CallbackAttemptFailed e) {
      events.publish(new CallbackFailed(e.at(), callId, after.queueId(), null, after.callback().attempts(), e.reason(), true));
    } else if (event instanceof CallEntity.CallEnded e && e.disposition() == Disposition.CALLBACK_FAILED) {
      events.publish(new CallbackFailed(e.at(), callId, after.queueId(), null, after.callback().attempts(), e.reason(), false));
    }
  }
}
