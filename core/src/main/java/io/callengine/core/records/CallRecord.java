package io.callengine.core.records;

import io.callengine.core.call.Disposition;
import java.time.Instant;
import java.util.List;

/**
 * One row of call history: a call in progress has no disposition yet; {@code queues} are the
 * queues it passed through in order, {@code offers} how many times it was offered to an agent
 * ({@code offeredAt} the first), {@code ringSeconds} how long the answering agent's phone rang;
 * {@code mos} is the average over both legs; a callback has the number called back and the
 * attempts made so far.
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
    String callbackNumber,
    Integer callbackAttempts) {}
