package io.callengine.core.call;

import io.callengine.core.CborSerializable;
import java.time.Duration;
import java.time.Instant;

/**
 * The holds of a connected call, part of its {@link CallState}: since when it is on hold (null
 * when it is not), the milliseconds of the holds already over, and how many holds there were.
 */
public record CallHold(Instant heldSince, long heldMillis, int holds) implements CborSerializable {

  public static final CallHold NONE = new CallHold(null, 0, 0);

  public boolean onHold() {
    return heldSince != null;
  }

  /** The current hold up to {@code now}; 0 when not on hold. */
  public long currentMillis(Instant now) {
    return heldSince == null ? 0 : Math.max(0, Duration.between(heldSince, now).toMillis());
  }

  /** Every hold of the call, the current one up to {@code now}. */
  public long totalMillis(Instant now) {
    return heldMillis + currentMillis(now);
  }

  CallHold held(Instant at) {
    return new CallHold(at, heldMillis, holds + 1);
  }

  CallHold resumed(long totalMillis) {
    return new CallHold(null, totalMillis, holds);
  }
}
