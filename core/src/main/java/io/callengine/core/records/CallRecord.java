package io.callengine.core.records;

import io.callengine.core.call.Disposition;
import java.time.Instant;

/** One row of call history: a call in progress has no disposition yet; {@code mos} is the average over both legs. */
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
    String dtmf) {}
