package io.callengine.core.queue;

import io.callengine.core.CborSerializable;
import java.time.Instant;
import java.util.Comparator;

/**
 * A call in line. Ordered by priority (higher first), then by when the caller first entered
 * any queue, so a caller who is moved or re-offered keeps his place.
 */
public record WaitingCall(String callId, int priority, Instant enqueuedAt) implements CborSerializable {

  public static final Comparator<WaitingCall> ORDER = Comparator
      .comparingInt((WaitingCall w) -> -w.priority())
      .thenComparing(WaitingCall::enqueuedAt)
      .thenComparing(WaitingCall::callId);
}
