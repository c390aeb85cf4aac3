package io.callengine.core.statistics;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.time.Instant;
import java.util.List;

/**
 * The answer to a metrics query over {@code [from, to)}: the figures of the queue asked for (or
 * of every call as a whole), each queue's figures when no queue was asked for, and the figures
 * per interval when an interval was asked for.
 */
public record PerformanceMetrics(
    Instant from,
    Instant to,
    String queueId,
    int shortAbandonSeconds,
    @JsonUnwrapped Figures figures,
    List<QueueFigures> queues,
    List<IntervalFigures> intervals) {

  public record QueueFigures(String queueId, @JsonUnwrapped Figures figures) {}

  public record IntervalFigures(Instant start, Instant end, @JsonUnwrapped Figures figures) {}
}
