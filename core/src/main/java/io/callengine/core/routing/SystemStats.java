package io.callengine.core.routing;

import io.callengine.core.CborSerializable;

/** Live counts across all queues, as the Router sees them now. */
public record SystemStats(
    int activeCalls,
    int queuedCalls,
    int availableAgents,
    int busyAgents,
    int agentsOnBreak,
    int agentsOffline,
    long longestWaitSeconds)
    implements CborSerializable {}
