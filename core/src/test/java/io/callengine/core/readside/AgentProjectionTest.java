package io.callengine.core.readside;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.callengine.core.agent.AgentEntity;
import io.callengine.core.agent.AgentProfile;
import io.callengine.core.agent.Presence;
import io.callengine.core.agent.SipCredentials;
import io.callengine.core.agent.Skill;
import io.callengine.core.persistence.Database;
import io.callengine.core.persistence.PlainJdbcSession;
import io.callengine.core.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The agent projection's handler on its own, event by event against the schema (H2 and
 * PostgreSQL, a fresh database per test): the cases the engine test does not reach (two calls in
 * wrap-up at once, a log-off waiting for the wrap-up, deletion and re-creation, the automatic
 * no-answer break).
 */
@ParameterizedClass(name = "{0}")
@EnumSource(TestDatabase.Kind.class)
class AgentProjectionTest {
  private static final AgentProfile PROFILE = new AgentProfile("ann", "sip:ann@example.com", "ann", "Ann",
      List.of(new Skill("sales", 2), new Skill("sales", 4)), 2, null, null, List.of(), null);
  private static final SipCredentials CREDENTIALS = SipCredentials.derive("ann", "call-engine", "pw-ann");

  @Parameter
  TestDatabase.Kind kind;

  private TestDatabase db;
  private Database database;
  private long sequence;

  @BeforeEach
  void schema() throws Exception {
    db = TestDatabase.create(kind);
    database = db.openWithSchema();
  }

  @AfterEach
  void close() throws Exception {
    if (database != null) database.close();
    if (db != null) db.close();
  }

  @Test
  void overlappingWrapUpsHandOverAndAPendingLogOffWaitsForTheLast() throws Exception {
    feed(new AgentEntity.AgentCreated(PROFILE, CREDENTIALS),
        new AgentEntity.PresenceChanged(Presence.AVAILABLE, null, at(0)),
        new AgentEntity.Reserved("c1", at(10)), new AgentEntity.Reserved("c2", at(20)),
        new AgentEntity.CallFinished("c1", at(100), 90, at(130)),
        new AgentEntity.PresenceRequested(Presence.OFFLINE, null, at(110)),
        new AgentEntity.CallFinished("c2", at(120), 100, at(140)));
    assertEquals(List.of("AVAILABLE|null|0|null"), rows("SELECT presence, reason, started_at, ended_at FROM agent_presence_log"),
        "still in wrap-up: the log-off waits");
    assertEquals(List.of("AVAILABLE|OFFLINE"), rows("SELECT presence, pending_presence FROM agents"));

    // The entity applies the log-off the moment the last wrap-up ends, as a PresenceChanged of its own.
    feed(new AgentEntity.WrapUpEnded(at(141)), new AgentEntity.PresenceChanged(Presence.OFFLINE, null, at(141)));
    assertEquals(List.of("c1|100000|120000|20", "c2|120000|141000|21"),
        rows("SELECT call_id, wrap_up_started_at, wrap_up_ended_at, wrap_up_seconds FROM agent_call_log ORDER BY call_id"),
        "the second wrap-up takes over the first; together they cover the time in wrap-up");
    assertEquals(List.of("AVAILABLE|null|0|141000", "OFFLINE|null|141000|null"),
        rows("SELECT presence, reason, started_at, ended_at FROM agent_presence_log ORDER BY started_at"));
    assertEquals(List.of("OFFLINE|null"), rows("SELECT presence, pending_presence FROM agents"));
  }

  @Test
  void theSamePresenceAgainIsNoNewPeriodAndTheNoAnswerBreakIsOne() throws Exception {
    feed(new AgentEntity.AgentCreated(PROFILE, CREDENTIALS),
        new AgentEntity.Registered("sip:ann@127.0.0.1", at(3600), null),
        new AgentEntity.PresenceChanged(Presence.AVAILABLE, null, at(0)),
        new AgentEntity.PresenceChanged(Presence.AVAILABLE, null, at(5)),
        new AgentEntity.Reserved("c1", at(10)),
        new AgentEntity.CallReleased("c1", true, at(30)),
        new AgentEntity.PresenceChanged(Presence.BREAK, AgentEntity.NO_ANSWER_BREAK, at(30)));
    assertEquals(List.of("AVAILABLE|null|0|30000", "BREAK|no-answer|30000|null"),
        rows("SELECT presence, reason, started_at, ended_at FROM agent_presence_log ORDER BY started_at"));
    assertEquals(List.of("c1|30000"), rows("SELECT call_id, at FROM agent_no_answers"));
    assertEquals(List.of("BREAK|no-answer|true"), rows("SELECT presence, break_reason, registered FROM agents"));
    assertEquals(List.of("sales|4"), rows("SELECT skill, level FROM agent_skills"), "a skill named twice counts at its higher level");
  }

  @Test
  void aDeletedAgentLeavesItsHistoryClosedAndComesBackOffline() throws Exception {
    feed(new AgentEntity.AgentCreated(PROFILE, CREDENTIALS),
        new AgentEntity.PresenceChanged(Presence.AVAILABLE, null, at(0)),
        new AgentEntity.Reserved("c1", at(10)),
        new AgentEntity.CallFinished("c1", at(20), 10, at(50)),
        new AgentEntity.AgentDeleted(at(30)));
    assertEquals(List.of(), rows("SELECT id FROM agents"));
    assertEquals(List.of(), rows("SELECT skill FROM agent_skills"));
    assertEquals(List.of("AVAILABLE|0|30000"), rows("SELECT presence, started_at, ended_at FROM agent_presence_log"));
    assertEquals(List.of("c1|30000|10"), rows("SELECT call_id, wrap_up_ended_at, wrap_up_seconds FROM agent_call_log"));

    feed(new AgentEntity.AgentCreated(PROFILE, CREDENTIALS));
    assertEquals(List.of("ann|OFFLINE|false"), rows("SELECT id, presence, registered FROM agents"));
  }

  private void feed(AgentEntity.Event... events) throws Exception {
    for (AgentEntity.Event event : events) {
      sequence++;
      PlainJdbcSession session = new PlainJdbcSession(database.dataSource());
      try {
        new AgentProjection().process(session, EventEnvelope.create(Offset.sequence(sequence), "Agent|ann", sequence, event, sequence));
        session.commit();
      } finally {
        session.close();
      }
    }
  }

  private List<String> rows(String sql) throws Exception {
    try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      List<String> rows = new ArrayList<>();
      while (rs.next()) {
        List<String> cells = new ArrayList<>();
        for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) cells.add(String.valueOf(rs.getObject(i)));
        rows.add(String.join("|", cells));
      }
      c.rollback();
      return rows;
    }
  }

  private static Instant at(long seconds) {
    return Instant.ofEpochSecond(seconds);
  }
}
