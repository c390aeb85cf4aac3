package io.callengine.core.queue;

import io.callengine.core.CborSerializable;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/**
 * A call in line. Ordered by priority (higher first), then by when the caller first entered
 * any queue ({@code enqueuedAt}), so a caller who is moved or re-offered keeps his place.
 * {@code joinedAt} is when it entered this queue (the queue's max wait counts from it);
 * {@code extraSkills} are skills the routing policy asks for beyond the queue's own.
 */
public record WaitingCall(String callId, int priority, Instant enqueuedAt, Instant joinedAt,
    List<QueueConfig.RequiredSkill> extraSkills) implements CborSerializable {

  public static final Comparator<WaitingCall> ORDER = Comparator
      .comparingInt((WaitingCall w) -> -w.priority())
      .thenComparing(WaitingCall::enqueuedAt)
      .thenComparing(WaitingCall::callId);

  public WaitingCall {
    extraSkills = extraSkills == null ? List.of() : List.copyOf(extraSkills);
  }

  public static WaitingCall of(String callId, int priority, Instant enqueuedAt) {
    return new WaitingCall(callId, priority, enqueuedAt, enqueuedAt, List.of());
  }

  public WaitingCall joined(Instant at) {
    return new WaitingCall(callId, priority, enqueuedAt, at, extraSkills);
  }
}
