package io.callengine.http;

import io.callengine.core.call.TransferTarget;

/** The body of {@code POST /api/v1/agents/{id}/calls/{callId}/transfer}: exactly one target; keepPlace and priority for a queue. */
record TransferRequest(String queueId, String agentId, String address, Boolean keepPlace, Integer priority) {
  TransferTarget target() {
    return new TransferTarget(queueId, agentId, address, keepPlace, priority);
  }
}
