package io.callengine.core.api;

import java.util.List;
import java.util.Map;

/** The engine's health: UP when every component is up, DEGRADED when some are not, DOWN when the node is not in its cluster. */
public record HealthReport(String status, long uptimeSeconds, int nodes, String database, Map<String, String> components,
    List<String> warnings) {}
