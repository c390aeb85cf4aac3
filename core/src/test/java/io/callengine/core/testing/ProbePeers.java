package io.callengine.core.testing;

import io.callengine.core.Peers;
import io.callengine.core.agent.AgentEntity;
import io.callengine.core.call.CallEntity;
import io.callengine.core.queue.QueueEntity;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.RecipientRef;

/** Peers that are test probes: every agent, queue and call command lands in one probe per kind. */
public final class ProbePeers implements Peers {
  public final TestProbe<AgentEntity.Command> agents;
  public final TestProbe<QueueEntity.Command> queues;
  public final TestProbe<CallEntity.Command> calls;

  public ProbePeers(ActorTestKit testKit) {
    agents = testKit.createTestProbe();
    queues = testKit.createTestProbe();
    calls = testKit.createTestProbe();
  }

  @Override
  public RecipientRef<AgentEntity.Command> agent(String agentId) {
    return agents.ref();
  }

  @Override
  public RecipientRef<QueueEntity.Command> queue(String queueId) {
    return queues.ref();
  }

  @Override
  public RecipientRef<CallEntity.Command> call(String callId) {
    return calls.ref();
  }
}
