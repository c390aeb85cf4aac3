package io.callengine.core.statistics;

import io.callengine.core.call.CallEntity;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns one call's events into its queue visits and their interval sums, inside the call-record
 * projection's transaction: the offset and the figures commit together, so a restart neither
 * loses nor repeats a call. A call counts from its first queue on: calls that end in the IVR
 * have no visits.
 */
public final class StatisticsWriter {
  private final long shortAbandonMs;

  public StatisticsWriter(long shortAbandonMs) {
    this.shortAbandonMs = shortAbandonMs;
  }

  public void apply(Connection c, int slice, String callId, CallEntity.Event event) throws SQLException {
    if (!counts(event)) return;
    List<Visit> before = VisitTable.load(c, callId);
    List<Visit> after = next(new ArrayList<>(before), event);
    for (int i = 0; i < after.size(); i++) {
      VisitTable.save(c, slice, callId, i < before.size() ? before.get(i) : null, after.get(i));
    }
  }

  private static boolean counts(CallEntity.Event event) {
    return event instanceof CallEntity.CallStarted || event instanceof CallEntity.CallRouted
        || event instanceof CallEntity.CallAdmitted || event instanceof CallEntity.CallMoved
        || event instanceof CallEntity.CallConnected || event instanceof CallEntity.CallEnded
        || event instanceof CallEntity.CallWrappedUp || event instanceof CallEntity.CallResumed
        || event instanceof CallEntity.CallTransferred || event instanceof CallEntity.CallRequeued
        || event instanceof CallEntity.CallbackOffered || event instanceof CallEntity.CallbackRequested;
  }

  /** The visits after {@code event}: index 0 is the whole call, the last one the queue the call is in. */
  private List<Visit> next(List<Visit> visits, CallEntity.Event event) {
    if (event instanceof CallEntity.CallStarted e && e.queueId() != null) {
      enter(visits, e.queueId(), e.at());
    } else if (event instanceof CallEntity.CallRouted e) {
      enter(visits, e.queueId(), e.at());
    } else if (visits.isEmpty()) {
      return visits;
    } else if (event instanceof CallEntity.CallAdmitted e) {
      int last = visits.size() - 1;
      if (visits.get(last).queueId().equals(e.queueId())) {
        visits.set(0, visits.get(0).admitted(e.serviceLevelSeconds()));
        visits.set(last, visits.get(last).admitted(e.serviceLevelSeconds()));
      }
    } else if (event instanceof CallEntity.CallMoved e) {
      long at = millis(e.at());
      visits.replaceAll(v -> v.overflowed(at));
      visits.add(Visit.open(visits.size(), e.toQueueId(), at));
    } else if (event instanceof CallEntity.CallConnected e) {
      visits.replaceAll(v -> v.answered(millis(e.at())));
    } else if (event instanceof CallEntity.CallEnded e) {
      visits.replaceAll(v -> v.ended(e.disposition(), millis(e.at()), shortAbandonMs));
    } else if (event instanceof CallEntity.CallTransferred e && e.toQueueId() != null) {
      handOver(visits, e.toQueueId(), millis(e.at()));
    } else if (event instanceof CallEntity.CallRequeued e) {
      handOver(visits, e.queueId(), millis(e.at()));
    } else if (event instanceof CallEntity.CallbackOffered) {
      visits.replaceAll(v -> v.callback(Counter.CALLBACKS_OFFERED));
    } else if (event instanceof CallEntity.CallbackRequested) {
      visits.replaceAll(v -> v.callback(Counter.CALLBACKS_OFFERED).callback(Counter.CALLBACKS_ACCEPTED));
    } else if (event instanceof CallEntity.CallWrappedUp e) {
      visits.replaceAll(v -> v.wrappedUp(e.wrapUpSeconds()));
    } else if (event instanceof CallEntity.CallResumed e) {
      visits.replaceAll(v -> v.held(e.totalHeldMillis()));
    }
    return visits;
  }

  /**
   * Handed over to a queue (or back to its own after a failed transfer): the queue visit that was
   * answered ends as handled there, and the call, answered as a whole already, visits the queue
   * anew: offered there once more, never counted abandoned for the hand-over.
   */
  private static void handOver(List<Visit> visits, String queueId, long at) {
    visits.replaceAll(v -> v.handedOver(at));
    visits.add(Visit.open(visits.size(), queueId, at));
  }

  private static void enter(List<Visit> visits, String queueId, Instant at) {
    if (visits.isEmpty()) visits.add(Visit.open(0, Visit.ALL_QUEUES, millis(at)));
    visits.add(Visit.open(visits.size(), queueId, millis(at)));
  }

  private static long millis(Instant at) {
    return at.toEpochMilli();
  }
}
