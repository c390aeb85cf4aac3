package io.callengine.core.readside;

import io.callengine.core.Tags;
import io.callengine.core.agent.AgentEntity;
import io.callengine.core.agent.Presence;
import io.callengine.core.persistence.PlainJdbcSession;
import io.callengine.core.persistence.ReadSide;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.stream.IntStream;
import javax.sql.DataSource;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.jdbc.javadsl.JdbcHandler;

/**
 * Keeps the agent tables in step with the AgentEntity's events, one projection per
 * {@code agents-N} tag: {@code agents} and {@code agent_skills} through {@link AgentRows}, the
 * history through {@link AgentLogs}. {@code updated_at} is when the event was written.
 */
public final class AgentProjection extends JdbcHandler<EventEnvelope<AgentEntity.Event>, PlainJdbcSession> {

  public static void init(ActorSystem<?> system, DataSource dataSource) {
    ReadSide.run(system, dataSource, "agents",
        IntStream.range(0, Tags.AGENT_SLICES).mapToObj(slice -> "agents-" + slice).toList(), slice -> new AgentProjection());
  }

  @Override
  public void process(PlainJdbcSession session, EventEnvelope<AgentEntity.Event> envelope) throws Exception {
    String agentId = ReadSide.entityId(envelope.persistenceId());
    session.withConnection(c -> {
      write(c, agentId, envelope.event(), envelope.timestamp());
      return null;
    });
  }

  private static void write(Connection c, String id, AgentEntity.Event event, long written) throws SQLException {
    if (event instanceof AgentEntity.AgentCreated e) {
      AgentRows.create(c, id, e.profile(), written);
    } else if (event instanceof AgentEntity.AgentUpdated e) {
      AgentRows.update(c, id, e.profile(), written);
    } else if (event instanceof AgentEntity.AgentDeleted e) {
      AgentLogs.endPresence(c, id, e.at());
      AgentLogs.endWrapUp(c, id, e.at());
      AgentRows.delete(c, id);
    } else if (event instanceof AgentEntity.PresenceChanged e) {
      presence(c, id, e.presence(), e.reason(), e.at(), written);
    } else if (event instanceof AgentEntity.PresenceRequested e) {
      AgentRows.pending(c, id, e.presence(), e.reason(), written);
    } else if (event instanceof AgentEntity.Registered) {
      AgentRows.registered(c, id, true, written);
    } else if (event instanceof AgentEntity.Unregistered) {
      AgentRows.registered(c, id, false, written);
    } else if (event instanceof AgentEntity.CallReleased e && e.noAnswer()) {
      AgentLogs.noAnswer(c, id, e.callId(), e.at());
    } else if (event instanceof AgentEntity.CallFinished e) {
      AgentLogs.callFinished(c, id, e.callId(), e.at(), e.talkSeconds(), e.wrapUpUntil() != null);
    } else if (event instanceof AgentEntity.WrapUpEnded e) {
      AgentLogs.endWrapUp(c, id, e.at());
    }
  }

  private static void presence(Connection c, String id, Presence presence, String reason, Instant at, long written)
      throws SQLException {
    AgentRows.presence(c, id, presence, reason, written);
    AgentLogs.presence(c, id, presence, reason, at);
  }
}
