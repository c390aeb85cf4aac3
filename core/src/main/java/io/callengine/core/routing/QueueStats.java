package io.callengine.core.routing;

import io.callengine.core.CborSerializable;

/** Live counts of one queue. */
public record QueueStats(String queueId, int waiting, long longestWaitSeconds, int availableAgents, int activeCalls)
    implements CborSerializable {}
