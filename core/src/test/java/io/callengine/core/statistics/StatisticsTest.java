package io.callengine.core.statistics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.callengine.core.EngineException;
import io.callengine.core.call.CallEntity;
import io.callengine.core.call.CallMedia;
import io.callengine.core.call.Disposition;
import io.callengine.core.persistence.Database;
import io.callengine.core.testing.TestDatabase;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The statistics tables and the metrics query on a real database (H2 and PostgreSQL, a fresh one
 * per test), fed call events written by hand: seven calls in half an hour whose every figure is
 * worked out below.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(TestDatabase.Kind.class)
class StatisticsTest {
  private static final Instant NINE = Instant.parse("2026-01-05T09:00:00Z");
  private static final long SHORT_ABANDON_MS = 5_000;

  @Parameter
  TestDatabase.Kind kind;

  private TestDatabase db;
  private Database database;
  private PerformanceQuery query;

  @BeforeEach
  void setUp() throws Exception {
    db = TestDatabase.create(kind);
    database = db.openWithSchema();
    query = new PerformanceQuery(database.dataSource(), Runnable::run,
        Clock.fixed(NINE.plus(Duration.ofHours(1)), ZoneOffset.UTC), 5);
    scriptedHalfHour();
  }

  @AfterEach
  void tearDown() throws Exception {
    if (database != null) database.close();
    if (db != null) db.close();
  }

  /**
   * sales (threshold 20 s) and overflow (30 s), from 09:00:
   * c1 answered after 10 s, talks 120 s, wraps up 30 s; c2 answered after 30 s, 120 s, 30 s;
   * c3 hangs up after 3 s (a short abandon); c4 hangs up after 40 s; c5 waits 60 s in sales,
   * overflows, is answered after 20 s more, talks 60 s, no wrap-up; c6 times out after 60 s
   * (09:20, the second interval); c7 is refused at the door (09:25).
   */
  private void scriptedHalfHour() throws Exception {
    answered("c1", 0, 10, 130, 30);
    answered("c2", 60, 90, 210, 30);
    abandoned("c3", 120, 123);
    abandoned("c4", 300, 340);
    write("c5", new CallEntity.CallStarted("+1555", "sales", "sales", 0, List.of(), null, at(600)));
    write("c5", new CallEntity.CallAdmitted("sales", 20, at(600)));
    write("c5", new CallEntity.CallMoved("sales", "overflow", "waited 60 s", at(660)));
    write("c5", new CallEntity.CallAdmitted("overflow", 30, at(660)));
    write("c5", new CallEntity.CallConnected("bob", at(680), null));
    write("c5", new CallEntity.CallEnded(Disposition.COMPLETED, "agent hung up", at(740), 80, 60, CallMedia.NONE));
    write("c5", new CallEntity.CallWrappedUp("bob", 0, at(741)));
    write("c6", new CallEntity.CallStarted("+1555", "sales", "sales", 0, List.of(), null, at(1200)));
    write("c6", new CallEntity.CallAdmitted("sales", 20, at(1200)));
    write("c6", new CallEntity.CallEnded(Disposition.TIMED_OUT, "waited 60 s", at(1260), 60, 0, CallMedia.NONE));
    write("c7", new CallEntity.CallStarted("+1555", "sales", "sales", 0, List.of(), null, at(1500)));
    write("c7", new CallEntity.CallEnded(Disposition.REJECTED, "queue sales is full", at(1500), 0, 0, CallMedia.NONE));
  }

  @Test
  void everyFigureOfTheQueueOverTheHalfHour() throws Exception {
    Figures sales = metrics(NINE, at(1800), "sales", null).figures();
    assertEquals(7, sales.offered());
    assertEquals(2, sales.answered());
    assertEquals(2, sales.abandoned());
    assertEquals(1, sales.shortAbandoned());
    assertEquals(1, sales.overflowed());
    assertEquals(1, sales.timedOut());
    assertEquals(1, sales.rejected());
    assertEquals(0, sales.failed());
    assertEquals(33.33, sales.serviceLevelPercentage()); // c1 / (c1 + c2 + c4): c3 left within the threshold
    assertEquals(50.0, sales.serviceLevelAsteriskPercentage()); // c1 / (c1 + c2)
    assertEquals(50.0, sales.serviceLevelAsterisk2Percentage()); // (c1 + c3) / (c1 + c2 + c3 + c4)
    assertEquals(20.0, sales.averageSpeedOfAnswerSeconds()); // (10 + 30) / 2
    assertEquals(120.0, sales.averageTalkSeconds());
    assertEquals(30.0, sales.averageWrapUpSeconds());
    assertEquals(150.0, sales.averageHandleTimeSeconds());
    assertEquals(16.67, sales.abandonRate()); // (2 - 1) / (7 - 1)
    assertEquals(60.0, sales.longestWaitSeconds()); // c5 in sales, c6
    assertNull(sales.occupancy());
  }

