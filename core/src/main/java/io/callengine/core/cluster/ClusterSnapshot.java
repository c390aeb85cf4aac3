package io.callengine.core.cluster;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.pekko.actor.Address;
import org.apache.pekko.cluster.ClusterEvent.CurrentClusterState;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;

/**
 * This node's view of its cluster at one moment: its own address, the leader, the oldest member
 * (where the cluster singletons run), every member with status, roles and reachability, and the
 * unreachable ones. The admin API serves it as is; {@link #minorityReason()} is the readiness rule,
 * the split-brain resolver's keep-majority seen from this node.
 *
 * @param members in address order, as Pekko keeps them
 */
public record ClusterSnapshot(String self, String leader, String oldest, List<MemberInfo> members, List<String> unreachable) {

  /** The role of engine nodes: when any member has it, only those count towards the majority. */
  public static final String ENGINE_ROLE = "engine";

  /**
   * One member. {@code status} is Pekko's member status in upper snake case ({@code UP},
   * {@code WEAKLY_UP}, ...); {@code upSince} is when this node saw it become Up, null for members
   * that were Up before this node was.
   */
  public record MemberInfo(String address, String status, List<String> roles, boolean reachable, Instant upSince) {}

  /** The name of a member status as the API and the metrics spell it: {@code WeaklyUp} is {@code WEAKLY_UP}. */
  public static String statusName(MemberStatus status) {
    return status.toString().replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
  }

  static ClusterSnapshot of(CurrentClusterState state, Address self, Map<Address, Instant> upSince) {
    Set<Member> unreachable = state.getUnreachable();
    List<MemberInfo> members = new ArrayList<>();
    Member oldest = null;
    boolean engineRoles = false;
    for (Member m : state.getMembers()) engineRoles |= m.hasRole(ENGINE_ROLE);
    for (Member m : state.getMembers()) {
      members.add(new MemberInfo(m.address().toString(), statusName(m.status()), roles(m), !unreachable.contains(m),
          upSince.get(m.address())));
      boolean serving = m.status() == MemberStatus.up() || m.status() == MemberStatus.leaving();
      if (serving && (!engineRoles || m.hasRole(ENGINE_ROLE)) && (oldest == null || m.isOlderThan(oldest))) oldest = m;
    }
    return new ClusterSnapshot(self.toString(), state.getLeader() == null ? null : state.getLeader().toString(),
        oldest == null ? null : oldest.address().toString(), List.copyOf(members),
        unreachable.stream().map(m -> m.address().toString()).sorted().toList());
  }

  /** Pekko gives every member a {@code dc-<name>} role for its data center; that one is left out. */
  static List<String> roles(Member member) {
    return member.getRoles().stream().filter(r -> !r.startsWith("dc-")).sorted().toList();
  }

  /**
   * Why this node is on the losing side of a partition, or empty when it is not. The members that
   * count are those Up or Leaving (as for the split-brain resolver), only those with role
   * {@value #ENGINE_ROLE} when any has it. This side loses when more than half of them are
   * unreachable, or exactly half and the member with the lowest address is among them (the
   * resolver's tie-break keeps the side with the lowest address).
   */
  public Optional<String> minorityReason() {
    return minorityReason(members.stream()
        .map(m -> new Counted(m.status().equals("UP") || m.status().equals("LEAVING"), m.roles().contains(ENGINE_ROLE), m.reachable()))
        .toList());
  }

  /** The same rule read straight from the cluster state: cheap enough for every new SIP transaction. */
  static Optional<String> minorityReason(CurrentClusterState state) {
    Set<Member> unreachable = state.getUnreachable();
    List<Counted> members = new ArrayList<>();
    for (Member m : state.getMembers()) {
      members.add(new Counted(m.status() == MemberStatus.up() || m.status() == MemberStatus.leaving(), m.hasRole(ENGINE_ROLE),
          !unreachable.contains(m)));
    }
    return minorityReason(members);
  }

  /** A member as the majority rule sees it, in address order. */
  private record Counted(boolean serving, boolean engine, boolean reachable) {}

  private static Optional<String> minorityReason(List<Counted> members) {
    List<Counted> counted = members.stream().filter(Counted::serving).toList();
    boolean byRole = counted.stream().anyMatch(Counted::engine);
    if (byRole) counted = counted.stream().filter(Counted::engine).toList();
    long lost = counted.stream().filter(m -> !m.reachable()).count();
    boolean minority = lost * 2 > counted.size() || (lost > 0 && lost * 2 == counted.size() && !counted.get(0).reachable());
    if (!minority) return Optional.empty();
    return Optional.of("not in the reachable majority of the cluster: " + lost + " of " + counted.size()
        + (byRole ? " members with role " + ENGINE_ROLE : " members") + " are unreachable from this node");
  }
}
