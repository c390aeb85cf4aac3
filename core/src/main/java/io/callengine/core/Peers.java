package io.callengine.core;

import io.callengine.core.agent.AgentEntity;
import io.callengine.core.call.CallEntity;
import io.callengine.core.queue.QueueEntity;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.RecipientRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * How an entity or the Router reaches the other entities: through Cluster Sharding in a node,
 * through probes in a test.
 */
public interface Peers {
  RecipientRef<AgentEntity.Command> agent(String agentId);

  RecipientRef<QueueEntity.Command> queue(String queueId);

  RecipientRef<CallEntity.Command> call(String callId);

  static Peers sharded(ActorSystem<?> system) {
    ClusterSharding sharding = ClusterSharding.get(system);
    return new Peers() {
      @Override
      public RecipientRef<AgentEntity.Command> agent(String agentId) {
        return sharding.entityRefFor(AgentEntity.ENTITY_KEY, agentId);
      }

      @Override
      public RecipientRef<QueueEntity.Command> queue(String queueId) {
        return sharding.entityRefFor(QueueEntity.ENTITY_KEY, queueId);
      }

      @Override
      public RecipientRef<CallEntity.Command> call(String callId) {
        return sharding.entityRefFor(CallEntity.ENTITY_KEY, callId);
      }
    };
  }
}
