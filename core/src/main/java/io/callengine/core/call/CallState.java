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
    CallRecording recording,
    Monitoring monitoring,
    CallHold hold,
    List<String> transferredFrom,
    CallTransfer transfer,
    Callback callback,
    Consult consult)
    implements CborSerializable {

  /**
   * {@code recording} and {@code hold} stay with the call to its end; {@code monitoring} is the
   * supervisor monitoring it now; {@code transferredFrom} the agents who handed the call over, in
   * order; {@code transfer} one ringing now, or null; {@code callback} the caller's wish to be
   * called back, or null; {@code consult} the agent's consult (attended transfer or conference)
   * running now, or null (absent in older journals).
   */
  public CallState {
    hold = hold == null ? CallHold.NONE : hold;
    transferredFrom = transferredFrom == null ? List.of() : List.copyOf(transferredFrom);
  }

  /** Any step that ends a consult, or happens without one. */
  public CallState(String callId, CallStatus status, String caller, String dialed, String queueId, int priority,
      List<QueueConfig.RequiredSkill> extraSkills, ActorRef<CallLegs.Command> legs, List<String> offeredTo, String agentId,
      int wrapUpSeconds, Instant enqueuedAt, Instant offeredAt, Instant answeredAt, Instant endedAt, Disposition disposition,
      String endReason, CallMedia media, CallRecording recording, Monitoring monitoring, CallHold hold, List<String> transferredFrom,
      CallTransfer transfer, Callback callback) {
    this(callId, status, caller, dialed, queueId, priority, extraSkills, legs, offeredTo, agentId, wrapUpSeconds, enqueuedAt,
        offeredAt, answeredAt, endedAt, disposition, endReason, media, recording, monitoring, hold, transferredFrom, transfer, callback, null);
  }

  /** A call before its answer: no recording, monitoring, hold or transfer yet. */
  public CallState(String callId, CallStatus status, String caller, String dialed, String queueId, int priority,
      List<QueueConfig.RequiredSkill> extraSkills, ActorRef<CallLegs.Command> legs, List<String> offeredTo, String agentId,
      int wrapUpSeconds, Instant enqueuedAt, Instant offeredAt, Instant answeredAt, Instant endedAt, Disposition disposition,
      String endReason, CallMedia media) {
    this(callId, status, caller, dialed, queueId, priority, extraSkills, legs, offeredTo, agentId, wrapUpSeconds, enqueuedAt,
        offeredAt, answeredAt, endedAt, disposition, endReason, media, null, null, CallHold.NONE, List.of(), null, null);
  }

  public static CallState empty(String callId) {
    return new CallState(callId, CallStatus.NEW, null, null, null, 0, List.of(), null, List.of(), null, 0, null, null, null, null, null, null, CallMedia.NONE, null, null, CallHold.NONE, List.of(), null, null, null);
  }

  public boolean active() {
    return status != CallStatus.NEW && status != CallStatus.ENDED;
  }

  /** Whether the call rings this agent or is connected to it. */
  public boolean holds(String agentId) {
    return status == CallStatus.OFFERING && offeredTo.contains(agentId) || status == CallStatus.CONNECTED && agentId.equals(this.agentId)
        || transfer != null && status != CallStatus.ENDED && agentId.equals(transfer.fromAgentId())
        || consult != null && status != CallStatus.ENDED && agentId.equals(consult.target());
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
        media.samples() == 0 ? null : media.worstLossPercent(), media.dtmf().isEmpty() ? null : media.dtmf(), recording, monitoring,
        hold.onHold(), hold.heldMillis() / 1000, transferredFrom, callback,
        consult == null || status == CallStatus.ENDED ? null : consult.view(callId));
  }

  CallState started(CallEntity.CallStarted e) {
    CallStatus first = e.queueId() == null ? CallStatus.IVR : CallStatus.QUEUED;
    return new CallState(callId, first, e.caller(), e.dialed(), e.queueId(), e.priority(),
        e.extraSkills() == null ? List.of() : e.extraSkills(), e.legs(),
        List.of(), null, 0, e.at(), null, null, null, null, null, CallMedia.NONE, null, null, CallHold.NONE, List.of(), null, null);
  }

  CallState offered(CallEntity.CallOffered e) {
    return new CallState(callId, CallStatus.OFFERING, caller, dialed, queueId, priority, extraSkills, legs,
        List.copyOf(e.agentIds()), null, e.wrapUpSeconds(), enqueuedAt, e.at(), null, null, null, null, media, recording, null, hold, transferredFrom, transfer, callback);
  }

  /** One agent of the offer failed it; with none left the call is back in line. */
  CallState offerFailed(String failedAgent) {
    List<String> left = offeredTo.stream().filter(a -> !a.equals(failedAgent)).toList();
    CallStatus next = left.isEmpty() ? CallStatus.QUEUED : CallStatus.OFFERING;
    return new CallState(callId, next, caller, dialed, queueId, priority, extraSkills, legs,
        left, null, left.isEmpty() ? 0 : wrapUpSeconds, enqueuedAt, left.isEmpty() ? null : offeredAt, null, null, null, null, media, recording, null, hold, transferredFrom, transfer, callback);
  }

  CallState routed(CallEntity.CallRouted e) {
    return new CallState(callId, CallStatus.QUEUED, caller, dialed, e.queueId(), e.priority(),
        e.extraSkills() == null ? List.of() : e.extraSkills(), legs, List.of(), null, 0, e.at(), null, null, null, null, null, media, recording, null, hold, transferredFrom, null, callback);
  }

  CallState movedTo(String newQueueId) {
    return new CallState(callId, CallStatus.QUEUED, caller, dialed, newQueueId, priority, extraSkills, legs,
        List.of(), null, 0, enqueuedAt, null, null, null, null, null, media, recording, null, hold, transferredFrom, null, callback == null ? null : callback.inLine());
  }

  CallState connected(CallEntity.CallConnected e) {
    return new CallState(callId, CallStatus.CONNECTED, caller, dialed, queueId, priority, extraSkills, legs,
        List.of(), e.agentId(), wrapUpSeconds, enqueuedAt, offeredAt, e.at(), null, null, null, media, recording, null, hold,
        e.transferredFrom() == null ? transferredFrom : plus(e.transferredFrom()), null, callback);
  }

  /** Ended, it keeps who was ringing at the end: they are the agents to release, again after a recovery. */
  CallState ended(CallEntity.CallEnded e) {
    return new CallState(callId, CallStatus.ENDED, caller, dialed, queueId, priority, extraSkills, legs,
        offeredTo, agentId, wrapUpSeconds, enqueuedAt, offeredAt, answeredAt, e.at(), e.disposition(), e.reason(), media, recording, null, hold,
        transferredFrom, transfer, callback, consult);
  }

  /** The caller hung up to be called back: the call keeps its place, with no legs until an agent is reserved. */
  CallState callbackRequested(CallEntity.CallbackRequested e) {
    return new CallState(callId, status, caller, dialed, queueId, priority, extraSkills, null, offeredTo, agentId,
        wrapUpSeconds, enqueuedAt, offeredAt, answeredAt, endedAt, disposition, endReason, media, recording, monitoring, hold,
        transferredFrom, transfer, new Callback(e.number(), 0, e.maxAttempts(), e.retryAfterSeconds(), null));
  }

  /** A callback's legs (on the node that handles the offer) start an attempt: agent first, then the customer. */
  CallState callbackDialed(CallEntity.CallbackDialed e) {
    return new CallState(callId, status, caller, dialed, queueId, priority, extraSkills, e.legs(), offeredTo, agentId,
        wrapUpSeconds, enqueuedAt, offeredAt, answeredAt, endedAt, disposition, endReason, media, recording, monitoring, hold,
        transferredFrom, transfer, callback.attempted());
  }

  /** The customer did not take the callback: the agents are let go and the call waits out its retry, out of line. */
  CallState callbackAttemptFailed(CallEntity.CallbackAttemptFailed e) {
    return new CallState(callId, CallStatus.QUEUED, caller, dialed, queueId, priority, extraSkills, null, List.of(), null,
        0, enqueuedAt, null, null, null, null, null, media, recording, null, hold, transferredFrom, null, callback.failed(e.at()));
  }

  CallState callbackLegsDropped() {
    return new CallState(callId, status, caller, dialed, queueId, priority, extraSkills, null, offeredTo, agentId,
        wrapUpSeconds, enqueuedAt, offeredAt, answeredAt, endedAt, disposition, endReason, media, recording, monitoring, hold,
        transferredFrom, transfer, callback);
  }

  CallState callbackRetried() {
    return new CallState(callId, status, caller, dialed, queueId, priority, extraSkills, legs, offeredTo, agentId,
        wrapUpSeconds, enqueuedAt, offeredAt, answeredAt, endedAt, disposition, endReason, media, recording, monitoring, hold,
        transferredFrom, transfer, callback.inLine());
  }

  /** Whether this is a callback between attempts (or before the first): no legs, and none needed to keep its place. */
  public boolean callbackWithoutLegs() {
    return callback != null && legs == null;
  }

  CallState withMedia(CallMedia newMedia) {
    return new CallState(callId, status, caller, dialed, queueId, priority, extraSkills, legs, offeredTo, agentId,
        wrapUpSeconds, enqueuedAt, offeredAt, answeredAt, endedAt, disposition, endReason, newMedia, recording, monitoring, hold, transferredFrom, transfer, callback, consult);
  }

  CallState withRecording(CallRecording newRecording) {
    return new CallState(callId, status, caller, dialed, queueId, priority, extraSkills, legs, offeredTo, agentId, wrapUpSeconds,
        enqueuedAt, offeredAt, answeredAt, endedAt, disposition, endReason, media, newRecording, monitoring, hold, transferredFrom, transfer, callback, consult);
  }

  /** Whether the call is connected and being recorded now. */
  public boolean recordingNow() {
    return status == CallStatus.CONNECTED && recording != null && recording.open();
  }

  CallState withMonitoring(Monitoring newMonitoring) {
    return new CallState(callId, status, caller, dialed, queueId, priority, extraSkills, legs, offeredTo, agentId, wrapUpSeconds,
        enqueuedAt, offeredAt, answeredAt, endedAt, disposition, endReason, media, recording, newMonitoring, hold, transferredFrom, transfer, callback, consult);
  }

  CallState withHold(CallHold newHold) {
    return new CallState(callId, status, caller, dialed, queueId, priority, extraSkills, legs, offeredTo, agentId, wrapUpSeconds,
        enqueuedAt, offeredAt, answeredAt, endedAt, disposition, endReason, media, recording, monitoring, newHold, transferredFrom, transfer, callback, consult);
  }

  CallState withConsult(Consult newConsult) {
    return new CallState(callId, status, caller, dialed, queueId, priority, extraSkills, legs, offeredTo, agentId, wrapUpSeconds,
        enqueuedAt, offeredAt, answeredAt, endedAt, disposition, endReason, media, recording, monitoring, hold, transferredFrom, transfer, callback,
        newConsult);
  }

  /** The call's hold at {@code now}, for the API. */
  public HoldView holdView(Instant now) {
    return new HoldView(callId, hold.onHold(), hold.totalMillis(now) / 1000, hold.holds());
  }

  /** Handed over to a queue: the call waits there again, in line by {@code newEnqueuedAt} and {@code newPriority}. */
  CallState transferredToQueue(CallEntity.CallTransferred e) {
    return new CallState(callId, CallStatus.QUEUED, caller, dialed, e.toQueueId(), e.priority(), extraSkills, legs,
        List.of(), null, 0, e.enqueuedAt(), null, null, null, null, null, media, recording, null, hold, plus(e.fromAgentId()), null, callback);
  }

  /** Handed over to an agent or an outside address, which rings; the agent who handed it over holds it meanwhile. */
  CallState transferRinging(CallEntity.CallTransferred e, String target) {
    return new CallState(callId, CallStatus.OFFERING, caller, dialed, queueId, priority, extraSkills, legs,
        List.of(target), null, wrapUpSeconds, enqueuedAt, e.at(), null, null, null, null, media, recording, null, hold, transferredFrom,
        new CallTransfer(e.fromAgentId(), target, e.ringTimeoutSeconds(), talkSeconds(e.at()), false), callback);
  }

  /** The transfer's target did not take the call: it rings the agent who handed it over. */
  CallState ringingBack(CallEntity.TransferFailed e) {
    return new CallState(callId, CallStatus.OFFERING, caller, dialed, queueId, priority, extraSkills, legs,
        List.of(transfer.fromAgentId()), null, wrapUpSeconds, enqueuedAt, e.at(), null, null, null, null, media, recording, null, hold, transferredFrom,
        transfer.ringBack(), callback);
  }

  /** Nobody took the call back: it waits in its queue again, at its first place in line. */
  CallState requeued(CallEntity.CallRequeued e) {
    return new CallState(callId, CallStatus.QUEUED, caller, dialed, e.queueId(), priority, extraSkills, legs,
        List.of(), null, 0, enqueuedAt, null, null, null, null, null, media, recording, null, hold, transferredFrom, null, callback);
  }

  private List<String> plus(String agent) {
    List<String> next = new java.util.ArrayList<>(transferredFrom);
    next.add(agent);
    return List.copyOf(next);
  }
}
