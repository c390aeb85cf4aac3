package io.callengine.core.call;

import io.callengine.core.CborSerializable;
import java.time.Instant;
import java.util.List;

/**
 * A call as the API shows it: {@code offeredTo} are the agents ringing now, {@code agentId} the
 * one who answered; {@code mos} is the average of the quality samples of both legs; {@code recording}
 * is null for a call that is not recorded; {@code monitoring} the supervisor monitoring it now, if any.
 * {@code holdSeconds} counts the holds that are over (a call that ended on hold: up to its end).
 * {@code consult} is the agent's consult running now, if any.
 */
public record CallView(
    String callId,
    CallStatus status,
    String queueId,
    List<String> offeredTo,
    String agentId,
    String caller,
    String dialed,
    Disposition disposition,
    String endReason,
    Instant enqueuedAt,
    Instant offeredAt,
    Instant answeredAt,
    Instant endedAt,
    Long waitSeconds,
    Long talkSeconds,
    Double mos,
    Double worstMos,
    Double worstLossPercent,
    String dtmf,
    CallRecording recording,
    Monitoring monitoring,
    boolean onHold,
    long holdSeconds,
    List<String> transferredFrom,
    Callback callback,
    ConsultView consult)
    implements CborSerializable {}
