package io.callengine.core.events;

/** An event about one call: which call, its queue and its agent (null while it has none), for filtering and for scoping to an agent. */
public interface CallEvent {
  String callId();

  String queueId();

  String agentId();
}
