package io.callengine.core;

import java.util.Set;

/**
 * Projection tags, fixed from day one: {@code calls-0..calls-3} and {@code agents-0..agents-3}
 * by hash of the entity id; one {@code queues} tag for queue configuration and one
 * {@code routing-policies} tag, both low volume.
 */
public final class Tags {
  public static final int CALL_SLICES = 4;
  public static final int AGENT_SLICES = 4;
  public static final String QUEUES = "queues";
  public static final String ROUTING_POLICIES = "routing-policies";

  private Tags() {}

  public static String callTag(String callId) {
    return "calls-" + Math.floorMod(callId.hashCode(), CALL_SLICES);
  }

  public static Set<String> forCall(String callId) {
    return Set.of(callTag(callId));
  }

  public static String agentTag(String agentId) {
    return "agents-" + Math.floorMod(agentId.hashCode(), AGENT_SLICES);
  }

  public static Set<String> forAgent(String agentId) {
    return Set.of(agentTag(agentId));
  }

  /** Only a queue's configuration changes are tagged: its waiting line is too busy to project. */
  public static Set<String> forQueue(boolean configChange) {
    return configChange ? Set.of(QUEUES) : Set.of();
  }

  public static Set<String> forRoutingPolicies() {
    return Set.of(ROUTING_POLICIES);
  }
}
