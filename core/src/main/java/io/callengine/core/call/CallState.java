package io.callengine.core.call;

import io.callengine.core.CborSerializable;
import java.time.Duration;
import java.time.Instant;
import io.callengine.core.queue.QueueConfig;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The CallEntity's state: where the call is, the agents it is offered to (several for
 * ring-all), the agent who took it, and the time of every step.
 */
public record CallState(
    String callId,
    CallStatus status,
    String caller,
    String dialed,
    String queueId,
    int priority,
    List<QueueConfig.RequiredSkill> extraSkills,
    ActorRef<CallLegs.Command> legs,
    List<String> offeredTo,
    String agentId,
    int wrapUpSeconds,
    Instant enqueuedAt,
    Instant offeredAt,
    Instant answeredAt,
    Instant endedAt,
    Disposition disposition,
    String endReason,
    CallMedia media,
    Callback callback)
    implements CborSerializable {

  public static CallState empty(String callId) {
    return new CallState(callId, CallStatus.NEW, null, null, null, 0, List.of(), null, List.of(), null, 0, null, null, null, null, null, null, CallMedia.NONE, null);
  }

  public boolean active() {
    return status != CallStatus.NEW && status != CallStatus.ENDED;
  }

  /** Whether the call rings this agent or is connected to it. */
  public boolean holds(String agentId) {
    return status == CallStatus.OFFERING && offeredTo.contains(agentId) || status == CallStatus.CONNECTED && agentId.equals(this.agentId);
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
    return new CallView(callId, status, queueId, status == CallStatus.ENDED ? List.of() : offeredTo, agentId, caller, dialed, disposition, endReason,
        enqueuedAt, offeredAt, answeredAt, endedAt, wait, talk, media.averageMos(), media.samples() == 0 ? null : media.worstMos(),
        media.samples() == 0 ? null : media.worstLossPercent(), media.dtmf().isEmpty() ? null : media.dtmf(), callback);
  }

  CallState started(CallEntity.CallStarted e) {
    CallStatus first = e.queueId() == null ? CallStatus.IVR : CallStatus.QUEUED;
    return new CallState(callId, first, e.caller(), e.dialed(), e.queueId(), e.priority(),
        e.extraSkills() == null ? List.of() : e.extraSkills(), e.legs(),
        List.of(), null, 0, e.at(), null, null, null, null, null, CallMedia.NONE, null);
  }

  CallState offered(CallEntity.CallOffered e) {
    return new CallState(callId, CallStatus.OFFERING, caller, dialed, queueId, priority, extraSkills, legs,
        List.copyOf(e.agentIds()), null, e.wrapUpSeconds(), enqueuedAt, e.at(), null, null, null, null, media, callback);
  }

  /** One agent of the offer failed it; with none left the call is back in line. */
  CallState offerFailed(String failedAgent) {
    List<String> left = offeredTo.stream().filter(a -> !a.equals(failedAgent)).toList();
    CallStatus next = left.isEmpty() ? CallStatus.QUEUED : CallStatus.OFFERING;
    return new CallState(callId, next, caller, dialed, queueId, priority, extraSkills, legs,
        left, null, left.isEmpty() ? 0 : wrapUpSeconds, enqueuedAt, left.isEmpty() ? null : offeredAt, null, null, null, null, media, callback);
  }

  CallState routed(CallEntity.CallRouted e) {
    return new CallState(callId, CallStatus.QUEUED, caller, dialed, e.queueId(), e.priority(),
        e.extraSkills() == null ? List.of() : e.extraSkills(), legs, List.of(), null, 0, e.at(), null, null, null, null, null, media, callback);
  }

  CallState movedTo(String newQueueId) {
    return new CallState(callId, CallStatus.QUEUED, caller, dialed, newQueueId, priority, extraSkills, legs,
        List.of(), null, 0, enqueuedAt, null, null, null, null, null, media, callback == null ? null : callback.inLine());
  }

  CallState connected(CallEntity.CallConnected e) {
    return new CallState(callId, CallStatus.CONNECTED, caller, dialed, queueId, priority, extraSkills, legs,
        List.of(), e.agentId(), wrapUpSeconds, enqueuedAt, offeredAt, e.at(), null, null, null, media, callback);
  }

  /** Ended, it keeps who was ringing at the end: they are the agents to release, again after a recovery. */
  CallState ended(CallEntity.CallEnded e) {
    return new CallState(callId, CallStatus.ENDED, caller, dialed, queueId, priority, extraSkills, legs,
        offeredTo, agentId, wrapUpSeconds, enqueuedAt, offeredAt, answeredAt, e.at(), e.disposition(), e.reason(), media, callback);
  }

  /** The caller hung up to be called back: the call keeps its place, with no legs until an agent is reserved. */
  CallState callbackRequested(CallEntity.CallbackRequested e) {
    return new CallState(callId, status, caller, dialed, queueId, priority, extraSkills, null, offeredTo, agentId,
        wrapUpSeconds, enqueuedAt, offeredAt, answeredAt, endedAt, disposition, endReason, media,
        new Callback(e.number(), 0, e.maxAttempts(), e.retryAfterSeconds(), null));
  }

  /** A callback's legs (on the node that handles the offer) start an attempt: agent first, then the customer. */
  CallState callbackDialed(CallEntity.CallbackDialed e) {
    return new CallState(callId, status, caller, dialed, queueId, priority, extraSkills, e.legs(), offeredTo, agentId,
        wrapUpSeconds, enqueuedAt, offeredAt, answeredAt, endedAt, disposition, endReason, media, callback.attempted());
  }

  /** The customer did not take the callback: the agents are let go and the call waits out its retry, out of line. */
  CallState callbackAttemptFailed(CallEntity.CallbackAttemptFailed e) {
    return new CallState(callId, CallStatus.QUEUED, caller, dialed, queueId, priority, extraSkills, null, List.of(), null,
        0, enqueuedAt, null, null, null, null, null, media, callback.failed(e.at()));
  }

  CallState callbackLegsDropped() {
    return new CallState(callId, status, caller, dialed, queueId, priority, extraSkills, null, offeredTo, agentId,
        wrapUpSeconds, enqueuedAt, offeredAt, answeredAt, endedAt, disposition, endReason, media, callback);
  }

  CallState callbackRetried() {
    return new CallState(callId, status, caller, dialed, queueId, priority, extraSkills, legs, offeredTo, agentId,
        wrapUpSeconds, enqueuedAt, offeredAt, answeredAt, endedAt, disposition, endReason, media, callback.inLine());
  }

  /** Whether this is a callback between attempts (or before the first): no legs, and none needed to keep its place. */
  public boolean callbackWithoutLegs() {
    return callback != null && legs == null;
  }

  CallState withMedia(CallMedia newMedia) {
    return new CallState(callId, status, caller, dialed, queueId, priority, extraSkills, legs, offeredTo, agentId,
        wrapUpSeconds, enqueuedAt, offeredAt, answeredAt, endedAt, disposition, endReason, newMedia, callback);
  }
}