  /**
   * In queue cbq from 09:00: k1 hears the offer, takes it, and answers the callback at 100 s; k2
   * hears it and hangs up after 30 s; k3 takes it and answers none of its attempts (ended at 400 s).
   */
  @Test
  void callbacksAreCountedAndAnsweredWhenTheirCustomerAnswers() throws Exception {
    for (String call : List.of("k1", "k2", "k3")) {
      write(call, new CallEntity.CallStarted("+1555", "cbq", "cbq", 0, List.of(), null, at(0)));
      write(call, new CallEntity.CallAdmitted("cbq", 20, at(0)));
      write(call, new CallEntity.CallbackOffered(at(5)));
    }
    write("k1", new CallEntity.CallbackRequested("sip:+1555@example.com", 3, 60, at(10)));
    write("k1", new CallEntity.CallConnected("alice", at(100), null));
    write("k1", new CallEntity.CallEnded(Disposition.COMPLETED, "customer hung up", at(200), 100, 100, CallMedia.NONE));
    write("k2", new CallEntity.CallEnded(Disposition.ABANDONED, "customer hung up", at(30), 30, 0, CallMedia.NONE));
    write("k3", new CallEntity.CallbackRequested("sip:+1555@example.com", 3, 60, at(10)));
    write("k3", new CallEntity.CallEnded(Disposition.CALLBACK_FAILED, "callback-failed: busy", at(400), 400, 0, CallMedia.NONE));
    Figures cbq = metrics(NINE, at(1800), "cbq", null).figures();
    assertEquals(3, cbq.callbacksOffered());
    assertEquals(2, cbq.callbacksAccepted());
    assertEquals(1, cbq.callbacksCompleted());
    assertEquals(1, cbq.callbacksFailed());
    assertEquals(100.0, cbq.averageCallbackWaitSeconds(), "entry to the customer's answer of the callback");
    assertEquals(1, cbq.answered(), "the completed callback is an answered call");
    assertEquals(100.0, cbq.averageSpeedOfAnswerSeconds());
    assertEquals(0.0, cbq.serviceLevelAsteriskPercentage(), "answered after 100 s, beyond the 20 s threshold");
    assertEquals(1, cbq.failed(), "a failed callback is a failed call");
  }

  @Test
  void theOverflowQueueCountsOnlyItsOwnPartOfTheCall() throws Exception {
    Figures overflow = metrics(NINE, at(1800), "overflow", null).figures();
    assertEquals(1, overflow.offered());
    assertEquals(1, overflow.answered());
    assertEquals(20.0, overflow.averageSpeedOfAnswerSeconds());
    assertEquals(100.0, overflow.serviceLevelPercentage());
    assertEquals(60.0, overflow.averageHandleTimeSeconds()); // 60 s talk, no wrap-up
  }

  @Test
  void overallEachCallCountsOnceWithItsWholeWait() throws Exception {
    PerformanceMetrics all = metrics(NINE, at(1800), null, null);
    Figures f = all.figures();
    assertEquals(7, f.offered());
    assertEquals(3, f.answered());
    assertEquals(1, f.overflowed());
    assertEquals(40.0, f.averageSpeedOfAnswerSeconds()); // (10 + 30 + 80) / 3
    assertEquals(25.0, f.serviceLevelPercentage()); // c1 / (3 answered + c4)
    assertEquals(120.0, f.averageHandleTimeSeconds()); // 100 s talk + 20 s wrap-up on average
    assertEquals(List.of("overflow", "sales"), all.queues().stream().map(PerformanceMetrics.QueueFigures::queueId).toList());
  }

  @Test
  void raggedRangesAreExactAndIntervalsSplitTheCalls() throws Exception {
    // 09:04-09:30: 09:15-09:30 from the interval table (c6, c7), 09:04-09:15 from the visits (c4, c5).
    Figures part = metrics(at(240), at(1800), "sales", null).figures();
    assertEquals(4, part.offered());
    assertEquals(1, part.abandoned());
    assertEquals(1, part.overflowed());
    assertEquals(60.0, part.longestWaitSeconds());
    // Inside one interval only, all from the visits: c2 and c3.
    assertEquals(2, metrics(at(30), at(150), "sales", null).figures().offered());

    List<PerformanceMetrics.IntervalFigures> quarters = metrics(NINE, at(1800), "sales", Duration.ofMinutes(15)).intervals();
    assertEquals(2, quarters.size());
    assertEquals(5, quarters.get(0).figures().offered());
    assertEquals(2, quarters.get(1).figures().offered());
    assertEquals(at(900), quarters.get(1).start());
  }

