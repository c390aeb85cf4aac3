package io.callengine.core.queue;

import io.callengine.core.CborSerializable;

/**
 * Whether a queue's calls are recorded: {@code NONE}, {@code ALL}, or {@code PERCENT} of them
 * (drawn once per call when the agent answers), and whether the caller first hears that the call
 * may be recorded. Part of {@link QueueConfig}; the SIP gateway reads it when an agent answers.
 */
public record QueueRecording(Mode mode, int percent, boolean announce) implements CborSerializable {

  public enum Mode { NONE, ALL, PERCENT }

  /** Whether a call is recorded, given a draw from 0 to 99 (taken only for {@code PERCENT}). */
  public boolean recordsWith(java.util.function.IntSupplier draw) {
    return switch (mode) {
      case NONE -> false;
      case ALL -> true;
      case PERCENT -> percent > 0 && draw.getAsInt() < percent;
    };
  }

  /** Whether the caller hears the recording notice before the bridge: any mode that may record, with {@code announce}. */
  public boolean announcesFirst() {
    return announce && mode != Mode.NONE;
  }
}
