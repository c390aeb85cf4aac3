package io.callengine.core.call;

import io.callengine.core.CborSerializable;
import java.time.Instant;

/** A call as the API and the call record show it. */
public record CallView(
    String callId,
    CallStatus status,
    String queueId,
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
    Long talkSeconds)
    implements CborSerializable {}
