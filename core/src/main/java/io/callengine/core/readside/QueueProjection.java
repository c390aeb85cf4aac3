package io.callengine.core.readside;

import io.callengine.core.Tags;
import io.callengine.core.persistence.PlainJdbcSession;
import io.callengine.core.persistence.ReadSide;
import io.callengine.core.persistence.Sql;
import io.callengine.core.queue.QueueConfig;
import io.callengine.core.queue.QueueEntity;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.jdbc.javadsl.JdbcHandler;

/**
 * Keeps {@code call_queues} in step with the queues' configuration events (tag {@code queues}):
 * a created or updated queue is written whole, a deleted one removed. The calls waiting are not
 * projected; the Router and the call records have them.
 */
public final class QueueProjection extends JdbcHandler<EventEnvelope<QueueEntity.Event>, PlainJdbcSession> {

  public static void init(ActorSystem<?> system, DataSource dataSource) {
    ReadSide.run(system, dataSource, "call-queues", List.of(Tags.QUEUES), slice -> new QueueProjection());
  }

  @Override
  public void process(PlainJdbcSession session, EventEnvelope<QueueEntity.Event> envelope) throws Exception {
    String queueId = ReadSide.entityId(envelope.persistenceId());
    session.withConnection(c -> {
      QueueEntity.Event event = envelope.event();
      if (event instanceof QueueEntity.QueueCreated e) write(c, queueId, e.config(), envelope.timestamp());
      else if (event instanceof QueueEntity.QueueUpdated e) write(c, queueId, e.config(), envelope.timestamp());
      else if (event instanceof QueueEntity.QueueDeleted) Sql.update(c, "DELETE FROM call_queues WHERE id = ?", queueId);
      return null;
    });
  }

  private static void write(Connection c, String queueId, QueueConfig q, long written) throws SQLException {
    Sql.update(c, "DELETE FROM call_queues WHERE id = ?", queueId);
    Sql.update(c, "INSERT INTO call_queues (id, name, sip_address, priority, strategy, max_size, max_wait_seconds, "
            + "overflow_queue_id, wrap_up_seconds, ring_timeout_seconds, service_level_seconds, required_skills, full_status, "
            + "no_agent_action, no_agent_delay_seconds, exit_key, announce_every_seconds, updated_at) "
            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        queueId, q.name(), q.sipAddress(), q.priority(), q.strategy(), q.maxSize(), q.maxWaitSeconds(), q.overflowQueueId(),
        q.wrapUpSeconds(), q.ringTimeoutSeconds(), q.serviceLevelSeconds(), skills(q.requiredSkills()), q.fullStatus(),
        q.noAgentAction(), q.noAgentDelaySeconds(), q.exitKey(), q.announceEverySeconds(), written);
  }

  /** {@code sales:3,french:2}: name and minimum level, in the configured order. */
  static String skills(List<QueueConfig.RequiredSkill> required) {
    return required == null ? "" : required.stream().map(r -> r.name() + ":" + r.minLevel()).collect(Collectors.joining(","));
  }
}
