package io.callengine.core.statistics;

import io.callengine.core.call.Disposition;
import java.time.Duration;

/**
 * One call's stay in one queue (or, as visit 0 in the pseudo-queue {@code *}, the call as a
 * whole), from entry to leaving, and what it counts: offered on entry, then exactly one outcome.
 * Times are epoch milliseconds; {@code waitMs} is known once the caller is answered or gone.
 */
public record Visit(
    int number,
    String queueId,
    long enteredAt,
    Integer serviceLevelSeconds,
    Long answeredAt,
    Long leftAt,
    Counts counts) {

  public static final String ALL_QUEUES = "*";
  public static final long INTERVAL_MS = Duration.ofMinutes(15).toMillis();

  public static Visit open(int number, String queueId, long at) {
    return new Visit(number, queueId, at, null, null, null, Counts.ZERO.with(Counter.OFFERED, 1));
  }

  public boolean isWhole() {
    return number == 0;
  }

  public boolean isOpen() {
    return leftAt == null;
  }

  /** The start of the 15-minute interval (UTC, from the epoch) the visit counts in: the one it entered in. */
  public long intervalStart() {
    return enteredAt - Math.floorMod(enteredAt, INTERVAL_MS);
  }

  public Visit admitted(int seconds) {
    return new Visit(number, queueId, enteredAt, seconds, answeredAt, leftAt, counts);
  }

  public Visit answered(long at) {
    if (!isOpen() || answeredAt != null) return this;
    long wait = at - enteredAt;
    Counts answered = counts.with(Counter.ANSWERED, 1).with(Counter.ANSWER_WAIT_MS, wait)
        .with(Counter.ANSWERED_IN_SL, withinServiceLevel(wait) ? 1 : 0).withLongestWait(wait);
    // A callback is answered when its customer answers the engine's call back.
    if (counts.get(Counter.CALLBACKS_ACCEPTED) > 0) answered = answered.with(Counter.CALLBACKS_COMPLETED, 1).with(Counter.CALLBACK_WAIT_MS, wait);
    return new Visit(number, queueId, enteredAt, serviceLevelSeconds, at, null, answered);
  }

  /** Sent on to another queue; the whole call stays open and only notes that it overflowed. */
  public Visit overflowed(long at) {
    if (!isOpen()) return this;
    if (isWhole()) return new Visit(number, queueId, enteredAt, serviceLevelSeconds, answeredAt, leftAt, counts.with(Counter.OVERFLOWED, 1));
    return left(at, counts.with(Counter.OVERFLOWED, 1).withLongestWait(at - enteredAt));
  }

  /** An agent of this visit handed the call over to a queue: handled here, talk counted to now; the whole call stays open. */
  public Visit handedOver(long at) {
    if (!isOpen() || isWhole() || answeredAt == null) return this;
    return left(at, counts.with(Counter.HANDLED, 1).with(Counter.TALK_MS, at - answeredAt));
  }

  /** The call ended while in this visit: talk counted if answered, else the outcome the disposition says. */
  public Visit ended(Disposition disposition, long at, long shortAbandonMs) {
    if (!isOpen()) return this;
    if (answeredAt != null) return left(at, counts.with(Counter.HANDLED, 1).with(Counter.TALK_MS, at - answeredAt));
    long wait = at - enteredAt;
    Counts waited = counts.withLongestWait(wait);
    return left(at, switch (disposition) {
      case ABANDONED -> waited.with(Counter.ABANDONED, 1).with(Counter.ABANDONED_IN_SL, withinServiceLevel(wait) ? 1 : 0)
          .with(Counter.SHORT_ABANDONED, wait < shortAbandonMs ? 1 : 0);
      case TIMED_OUT -> waited.with(Counter.TIMED_OUT, 1);
      // OVERFLOWED ends a call whose overflow target refused it: that queue turned it away.
      case REJECTED, OVERFLOWED -> waited.with(Counter.REJECTED, 1);
      case FAILED -> waited.with(Counter.FAILED, 1);
      case CALLBACK_FAILED -> waited.with(Counter.FAILED, 1).with(Counter.CALLBACKS_FAILED, 1);
      case COMPLETED -> waited;
    });
  }

  /** The caller heard the callback offer in this visit ({@code accepted}: and took it); set, not added, as it may be heard again. */
  public Visit callback(Counter counter) {
    if (!isOpen() || answeredAt != null) return this;
    return new Visit(number, queueId, enteredAt, serviceLevelSeconds, answeredAt, leftAt, counts.with(counter, 1));
  }

  /** The agent's wrap-up after an answered call; set, not added, so hearing it twice changes nothing. */
  public Visit wrappedUp(int seconds) {
    if (answeredAt == null) return this;
    Counts wrapped = counts.with(Counter.WRAPPED, 1).with(Counter.WRAP_MS, seconds * 1000L);
    return new Visit(number, queueId, enteredAt, serviceLevelSeconds, answeredAt, leftAt, wrapped);
  }

  /** The answered call's holds so far: {@code totalMs} of them all. Set, not added, as for the wrap-up. */
  public Visit held(long totalMs) {
    if (answeredAt == null) return this;
    Counts held = counts.with(Counter.HELD, 1).with(Counter.HOLD_MS, totalMs);
    return new Visit(number, queueId, enteredAt, serviceLevelSeconds, answeredAt, leftAt, held);
  }

  private Visit left(long at, Counts outcome) {
    return new Visit(number, queueId, enteredAt, serviceLevelSeconds, answeredAt, at, outcome);
  }

  /** Within the threshold means at most that many seconds; a queue that never admitted the call has none (0). */
  private boolean withinServiceLevel(long waitMs) {
    int threshold = serviceLevelSeconds == null ? 0 : serviceLevelSeconds;
    return waitMs <= threshold * 1000L;
  }
}
