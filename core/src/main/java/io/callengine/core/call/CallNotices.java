package io.callengine.core.call;

import io.callengine.core.Asks;
import io.callengine.core.Peers;
import io.callengine.core.agent.AgentEntity;
import io.callengine.core.queue.QueueEntity;
import java.util.List;
import org.apache.pekko.Done;
import org.slf4j.Logger;

/**
 * What a call tells the agents and the queue it involves, in one direction: the call decides,
 * they answer. Every notice is acknowledged and asked again while unanswered (an agent or a
 * queue whose node was lost answers again from a survivor), and every receiver takes a notice
 * twice as once, so a call that recovers simply sends its notices again.
 */
final class CallNotices {
  private final String callId;
  private final Peers peers;
  private final Asks asks;
  private final Logger log;

  CallNotices(String callId, Peers peers, Asks asks, Logger log) {
    this.callId = callId;
    this.peers = peers;
    this.asks = asks;
    this.log = log;
  }

  /** The agent took the call: it is on the call, the others who rang are free, the queue lets it go. */
  void connected(String agentId, List<String> others, String queueId) {
    if (!TransferTarget.isOutside(agentId)) heard("agent " + agentId, asks.<AgentEntity.Command, Done>askRetrying(peers.agent(agentId), r -> new AgentEntity.AnswerCall(callId, r)));
    others.forEach(other -> released(other, false));
    leftQueue(queueId);
  }

  /** An agent's phone did not take the call (or the call is over before it did). */
  void released(String agentId, boolean noAnswer) {
    if (TransferTarget.isOutside(agentId)) return; // an outside address of a transfer has no entity
    heard("agent " + agentId, asks.<AgentEntity.Command, Done>askRetrying(peers.agent(agentId), r -> new AgentEntity.ReleaseCall(callId, noAnswer, r)));
  }

  void leftQueue(String queueId) {
    if (queueId != null) heard("queue " + queueId, asks.<QueueEntity.Command, Done>askRetrying(peers.queue(queueId), r -> new QueueEntity.Remove(callId, r)));
  }

  /**
   * The call is over: out of its queue (if it never left it), every agent still ringing
   * released, the agent who took it finished (into wrap-up), and the wrap-up it was given
   * recorded on the call.
   */
  void ended(CallState ended) {
    if (ended.answeredAt() == null) leftQueue(ended.queueId());
    CallTransfer transfer = ended.transfer();
    ended.offeredTo().stream().filter(agentId -> transfer == null || !agentId.equals(transfer.fromAgentId()))
        .forEach(agentId -> released(agentId, false));
    if (transfer != null) handedOver(transfer.fromAgentId(), transfer.talkSeconds(), ended.wrapUpSeconds());
    if (ended.consult() != null) released(ended.consult().target(), false); // the call ended while its agent consulted
    if (ended.answeredAt() != null && ended.agentId() != null) finished(ended);
  }

  /** The agent handed the call over (or it ended while a transfer rang): done with it, into wrap-up. */
  void handedOver(String agentId, long talkSeconds, int wrapUpSeconds) {
    heard("agent " + agentId, asks.<AgentEntity.Command, AgentEntity.Finished>askRetrying(peers.agent(agentId),
        r -> new AgentEntity.FinishCall(callId, talkSeconds, wrapUpSeconds, r)));
  }

  /** Someone who recovered still holds this ended call: tell it again. */
  void remind(CallState ended, String askedBy) {
    if (askedBy.startsWith(CallEntity.QUEUE_ASKER)) leftQueue(askedBy.substring(CallEntity.QUEUE_ASKER.length()));
    else if (askedBy.equals(ended.agentId()) && ended.answeredAt() != null) finished(ended);
    else if (ended.transfer() != null && askedBy.equals(ended.transfer().fromAgentId())) {
      handedOver(askedBy, ended.transfer().talkSeconds(), ended.wrapUpSeconds());
    } else released(askedBy, false);
  }

  private void finished(CallState ended) {
    String agentId = ended.agentId();
    if (TransferTarget.isOutside(agentId)) return;
    asks.<AgentEntity.Command, AgentEntity.Finished>askRetrying(peers.agent(agentId),
            r -> new AgentEntity.FinishCall(callId, ended.talkSeconds(ended.endedAt()), ended.wrapUpSeconds(), r))
        .whenComplete((finished, error) -> {
          if (error != null) log.warn("Call {}: agent {} did not hear that the call ended: {}", callId, agentId, error.getMessage());
          else if (finished.held()) peers.call(callId).tell(new CallEntity.WrapUpGiven(agentId, finished.wrapUpSeconds()));
        });
  }

  private void heard(String who, java.util.concurrent.CompletionStage<?> notice) {
    notice.whenComplete((done, error) -> {
      if (error != null) log.warn("Call {}: {} did not hear of it: {}", callId, who, error.getMessage());
    });
  }
}
