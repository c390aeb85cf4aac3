package io.callengine.core.api;

import java.util.List;
import java.util.Map;

/**
 * The engine's health: UP when every component is up, DEGRADED when some are not or the node is
 * draining or on the losing side of a partition (each reason in {@code warnings}), DOWN when the
 * node is not Up in its cluster. Only UP is ready.
 */
public record HealthReport(String status, long uptimeSeconds, int nodes, String database, Map<String, String> components,
    List<String> warnings) {}
