package io.callengine.http;

/** The body of {@code POST /api/v1/supervisor/calls/{callId}/assign}. */
record AssignRequest(String agentId) {}
