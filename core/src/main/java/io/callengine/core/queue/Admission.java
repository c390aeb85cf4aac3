package io.callengine.core.queue;

import io.callengine.core.CborSerializable;

/**
 * A queue's answer to a caller who wants in: {@code QUEUED}, sent on to {@code overflowQueueId},
 * or {@code REFUSED} with the SIP status the queue configures.
 */
public record Admission(Outcome outcome, QueueConfig queue, String overflowQueueId, int sipStatus, String reason)
    implements CborSerializable {

  public enum Outcome { QUEUED, OVERFLOW, REFUSED }

  static Admission queued(QueueConfig queue) {
    return new Admission(Outcome.QUEUED, queue, null, 0, null);
  }

  /** Overflow when the queue has a target, else a refusal with {@code status}. */
  static Admission turnedAway(QueueConfig queue, int status, String reason) {
    return queue.overflowQueueId() != null
        ? new Admission(Outcome.OVERFLOW, queue, queue.overflowQueueId(), 0, reason)
        : new Admission(Outcome.REFUSED, queue, null, status, reason);
  }
}
