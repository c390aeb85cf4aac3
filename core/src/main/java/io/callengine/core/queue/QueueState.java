package io.callengine.core.queue;

import io.callengine.core.CborSerializable;
import java.util.ArrayList;
import java.util.List;

/** The QueueEntity's state: configuration and the calls waiting, kept in {@link WaitingCall#ORDER}. */
public record QueueState(QueueConfig config, boolean deleted, List<WaitingCall> waiting) implements CborSerializable {

  public static QueueState empty() {
    return new QueueState(null, false, List.of());
  }

  public boolean exists() {
    return config != null && !deleted;
  }

  public boolean isWaiting(String callId) {
    return waiting.stream().anyMatch(w -> w.callId().equals(callId));
  }

  QueueState withConfig(QueueConfig newConfig) {
    return new QueueState(newConfig, false, waiting);
  }

  QueueState withDeleted() {
    return new QueueState(config, true, List.of());
  }

  QueueState withCall(WaitingCall call) {
    List<WaitingCall> next = new ArrayList<>(waiting);
    next.add(call);
    next.sort(WaitingCall.ORDER);
    return new QueueState(config, deleted, List.copyOf(next));
  }

  QueueState withoutCall(String callId) {
    return new QueueState(config, deleted,
        waiting.stream().filter(w -> !w.callId().equals(callId)).toList());
  }
}
