package io.callengine.core.events;

/** Where entities and the gateway publish public events: the cluster topic in a node, a probe or nothing in a test. */
@FunctionalInterface
public interface EventPublisher {
  EventPublisher NONE = event -> {};

  void publish(CallCenterEvent event);
}
