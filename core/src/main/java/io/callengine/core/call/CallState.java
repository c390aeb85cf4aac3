package io.callengine.core.call;

import io.callengine.core.CborSerializable;
import java.time.Duration;
import java.time.Instant;
import org.apache.pekko.actor.typed.ActorRef;

/** The CallEntity's state: where the call is, who holds it, and the time of every step. */
public record CallState(
    String callId,
    CallStatus status,
    String caller,
    String dialed,
    String queueId,
    int priority,
    ActorRef<CallLegs.Command> legs,
    String agentId,
    int wrapUpSeconds,
    Instant enqueuedAt,
    Instant offeredAt,
    Instant answeredAt,
    Instant endedAt,
    Disposition disposition,
    String endReason)
    implements CborSerializable {

  public static CallState empty(String callId) {
    return new CallState(callId, CallStatus.NEW, null, null, null, 0, null, null, 0, null, null, null, null, null, null);
  }

  public boolean active() {
    return status != CallStatus.NEW && status != CallStatus.ENDED;
  }

  public long waitSeconds(Instant now) {
    return Duration.between(enqueuedAt, answeredAt != null ? answeredAt : now).toSeconds();
  }

  public long talkSeconds(Instant now) {
    return answeredAt == null ? 0 : Duration.between(answeredAt, now).toSeconds();
  }

  public CallView view() {
    Long wait = endedAt == null ? null : waitSeconds(endedAt);
    Long talk = endedAt == null ? null : talkSeconds(endedAt);
    return new CallView(callId, status, queueId, agentId, caller, dialed, disposition, endReason,
        enqueuedAt, offeredAt, answeredAt, endedAt, wait, talk);
  }

  CallState started(CallEntity.CallStarted e) {
    return new CallState(callId, CallStatus.QUEUED, e.caller(), e.dialed(), e.queueId(), e.priority(), e.legs(),
        null, 0, e.at(), null, null, null, null, null);
  }

  CallState offered(CallEntity.CallOffered e) {
    return new CallState(callId, CallStatus.OFFERING, caller, dialed, queueId, priority, legs,
        e.agentId(), e.wrapUpSeconds(), enqueuedAt, e.at(), null, null, null, null);
  }

  CallState offerFailed() {
    return new CallState(callId, CallStatus.QUEUED, caller, dialed, queueId, priority, legs,
        null, 0, enqueuedAt, null, null, null, null, null);
  }

  CallState connected(CallEntity.CallConnected e) {
    return new CallState(callId, CallStatus.CONNECTED, caller, dialed, queueId, priority, legs,
        agentId, wrapUpSeconds, enqueuedAt, offeredAt, e.at(), null, null, null);
  }

  CallState ended(CallEntity.CallEnded e) {
    return new CallState(callId, CallStatus.ENDED, caller, dialed, queueId, priority, legs,
        agentId, wrapUpSeconds, enqueuedAt, offeredAt, answeredAt, e.at(), e.disposition(), e.reason());
  }
}
