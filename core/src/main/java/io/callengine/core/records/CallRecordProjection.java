package io.callengine.core.records;

import io.callengine.core.Tags;
import io.callengine.core.call.CallEntity;
import io.callengine.core.call.CallMedia;
import io.callengine.core.persistence.PlainJdbcSession;
import io.callengine.core.persistence.ReadSide;
import io.callengine.core.persistence.Sql;
import io.callengine.core.statistics.StatisticsWriter;
import java.sql.Connection;
import java.time.Instant;
import java.util.stream.IntStream;
import javax.sql.DataSource;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.jdbc.javadsl.JdbcHandler;

/**
 * Keeps {@code call_records}, {@code call_offers} and the statistics tables ({@link StatisticsWriter})
 * in step with the CallEntity's events: one projection per {@code calls-N} tag (see {@link ReadSide}).
 */
public final class CallRecordProjection extends JdbcHandler<EventEnvelope<CallEntity.Event>, PlainJdbcSession> {

  public static void init(ActorSystem<?> system, DataSource dataSource) {
    StatisticsWriter statistics = new StatisticsWriter(
        system.settings().config().getInt("callengine.statistics.short-abandon-seconds") * 1000L);
    ReadSide.run(system, dataSource, "call-records",
        IntStream.range(0, Tags.CALL_SLICES).mapToObj(slice -> "calls-" + slice).toList(),
        slice -> new CallRecordProjection(slice, statistics));
  }

  private final int slice;
  private final StatisticsWriter statistics;

  private CallRecordProjection(int slice, StatisticsWriter statistics) {
    this.slice = slice;
    this.statistics = statistics;
  }

  /** The record, the offers and the statistics of one event, in the transaction that also stores the offset. */
  @Override
  public void process(PlainJdbcSession session, EventEnvelope<CallEntity.Event> envelope) throws Exception {
    String callId = ReadSide.entityId(envelope.persistenceId());
    session.withConnection(connection -> {
      write(connection, callId, envelope.event());
      statistics.apply(connection, slice, callId, envelope.event());
      return null;
    });
  }

