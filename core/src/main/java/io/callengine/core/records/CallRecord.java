package io.callengine.core.records;

import io.callengine.core.call.Disposition;
import java.time.Instant;
import java.util.List;

/**
 * One row of call history: a call in progress has no disposition yet; {@code queues} are the
 * queues it passed through in order, {@code offers} how many times it was offered to an agent
 * ({@code offeredAt} the first), {@code ringSeconds} how long the answering agent's phone rang;
 * {@code mos} is the average over both legs. A recorded call names the node whose data directory
 * holds the file and the file (relative to its recordings folder); {@code recordingSeconds} is set
 * once the file was closed, and stays null on an ended call whose node stopped while recording;
 * {@code recordingPauses} counts the agent's pauses; {@code monitoredBy} the supervisors who monitored it.
 * {@code holds} and {@code holdSeconds} are the times it was put on hold and their length (written
 * as each hold ends), {@code onHold} whether it is now.
 * A transferred call keeps its one record: {@code agentId} is the last agent who answered,
 * {@code transferredFrom} the agents who handed it over, in order.
 * A callback has the number called back and the attempts made so far. {@code consults} counts the
 * agents' consults on the call, {@code conference} whether one of them became a conference of three.
 */
public record CallRecord(
    String callId,
    String queueId,
    String agentId,
    String caller,
    String dialed,
    String status,
    Disposition disposition,
    String endReason,
    Instant enqueuedAt,
    Instant answeredAt,
    Instant endedAt,
    Long waitSeconds,
    Long talkSeconds,
    Double mos,
    Double worstMos,
    Double lossPercent,
    String dtmf,
    List<String> queues,
    Instant offeredAt,
    int offers,
    Long ringSeconds,
    Long wrapUpSeconds,
    boolean recorded,
    String recordingNode,
    String recordingFile,
    Long recordingSeconds,
    int recordingPauses,
    List<String> monitoredBy,
    int holds,
    long holdSeconds,
    boolean onHold,
    int transfers,
    List<String> transferredFrom,
    String callbackNumber,
    Integer callbackAttempts,
    int consults,
    boolean conference) {

  /** The record as the agent who took the call sees it: without who monitored it. */
  public CallRecord withoutMonitoring() {
    return new CallRecord(callId, queueId, agentId, caller, dialed, status, disposition, endReason, enqueuedAt, answeredAt, endedAt,
        waitSeconds, talkSeconds, mos, worstMos, lossPercent, dtmf, queues, offeredAt, offers, ringSeconds, wrapUpSeconds, recorded, recordingNode, recordingFile,
        recordingSeconds, recordingPauses, List.of(), holds, holdSeconds, onHold, transfers, transferredFrom,
        callbackNumber, callbackAttempts, consults, conference);
  }
}
