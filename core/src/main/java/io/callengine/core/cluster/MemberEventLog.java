package io.callengine.core.cluster;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;
import org.slf4j.Logger;

/**
 * A node-local actor that follows this node's view of the cluster's members and logs each change
 * at INFO (joined, up, leaving, exited, unreachable, reachable again, downed, removed), so an
 * operator can read a node's history from its log. It also notes when it saw each member become
 * Up, for {@link NodeStatus#snapshot()}. Started once per node by {@link NodeStatus}.
 */
final class MemberEventLog {
  private MemberEventLog() {}

  static Behavior<ClusterEvent.ClusterDomainEvent> create(Clock clock, Map<Address, Instant> upSince) {
    return Behaviors.setup(ctx -> {
      ctx.setLoggerName(MemberEventLog.class);
      Cluster cluster = Cluster.get(ctx.getSystem());
      cluster.subscriptions().tell(Subscribe.create(ctx.getSelf().<ClusterEvent.MemberEvent>narrow(), ClusterEvent.MemberEvent.class));
      cluster.subscriptions().tell(
          Subscribe.create(ctx.getSelf().<ClusterEvent.ReachabilityEvent>narrow(), ClusterEvent.ReachabilityEvent.class));
      Address self = cluster.selfMember().address();
      return following(ctx.getLog(), self, clock, upSince, false);
    });
  }

  /** {@code selfUp}: members seen Up before this node was have no known up time. */
  private static Behavior<ClusterEvent.ClusterDomainEvent> following(Logger log, Address self, Clock clock,
      Map<Address, Instant> upSince, boolean selfUp) {
    return Behaviors.receiveMessage(event -> {
      if (event instanceof ClusterEvent.MemberUp up) {
        boolean isSelf = up.member().address().equals(self);
        if (selfUp || isSelf) upSince.put(up.member().address(), clock.instant());
        log.info("Cluster member {} is Up{}", describe(up.member()), isSelf ? " (this node)" : "");
        return isSelf ? following(log, self, clock, upSince, true) : Behaviors.same();
      }
      if (event instanceof ClusterEvent.MemberRemoved removed) {
        upSince.remove(removed.member().address());
        log.info("Cluster member {} was removed (it was {})", removed.member().address(), ClusterSnapshot.statusName(removed.previousStatus()));
      } else if (event instanceof ClusterEvent.MemberJoined joined) {
        log.info("Cluster member {} joined", describe(joined.member()));
      } else if (event instanceof ClusterEvent.MemberWeaklyUp weaklyUp) {
        log.info("Cluster member {} is WeaklyUp", describe(weaklyUp.member()));
      } else if (event instanceof ClusterEvent.MemberLeft left) {
        log.info("Cluster member {} is leaving", left.member().address());
      } else if (event instanceof ClusterEvent.MemberExited exited) {
        log.info("Cluster member {} exited", exited.member().address());
      } else if (event instanceof ClusterEvent.MemberDowned downed) {
        log.info("Cluster member {} was downed", downed.member().address());
      } else if (event instanceof ClusterEvent.UnreachableMember unreachable) {
        log.info("Cluster member {} is unreachable", unreachable.member().address());
      } else if (event instanceof ClusterEvent.ReachableMember reachable) {
        log.info("Cluster member {} is reachable again", reachable.member().address());
      } else if (event instanceof ClusterEvent.MemberEvent other) {
        log.info("Cluster member {} is {}", other.member().address(), ClusterSnapshot.statusName(other.member().status()));
      }
      return Behaviors.same();
    });
  }

  private static String describe(Member member) {
    return member.address() + " (roles " + ClusterSnapshot.roles(member) + ")";
  }
}
