package io.callengine.core.call;

import io.callengine.core.CborSerializable;
import java.time.Instant;

/**
 * A call's recording as the CallEntity knows it: the node whose data directory holds the file,
 * the file's name, when it started, whether the agent has it paused now, and, once it is closed,
 * when and how many seconds it holds (paused stretches included, as silence). A recording left
 * without {@code stoppedAt} on an ended call was cut short by its node stopping: the file keeps
 * what was written up to then. Part of {@link CallState} and {@link CallView}.
 */
public record CallRecording(String node, String file, Instant startedAt, boolean paused, Instant stoppedAt, Long seconds)
    implements CborSerializable {

  public boolean open() {
    return stoppedAt == null;
  }

  CallRecording paused(boolean nowPaused) {
    return new CallRecording(node, file, startedAt, nowPaused, stoppedAt, seconds);
  }

  CallRecording stopped(Instant at, long recordedSeconds) {
    return new CallRecording(node, file, startedAt, false, at, recordedSeconds);
  }
}
