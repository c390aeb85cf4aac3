package io.callengine.core.statistics;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
 * How blind transfers count: two calls answered by ann in {@code front} (threshold 20 s) and
 * handed to {@code back} (30 s) at 60 s of talk. t1 is answered there by bob after 10 s and talks
 * 60 s; t2's caller hangs up after 10 s in {@code back} (the call ends COMPLETED, as the entity ends it).
 */
@ParameterizedClass(name = "{0}")
@EnumSource(TestDatabase.Kind.class)
class TransferStatisticsTest {
  private static final Instant TEN = Instant.parse("2026-01-05T10:00:00Z");

  @Parameter
  TestDatabase.Kind kind;

  private TestDatabase db;
  private Database database;
  private PerformanceQuery query;

  @BeforeEach
  void setUp() throws Exception {
    db = TestDatabase.create(kind);
    database = db.openWithSchema();
    query = new PerformanceQuery(database.dataSource(), Runnable::run, Clock.fixed(TEN.plus(Duration.ofHours(1)), ZoneOffset.UTC), 5);
    handedOver("t1", 0);
    write("t1", new CallEntity.CallConnected("bob", at(80), "ann"));
    write("t1", new CallEntity.CallEnded(Disposition.COMPLETED, "customer hung up", at(140), 80, 60, CallMedia.NONE));
    write("t1", new CallEntity.CallWrappedUp("bob", 0, at(141)));
    handedOver("t2", 200);
    write("t2", new CallEntity.CallEnded(Disposition.COMPLETED, "customer hung up", at(275), 275, 0, CallMedia.NONE));
  }

  @AfterEach
  void tearDown() throws Exception {
    if (database != null) database.close();
    if (db != null) db.close();
  }

  /** Enters front at {@code enter}, answered by ann after 10 s, handed to back 60 s later (keeping its place). */
  private void handedOver(String callId, long enter) throws Exception {
    write(callId, new CallEntity.CallStarted("+1555", "front", "front", 0, List.of(), null, at(enter)));
    write(callId, new CallEntity.CallAdmitted("front", 20, at(enter)));
    write(callId, new CallEntity.CallConnected("ann", at(enter + 10), null));
    write(callId, new CallEntity.CallTransferred("ann", "back", null, null, at(enter), 0, 0, at(enter + 70)));
    write(callId, new CallEntity.CallAdmitted("back", 30, at(enter + 70)));
  }

  @Test
  void theTransferringQueueCountsBothCallsAnsweredWithTheirTalkUpToTheTransfer() throws Exception {
    Figures front = metrics("front");
    assertEquals(2, front.offered());
    assertEquals(2, front.answered());
    assertEquals(0, front.abandoned());
    assertEquals(10.0, front.averageSpeedOfAnswerSeconds());
    assertEquals(60.0, front.averageTalkSeconds());
  }

  @Test
  void theTargetQueueIsOfferedBothAndAnswersOneAndNobodyAbandons() throws Exception {
    Figures back = metrics("back");
    assertEquals(2, back.offered());
    assertEquals(1, back.answered());
    assertEquals(0, back.abandoned(), "a caller served once who hangs up while transferred is no abandon");
    assertEquals(10.0, back.averageSpeedOfAnswerSeconds());
  }

  @Test
  void overallEachTransferredCallCountsOnceAnswered() throws Exception {
    Figures all = metrics(null);
    assertEquals(2, all.offered());
    assertEquals(2, all.answered());
    assertEquals(0, all.abandoned());
    assertEquals(10.0, all.averageSpeedOfAnswerSeconds(), "the wait before the first answer");
  }

  private void write(String callId, CallEntity.Event event) throws Exception {
    try (Connection c = database.dataSource().getConnection()) {
      new StatisticsWriter(5_000).apply(c, Math.floorMod(callId.hashCode(), 4), callId, event);
      c.commit();
    }
  }

  private Figures metrics(String queueId) throws Exception {
    return query.metrics(TEN, at(1800), queueId, null).toCompletableFuture().get().figures();
  }

  private static Instant at(long secondsAfterTen) {
    return TEN.plusSeconds(secondsAfterTen);
  }
}
