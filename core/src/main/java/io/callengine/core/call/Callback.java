package io.callengine.core.call;

import io.callengine.core.CborSerializable;
import java.time.Instant;

/**
 * A call the caller turned into a callback: the number to call ({@code number}, a SIP URI), the
 * attempts made so far out of {@code maxAttempts}, and when the next one may start after a failed
 * one ({@code retryAt}, null while the call waits in line). Part of the {@link CallState}.
 */
public record Callback(String number, int attempts, int maxAttempts, int retryAfterSeconds, Instant retryAt)
    implements CborSerializable {

  Callback attempted() {
    return new Callback(number, attempts + 1, maxAttempts, retryAfterSeconds, null);
  }

  Callback failed(Instant at) {
    return new Callback(number, attempts, maxAttempts, retryAfterSeconds, at.plusSeconds(retryAfterSeconds));
  }

  Callback inLine() {
    return new Callback(number, attempts, maxAttempts, retryAfterSeconds, null);
  }

  boolean attemptsLeft() {
    return attempts < maxAttempts;
  }
}
