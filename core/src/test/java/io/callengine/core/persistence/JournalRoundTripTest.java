package io.callengine.core.persistence;

import static io.callengine.core.testing.TestEngines.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import io.callengine.core.Tags;
import io.callengine.core.api.CallCenterEngine;
import io.callengine.core.policy.RoutingPolicies;
import io.callengine.core.policy.RoutingPolicy;
import io.callengine.core.policy.RoutingRule;
import io.callengine.core.testing.TestDatabase;
import io.callengine.core.testing.TestEngines;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.jdbc.query.dao.DefaultReadJournalDao;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * An event-sourced entity (the routing policies) through pekko-persistence-jdbc and the engine's
 * schema, on H2 and PostgreSQL: its events, tags and snapshot are written and the events read
 * back by tag (on H2 by a query that reads the journal in order, see {@link H2ReadJournalDao}), and a fresh actor system on the same database recovers the same state from the
 * snapshot and the events after it and goes on persisting where the first one stopped.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(TestDatabase.Kind.class)
class JournalRoundTripTest {
  private static final String PID = "RoutingPolicies";
  private static final Duration WAIT = Duration.ofSeconds(20);

  @Parameter
  TestDatabase.Kind kind;

  private TestDatabase db;
  private Config config;
  private ActorTestKit kit;

  @BeforeEach
  void database() throws Exception {
    db = TestDatabase.create(kind);
    db.openWithSchema().close();
    config = CallCenterEngine.resolve(db.config().withFallback(TestEngines.config("")));
  }

  @AfterEach
  void stop() throws Exception {
    if (kit != null) kit.shutdownTestKit();
    if (db != null) db.close();
  }

  @Test
  void aFreshActorSystemRecoversFromTheSnapshotAndTheEventsAfterIt() throws Exception {
    kit = ActorTestKit.create("callengine", config);
    ActorRef<RoutingPolicies.Command> policies = kit.spawn(RoutingPolicies.create());
    // 120 saves and 10 deletes: the entity snapshots every 100 events, so 30 events follow the snapshot.
    for (int i = 0; i < 120; i++) save(policies, policy(i));
    for (int i = 0; i < 10; i++) delete(policies, "p-" + i);
    RoutingPolicies.Listing before = list(policies);
    assertEquals(110, before.policies().size());
    eventually(WAIT, "the snapshot at event 100 stored", () -> rows("SELECT sequence_number FROM snapshot WHERE persistence_id = '" + PID + "'")
        .equals(List.of("100")));
    assertEquals(List.of("130|130|130"), rows("SELECT COUNT(*), MAX(j.sequence_number), COUNT(t.tag) FROM event_journal j "
        + "LEFT JOIN event_tag t ON t.event_id = j.ordering AND t.tag = '" + Tags.ROUTING_POLICIES + "' WHERE j.persistence_id = '" + PID + "'"),
        "every event in the journal, each with its tag");
    JdbcReadJournal journal = PersistenceQuery.get(kit.system()).getReadJournalFor(JdbcReadJournal.class, JdbcReadJournal.Identifier());
    List<Long> tagged = journal.currentEventsByTag(Tags.ROUTING_POLICIES, Offset.noOffset()).map(EventEnvelope::sequenceNr)
        .runWith(Sink.seq(), kit.system()).toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertEquals(LongStream.rangeClosed(1, 130).boxed().toList(), tagged, "the events by tag (what the projections read), in order");
    var dao = PersistenceQuery.get(kit.system())
        .<org.apache.pekko.persistence.jdbc.query.scaladsl.JdbcReadJournal>readJournalFor(JdbcReadJournal.Identifier()).readJournalDao();
    if (kind == TestDatabase.Kind.H2) {
      assertEquals(H2ReadJournalDao.class, dao.getClass());
      String plan = String.join("\n", rows("EXPLAIN " + H2ReadJournalDao.EVENTS_BY_TAG.replaceFirst("\\?", "'" + Tags.ROUTING_POLICIES + "'")
          .replaceFirst("\\?", "100").replaceFirst("\\?", "130").replaceFirst("\\?", "500")));
      assertTrue(plan.contains("ordering > ") && plan.contains("index sorted") && !plan.contains("tableScan"),
          "each poll reads the journal from its offset on, in order, not the whole tag table:\n" + plan);
    } else {
      assertEquals(DefaultReadJournalDao.class, dao.getClass());
    }
    kit.shutdownTestKit();

    // Without the events the snapshot covers, only the snapshot can bring those policies back.
    try (Connection c = db.connect(); Statement s = c.createStatement()) {
      assertEquals(100, s.executeUpdate("DELETE FROM event_journal WHERE persistence_id = '" + PID + "' AND sequence_number <= 100"));
    }
    kit = ActorTestKit.create("callengine", config);
    policies = kit.spawn(RoutingPolicies.create());
    assertEquals(before, list(policies), "the same policies, in the same order");

    save(policies, policy(200));
    assertEquals(List.of("131"), rows("SELECT MAX(sequence_number) FROM event_journal WHERE persistence_id = '" + PID + "'"),
        "the recovered entity goes on after the last event");
  }

  private static RoutingPolicy policy(int i) {
    return new RoutingPolicy("p-" + i, "Policy " + i, i % 7, List.of(new RoutingRule("d-" + i, null, List.of(), null, "q-" + i, i % 10, List.of())),
        i % 2 == 0 ? "Europe/Paris" : null);
  }

  private void save(ActorRef<RoutingPolicies.Command> policies, RoutingPolicy policy) throws Exception {
    assertEquals(policy, AskPattern.<RoutingPolicies.Command, RoutingPolicy>askWithStatus(policies,
        r -> new RoutingPolicies.Create(policy, r), WAIT, kit.scheduler()).toCompletableFuture().get(10, TimeUnit.SECONDS));
  }

  private void delete(ActorRef<RoutingPolicies.Command> policies, String id) throws Exception {
    AskPattern.<RoutingPolicies.Command, Done>askWithStatus(policies, r -> new RoutingPolicies.Delete(id, r), WAIT, kit.scheduler())
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private RoutingPolicies.Listing list(ActorRef<RoutingPolicies.Command> policies) throws Exception {
    return AskPattern.<RoutingPolicies.Command, RoutingPolicies.Listing>ask(policies, RoutingPolicies.ListAll::new, WAIT, kit.scheduler())
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private List<String> rows(String sql) throws Exception {
    try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      List<String> rows = new ArrayList<>();
      while (rs.next()) {
        List<String> cells = new ArrayList<>();
        for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) cells.add(String.valueOf(rs.getObject(i)));
        rows.add(String.join("|", cells));
      }
      return rows;
    }
  }
}
