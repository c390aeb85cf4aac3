package io.callengine.bench.metrics;

import io.callengine.core.call.CallEntity;
import io.callengine.core.call.CallMedia;
import io.callengine.core.call.Disposition;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/**
 * Draws calls of a contact center with 10 queues of unequal traffic: their events, as the
 * CallEntity would persist them, and the call-record row the projection would end up with. The
 * mix: 72 % answered, 12 % abandoned (a third of them within 5 s), 5 % overflowed to another
 * queue and answered there, 5 % timed out, 3 % rejected at the door, 3 % failed. Seeded: the
 * same seed gives the same calls.
 */
final class CallMix {
  static final List<String> QUEUES = List.of(
      "sales", "support", "billing", "orders", "returns", "technical", "premium", "partners", "spanish", "callback");
  private static final int[] QUEUE_WEIGHTS = {25, 20, 12, 10, 8, 8, 6, 5, 4, 2};
  static final int[] SERVICE_LEVEL_SECONDS = {20, 30, 30, 60, 60, 30, 15, 60, 30, 120};
  static final int MAX_WAIT_SECONDS = 300;

  /** The row of {@code call_records} for a call once it has ended and wrapped up. */
  record Row(String queueId, String agentId, String caller, String dialed, Disposition disposition, String endReason,
      long enqueuedAt, Long answeredAt, long endedAt, long waitSeconds, long talkSeconds, String queues, Long offeredAt,
      int offers, Long ringSeconds, Long wrapUpSeconds) {}

  record Call(String callId, List<CallEntity.Event> events, Row row) {}

  private final Random rnd;
  private final int agents;

  CallMix(long seed, int agents) {
    this.rnd = new Random(seed);
    this.agents = agents;
  }

  static String agentId(int n) {
    return String.format("agent-%03d", n);
  }

  Call next(long enteredAt) {
    String callId = new UUID(rnd.nextLong(), rnd.nextLong()).toString();
    int q = queue();
    String caller = String.format("+1555%07d", rnd.nextInt(10_000_000));
    Script s = new Script(QUEUES.get(q), caller, enteredAt);
    s.add(new CallEntity.CallStarted(caller, QUEUES.get(q), QUEUES.get(q), 0, List.of(), null, at(enteredAt)));
    int outcome = rnd.nextInt(100);
    if (outcome < 3) {
      s.end(Disposition.REJECTED, "queue " + QUEUES.get(q) + " is full", enteredAt);
      return s.call(callId);
    }
    s.add(new CallEntity.CallAdmitted(QUEUES.get(q), SERVICE_LEVEL_SECONDS[q], at(enteredAt)));
    if (outcome < 75) {
      s.answer(enteredAt + rnd.nextInt(120_001));
    } else if (outcome < 87) {
      boolean shortOne = rnd.nextInt(3) == 0;
      long gone = enteredAt + (shortOne ? 500 + rnd.nextInt(4_500) : 5_000 + rnd.nextInt(295_000));
      if (!shortOne && rnd.nextInt(4) == 0) s.offer(gone - 1_000 - rnd.nextInt(4_000));
      s.end(Disposition.ABANDONED, "caller hung up", gone);
    } else if (outcome < 92) {
      int to = (q + 1 + rnd.nextInt(QUEUES.size() - 1)) % QUEUES.size();
      long moved = enteredAt + 60_000 + rnd.nextInt(120_001);
      s.add(new CallEntity.CallMoved(QUEUES.get(q), QUEUES.get(to), "waited too long", at(moved)));
      s.add(new CallEntity.CallAdmitted(QUEUES.get(to), SERVICE_LEVEL_SECONDS[to], at(moved)));
      s.moved(QUEUES.get(to));
      s.answer(moved + rnd.nextInt(120_001));
    } else if (outcome < 97) {
      s.end(Disposition.TIMED_OUT, "waited " + MAX_WAIT_SECONDS + " s", enteredAt + MAX_WAIT_SECONDS * 1000L);
    } else {
      s.end(Disposition.FAILED, "caller leg lost", enteredAt + 1_000 + rnd.nextInt(59_000));
    }
    return s.call(callId);
  }

  private int queue() {
    int r = rnd.nextInt(100);
    for (int q = 0; q < QUEUE_WEIGHTS.length; q++) {
      r -= QUEUE_WEIGHTS[q];
      if (r < 0) return q;
    }
    return 0;
  }

  private static Instant at(long millis) {
    return Instant.ofEpochMilli(millis);
  }

  /** The events of one call and its record, written in the order the entity would persist them. */
  private final class Script {
    final List<CallEntity.Event> events = new ArrayList<>(8);
    final String caller;
    final long enteredAt;
    String queueId;
    String queues;
    String agentId;
    Long offeredAt;
    int offers;
    Long answeredAt;
    Long ringSeconds;
    Long wrapUpSeconds;
    long talkSeconds;
    Disposition disposition;
    String endReason;
    long endedAt;

    Script(String queueId, String caller, long enteredAt) {
      this.queueId = queueId;
      this.queues = queueId;
      this.caller = caller;
      this.enteredAt = enteredAt;
    }

    void add(CallEntity.Event event) {
      events.add(event);
    }

    void moved(String to) {
      queueId = to;
      queues = queues + "," + to;
    }

    void offer(long at) {
      agentId = agentId(rnd.nextInt(agents));
      offeredAt = offeredAt == null ? at : offeredAt;
      offers++;
      add(new CallEntity.CallOffered(List.of(agentId), 30, CallMix.at(at)));
    }

    /** Rings 1-8 s (no longer than the wait), talks 30-600 s, wraps up 0-60 s. */
    void answer(long at) {
      long ring = Math.min(at - enteredAt, 1_000 + rnd.nextInt(7_001));
      offer(at - ring);
      answeredAt = at;
      ringSeconds = ring / 1000;
      add(new CallEntity.CallConnected(agentId, CallMix.at(at)));
      long end = at + 30_000 + rnd.nextInt(570_001);
      talkSeconds = (end - at) / 1000;
      end(Disposition.COMPLETED, rnd.nextBoolean() ? "caller hung up" : "agent hung up", end);
      int wrap = rnd.nextInt(61);
      wrapUpSeconds = (long) wrap;
      add(new CallEntity.CallWrappedUp(agentId, wrap, CallMix.at(end + wrap * 1000L)));
    }

    void end(Disposition how, String reason, long at) {
      disposition = how;
      endReason = reason;
      endedAt = at;
      long waitSeconds = ((answeredAt == null ? at : answeredAt) - enteredAt) / 1000;
      add(new CallEntity.CallEnded(how, reason, CallMix.at(at), waitSeconds, talkSeconds, CallMedia.NONE));
    }

    Call call(String callId) {
      long waitSeconds = ((answeredAt == null ? endedAt : answeredAt) - enteredAt) / 1000;
      return new Call(callId, events, new Row(queueId, answeredAt == null ? null : agentId, caller, queues.split(",")[0],
          disposition, endReason, enteredAt, answeredAt, endedAt, waitSeconds, talkSeconds, queues, offeredAt, offers,
          ringSeconds, wrapUpSeconds));
    }
  }
}
