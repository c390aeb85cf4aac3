package io.callengine.core.call;

import io.callengine.core.Asks;
import io.callengine.core.Peers;
import io.callengine.core.queue.Admission;
import io.callengine.core.queue.QueueEntity;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Predicate;

/**
 * Asks a transfer's target queue, before the CallEntity stores the transfer, whether it would take
 * the call now, following its overflow chain as far as a move would ({@link CallEntity#MAX_MOVES}):
 * the answer is the last queue's, {@code QUEUED} or {@code REFUSED}. Nothing is stored in the
 * queues; a queue that fills up between this answer and the move still turns the call away then.
 */
final class QueueTransferCheck {
  private QueueTransferCheck() {}

  static CompletionStage<Admission> ask(Asks asks, Peers peers, Predicate<String> staffed, String queueId) {
    return ask(asks, peers, staffed, queueId, 0);
  }

  private static CompletionStage<Admission> ask(Asks asks, Peers peers, Predicate<String> staffed, String queueId, int moves) {
    CompletionStage<Admission> answer = asks.<QueueEntity.Command, Admission>ask(peers.queue(queueId),
        r -> new QueueEntity.CheckAdmission(staffed.test(queueId), r));
    return answer.thenCompose(admission -> {
      if (admission.outcome() != Admission.Outcome.OVERFLOW) return CompletableFuture.completedFuture(admission);
      if (moves < CallEntity.MAX_MOVES) return ask(asks, peers, staffed, admission.overflowQueueId(), moves + 1);
      return CompletableFuture.completedFuture(new Admission(Admission.Outcome.REFUSED, admission.queue(), null, 480,
          "too many overflow queues in a row after " + queueId));
    });
  }
}