  @Test
  void anEventHeardTwiceChangesNothing() throws Exception {
    Figures before = metrics(NINE, at(1800), null, null).figures();
    write("c1", new CallEntity.CallWrappedUp("ann", 30, at(161)));
    write("c1", new CallEntity.CallEnded(Disposition.COMPLETED, "again", at(140), 10, 130, CallMedia.NONE));
    assertEquals(before, metrics(NINE, at(1800), null, null).figures());
  }

  @Test
  void badRangesAreRefused() {
    assertThrows(EngineException.class, () -> query.metrics(at(60), at(60), null, null));
    assertThrows(EngineException.class, () -> query.metrics(null, at(60), null, null));
    assertThrows(EngineException.class, () -> query.metrics(NINE, at(1800), null, Duration.ofMinutes(10)));
    assertThrows(EngineException.class, () -> query.metrics(NINE, NINE.plus(Duration.ofDays(200)), null, Duration.ofMinutes(15)));
  }

  /**
   * In queue care: h1 is held 10 s, then 20 s; h2 ends 6 s into its hold; h3 is never held. The
   * average hold time is over the two calls that were held: (30 + 6) / 2.
   */
  @Test
  void theAverageHoldTimeIsOverTheCallsThatWereHeld() throws Exception {
    for (String call : List.of("h1", "h2", "h3")) {
      write(call, new CallEntity.CallStarted("+1555", "care", "care", 0, List.of(), null, at(0)));
      write(call, new CallEntity.CallConnected("ann", at(10), null));
    }
    write("h1", new CallEntity.CallHeld("ann", true, at(20)));
    write("h1", new CallEntity.CallResumed("ann", true, 10_000, 10_000, at(30)));
    write("h1", new CallEntity.CallHeld("ann", false, at(40)));
    write("h1", new CallEntity.CallResumed("ann", false, 20_000, 30_000, at(60)));
    write("h1", new CallEntity.CallEnded(Disposition.COMPLETED, "customer hung up", at(70), 10, 60, CallMedia.NONE));
    write("h2", new CallEntity.CallHeld("ann", false, at(20)));
    write("h2", new CallEntity.CallResumed("ann", false, 6_000, 6_000, at(26)));
    write("h2", new CallEntity.CallEnded(Disposition.COMPLETED, "customer hung up", at(26), 10, 16, CallMedia.NONE));
    write("h3", new CallEntity.CallEnded(Disposition.COMPLETED, "customer hung up", at(50), 10, 40, CallMedia.NONE));
    Figures care = metrics(NINE, at(1800), "care", null).figures();
    assertEquals(2, care.held());
    assertEquals(18.0, care.averageHoldSeconds());
    Figures all = metrics(NINE, at(1800), null, null).figures();
    assertEquals(2, all.held(), "overall too: the sales calls were never held");
    assertEquals(18.0, all.averageHoldSeconds());
    assertNull(metrics(NINE, at(1800), "sales", null).figures().averageHoldSeconds(), "no call held: null");
  }

  private void answered(String callId, long enter, long answer, long end, int wrapUp) throws Exception {
    write(callId, new CallEntity.CallStarted("+1555", "sales", "sales", 0, List.of(), null, at(enter)));
    write(callId, new CallEntity.CallAdmitted("sales", 20, at(enter)));
    write(callId, new CallEntity.CallOffered(List.of("ann"), 30, at(answer - 2)));
    write(callId, new CallEntity.CallConnected("ann", at(answer), null));
    write(callId, new CallEntity.CallEnded(Disposition.COMPLETED, "customer hung up", at(end), answer - enter, end - answer,
        CallMedia.NONE));
    write(callId, new CallEntity.CallWrappedUp("ann", wrapUp, at(end + 1)));
  }

  private void abandoned(String callId, long enter, long end) throws Exception {
    write(callId, new CallEntity.CallStarted("+1555", "sales", "sales", 0, List.of(), null, at(enter)));
    write(callId, new CallEntity.CallAdmitted("sales", 20, at(enter)));
    write(callId, new CallEntity.CallEnded(Disposition.ABANDONED, "customer hung up", at(end), end - enter, 0, CallMedia.NONE));
  }

  private void write(String callId, CallEntity.Event event) throws Exception {
    try (Connection c = database.dataSource().getConnection()) {
      new StatisticsWriter(SHORT_ABANDON_MS).apply(c, Math.floorMod(callId.hashCode(), 4), callId, event);
      c.commit();
    }
  }

  private PerformanceMetrics metrics(Instant from, Instant to, String queueId, Duration interval) throws Exception {
    return query.metrics(from, to, queueId, interval).toCompletableFuture().get();
  }

  private static Instant at(long secondsAfterNine) {
    return NINE.plusSeconds(secondsAfterNine);
  }
}