  private static void write(Connection c, String callId, CallEntity.Event event) throws Exception {
    if (event instanceof CallEntity.CallStarted e) {
      Sql.update(c, "INSERT INTO call_records (call_id, queue_id, caller, dialed, status, enqueued_at, queues) VALUES (?, ?, ?, ?, ?, ?, ?)",
          callId, e.queueId(), fit(e.caller(), 512), fit(e.dialed(), 512), e.queueId() == null ? "IVR" : "QUEUED", e.at(),
          e.queueId());
    } else if (event instanceof CallEntity.CallRouted e) {
      Sql.update(c, "UPDATE call_records SET status = 'QUEUED', queue_id = ?, enqueued_at = ?, queues = ? WHERE call_id = ?",
          e.queueId(), e.at(), e.queueId(), callId);
    } else if (event instanceof CallEntity.CallMoved e) {
      Sql.update(c, "UPDATE call_records SET queue_id = ?, queues = CASE WHEN queues IS NULL THEN ? "
          + "WHEN LENGTH(queues) > 950 THEN queues ELSE queues || ',' || ? END WHERE call_id = ?", e.toQueueId(), e.toQueueId(),
          e.toQueueId(), callId);
    } else if (event instanceof CallEntity.CallOffered e) {
      Sql.update(c, "UPDATE call_records SET status = 'OFFERING', offered_at = COALESCE(offered_at, ?), offers = offers + ? "
          + "WHERE call_id = ?", e.at(), e.agentIds().size(), callId);
      for (String agentId : e.agentIds()) {
        Sql.update(c, "INSERT INTO call_offers (call_id, agent_id, offered_at) VALUES (?, ?, ?)", callId, agentId, e.at());
      }
    } else if (event instanceof CallEntity.CallOfferFailed e) {
      Sql.update(c, "UPDATE call_records SET status = 'QUEUED' WHERE call_id = ?", callId);
      endOffers(c, callId, e.agentId(), "FAILED", e.reason(), e.at());
    } else if (event instanceof CallEntity.CallConnected e) {
      Sql.update(c, "UPDATE call_records SET status = 'CONNECTED', agent_id = ?, answered_at = ?, ring_seconds = (? - "
              + "(SELECT MAX(offered_at) FROM call_offers WHERE call_id = ? AND agent_id = ?)) / 1000 WHERE call_id = ?",
          e.agentId(), e.at(), e.at(), callId, e.agentId(), callId);
      endOffers(c, callId, e.agentId(), "ANSWERED", null, e.at());
      if (e.transferredFrom() != null) handedOver(c, callId, e.transferredFrom());
      endOffers(c, callId, null, "CANCELLED", "answered by " + e.agentId(), e.at());
    } else if (event instanceof CallEntity.CallEnded e) {
      CallMedia media = e.media() == null ? CallMedia.NONE : e.media();
      Sql.update(c, "UPDATE call_records SET status = 'ENDED', disposition = ?, end_reason = ?, ended_at = ?, "
              + "wait_seconds = ?, talk_seconds = ?, mos = ?, worst_mos = ?, loss_percent = ?, dtmf = ? WHERE call_id = ?",
          e.disposition().name(), fit(e.reason(), 512), e.at(), e.waitSeconds(), e.talkSeconds(), media.averageMos(),
          media.samples() == 0 ? null : media.worstMos(), media.samples() == 0 ? null : media.worstLossPercent(),
          media.dtmf().isEmpty() ? null : fit(media.dtmf(), 128), callId);
      endOffers(c, callId, null, "CANCELLED", fit(e.reason(), 256), e.at());
    } else if (event instanceof CallEntity.RecordingStarted e) {
      Sql.update(c, "UPDATE call_records SET recorded = TRUE, recording_node = ?, recording_file = ? WHERE call_id = ?",
          fit(e.node(), 256), fit(e.file(), 256), callId);
    } else if (event instanceof CallEntity.RecordingPaused) {
      Sql.update(c, "UPDATE call_records SET recording_pauses = COALESCE(recording_pauses, 0) + 1 WHERE call_id = ?", callId);
    } else if (event instanceof CallEntity.RecordingStopped e) {
      Sql.update(c, "UPDATE call_records SET recording_seconds = ? WHERE call_id = ?", e.seconds(), callId);
    } else if (event instanceof CallEntity.MonitorStarted e) {
      String who = fit(e.supervisor(), 64);
      Sql.update(c, "UPDATE call_records SET monitored_by = CASE WHEN monitored_by IS NULL THEN ? "
          + "WHEN ',' || monitored_by || ',' LIKE ? OR LENGTH(monitored_by) > 950 THEN monitored_by "
          + "ELSE monitored_by || ',' || ? END WHERE call_id = ?", who, "%," + who + ",%", who, callId);
    } else if (event instanceof CallEntity.ConsultStarted) {
      Sql.update(c, "UPDATE call_records SET consults = consults + 1 WHERE call_id = ?", callId);
    } else if (event instanceof CallEntity.ConferenceStarted) {
      Sql.update(c, "UPDATE call_records SET conference = TRUE WHERE call_id = ?", callId);
    } else if (event instanceof CallEntity.CallHeld e) {
      Sql.update(c, "UPDATE call_records SET holds = holds + 1, on_hold = TRUE WHERE call_id = ?", callId);
    } else if (event instanceof CallEntity.CallResumed e) {
      Sql.update(c, "UPDATE call_records SET hold_seconds = ?, on_hold = FALSE WHERE call_id = ?", e.totalHeldMillis() / 1000, callId);
    } else if (event instanceof CallEntity.CallTransferred e && e.toQueueId() != null) {
      Sql.update(c, "UPDATE call_records SET status = 'QUEUED', queue_id = ?, queues = CASE WHEN queues IS NULL THEN ? "
          + "WHEN LENGTH(queues) > 950 THEN queues ELSE queues || ',' || ? END WHERE call_id = ?", e.toQueueId(), e.toQueueId(),
          e.toQueueId(), callId);
      handedOver(c, callId, e.fromAgentId());
    } else if (event instanceof CallEntity.CallTransferred e) {
      Sql.update(c, "UPDATE call_records SET status = 'OFFERING', offers = offers + 1 WHERE call_id = ?", callId);
      String target = e.toAgentId() != null ? e.toAgentId() : fit(e.toAddress(), 64);
      Sql.update(c, "INSERT INTO call_offers (call_id, agent_id, offered_at) VALUES (?, ?, ?)", callId, target, e.at());
    } else if (event instanceof CallEntity.TransferFailed e) {
      endOffers(c, callId, null, "FAILED", fit("transfer failed: " + e.reason(), 256), e.at());
      Sql.update(c, "UPDATE call_records SET offers = offers + 1 WHERE call_id = ?", callId);
      Sql.update(c, "INSERT INTO call_offers (call_id, agent_id, offered_at) VALUES (?, ?, ?)", callId, e.fromAgentId(), e.at());
    } else if (event instanceof CallEntity.CallRequeued e) {
      endOffers(c, callId, null, "FAILED", fit(e.reason(), 256), e.at());
      Sql.update(c, "UPDATE call_records SET status = 'QUEUED', queue_id = ? WHERE call_id = ?", e.queueId(), callId);
    } else if (event instanceof CallEntity.CallbackRequested e) {
      Sql.update(c, "UPDATE call_records SET callback_number = ?, callback_attempts = 0 WHERE call_id = ?", fit(e.number(), 512), callId);
    } else if (event instanceof CallEntity.CallbackDialed) {
      Sql.update(c, "UPDATE call_records SET callback_attempts = callback_attempts + 1 WHERE call_id = ?", callId);
    } else if (event instanceof CallEntity.CallbackAttemptFailed e) {
      Sql.update(c, "UPDATE call_records SET status = 'QUEUED' WHERE call_id = ?", callId);
      endOffers(c, callId, null, "FAILED", fit("callback not answered: " + e.reason(), 256), e.at());
    } else if (event instanceof CallEntity.CallWrappedUp e) {
      Sql.update(c, "UPDATE call_records SET wrap_up_seconds = ? WHERE call_id = ?", e.wrapUpSeconds(), callId);
    }
  }

  /** One more hand-over by {@code agentId}, kept in order (the list stops growing past its column). */
  private static void handedOver(Connection c, String callId, String agentId) throws Exception {
    Sql.update(c, "UPDATE call_records SET transfers = transfers + 1, transferred_from = CASE WHEN transferred_from IS NULL THEN ? "
        + "WHEN LENGTH(transferred_from) > 950 THEN transferred_from ELSE transferred_from || ',' || ? END WHERE call_id = ?",
        agentId, agentId, callId);
  }

  /** Closes the call's open offers: to {@code agentId}, or every one still open when it is null. */
  private static void endOffers(Connection c, String callId, String agentId, String outcome, String reason, Instant at)
      throws Exception {
    String sql = "UPDATE call_offers SET outcome = ?, reason = ?, ended_at = ? WHERE call_id = ? AND outcome IS NULL";
    if (agentId == null) Sql.update(c, sql, outcome, fit(reason, 256), at, callId);
    else Sql.update(c, sql + " AND agent_id = ?", outcome, fit(reason, 256), at, callId, agentId);
  }

  /** Text from SIP headers or keypads can be longer than its column: keep the start. */
  private static String fit(String text, int max) {
    return text == null || text.length() <= max ? text : text.substring(0, max);
  }
}
