package io.callengine.core.readside;

import java.time.Instant;
import java.util.List;

/**
 * One agent's figures over {@code [from, to)}. Calls count by when they finished; presence
 * figures are the parts of the presence periods inside the range (an open period up to now);
 * {@code holdSeconds} is the hold time of the calls counted.
 */
public record AgentHistoryReport(
    String agentId,
    Instant from,
    Instant to,
    long callsHandled,
    long talkSeconds,
    long wrapUpSeconds,
    long noAnswers,
    long loggedInSeconds,
    long availableSeconds,
    List<BreakTime> breaks,
    long holdSeconds) {

  /** The breaks of one reason that overlap the range, and their seconds inside it. */
  public record BreakTime(String reason, long count, long seconds) {}
}
