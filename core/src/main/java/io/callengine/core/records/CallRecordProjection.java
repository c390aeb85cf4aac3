package io.callengine.core.records;

import io.callengine.core.Tags;
import io.callengine.core.call.CallEntity;
import io.callengine.core.call.CallMedia;
import io.callengine.core.persistence.PlainJdbcSession;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Types;
import java.time.Instant;
import java.util.Optional;
import javax.sql.DataSource;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.ShardedDaemonProcessSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ShardedDaemonProcess;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.projection.ProjectionBehavior;
import org.apache.pekko.projection.ProjectionId;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.eventsourced.javadsl.EventSourcedProvider;
import org.apache.pekko.projection.javadsl.ExactlyOnceProjection;
import org.apache.pekko.projection.javadsl.SourceProvider;
import org.apache.pekko.projection.jdbc.javadsl.JdbcHandler;
import org.apache.pekko.projection.jdbc.javadsl.JdbcProjection;

/**
 * Keeps {@code call_records} in step with the CallEntity's events: one exactly-once JDBC
 * projection per {@code calls-N} tag, run as a sharded daemon process so that each slice runs
 * on exactly one node.
 */
public final class CallRecordProjection extends JdbcHandler<EventEnvelope<CallEntity.Event>, PlainJdbcSession> {

  public static void init(ActorSystem<?> system, DataSource dataSource) {
    ShardedDaemonProcess.get(system).init(ProjectionBehavior.Command.class, "call-records", Tags.CALL_SLICES,
        slice -> ProjectionBehavior.create(projection(system, dataSource, "calls-" + slice)),
        ShardedDaemonProcessSettings.create(system), Optional.of(ProjectionBehavior.stopMessage()));
  }

  private static ExactlyOnceProjection<Offset, EventEnvelope<CallEntity.Event>> projection(
      ActorSystem<?> system, DataSource dataSource, String tag) {
    SourceProvider<Offset, EventEnvelope<CallEntity.Event>> source =
        EventSourcedProvider.eventsByTag(system, JdbcReadJournal.Identifier(), tag);
    return JdbcProjection.exactlyOnce(ProjectionId.of("call-records", tag), source,
        () -> new PlainJdbcSession(dataSource), CallRecordProjection::new, system);
  }

  @Override
  public void process(PlainJdbcSession session, EventEnvelope<CallEntity.Event> envelope) throws Exception {
    String callId = envelope.persistenceId().substring(envelope.persistenceId().indexOf('|') + 1);
    session.withConnection(connection -> {
      write(connection, callId, envelope.event());
      return null;
    });
  }

  private static void write(Connection c, String callId, CallEntity.Event event) throws Exception {
    if (event instanceof CallEntity.CallStarted e) {
      update(c, "INSERT INTO call_records (call_id, queue_id, caller, dialed, status, enqueued_at) VALUES (?, ?, ?, ?, ?, ?)",
          callId, e.queueId(), fit(e.caller(), 512), fit(e.dialed(), 512), e.queueId() == null ? "IVR" : "QUEUED", millis(e.at()));
    } else if (event instanceof CallEntity.CallRouted e) {
      update(c, "UPDATE call_records SET status = 'QUEUED', queue_id = ?, enqueued_at = ? WHERE call_id = ?",
          e.queueId(), millis(e.at()), callId);
    } else if (event instanceof CallEntity.CallMoved e) {
      update(c, "UPDATE call_records SET queue_id = ? WHERE call_id = ?", e.toQueueId(), callId);
    } else if (event instanceof CallEntity.CallOffered) {
      update(c, "UPDATE call_records SET status = 'OFFERING' WHERE call_id = ?", callId);
    } else if (event instanceof CallEntity.CallOfferFailed) {
      update(c, "UPDATE call_records SET status = 'QUEUED' WHERE call_id = ?", callId);
    } else if (event instanceof CallEntity.CallConnected e) {
      update(c, "UPDATE call_records SET status = 'CONNECTED', agent_id = ?, answered_at = ? WHERE call_id = ?",
          e.agentId(), millis(e.at()), callId);
    } else if (event instanceof CallEntity.CallEnded e) {
      CallMedia media = e.media() == null ? CallMedia.NONE : e.media();
      update(c, "UPDATE call_records SET status = 'ENDED', disposition = ?, end_reason = ?, ended_at = ?, "
              + "wait_seconds = ?, talk_seconds = ?, mos = ?, worst_mos = ?, loss_percent = ?, dtmf = ? WHERE call_id = ?",
          e.disposition().name(), fit(e.reason(), 512), millis(e.at()), e.waitSeconds(), e.talkSeconds(), media.averageMos(),
          media.samples() == 0 ? null : media.worstMos(), media.samples() == 0 ? null : media.worstLossPercent(),
          media.dtmf().isEmpty() ? null : fit(media.dtmf(), 128), callId);
    }
  }

  private static void update(Connection c, String sql, Object... values) throws Exception {
    try (PreparedStatement statement = c.prepareStatement(sql)) {
      for (int i = 0; i < values.length; i++) {
        if (values[i] == null) statement.setNull(i + 1, Types.VARCHAR);
        else statement.setObject(i + 1, values[i]);
      }
      statement.executeUpdate();
    }
  }

  /** Text from SIP headers or keypads can be longer than its column: keep the start. */
  private static String fit(String text, int max) {
    return text == null || text.length() <= max ? text : text.substring(0, max);
  }

  private static Long millis(Instant at) {
    return at == null ? null : at.toEpochMilli();
  }
}
