package io.callengine.core.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callengine.core.cluster.ClusterSnapshot.MemberInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.cluster.MemberStatus;
import org.junit.jupiter.api.Test;

/** The readiness rule of a partition, keep-majority as this node sees it, on hand-made membership views. */
class ClusterSnapshotTest {

  /** Members a, b, c, ... in address order; {@code spec} per member is "status[,role]" and "!" for unreachable. */
  private static ClusterSnapshot view(String... spec) {
    List<MemberInfo> members = new ArrayList<>();
    for (int i = 0; i < spec.length; i++) {
      boolean reachable = !spec[i].startsWith("!");
      String[] parts = spec[i].replace("!", "").split(",");
      members.add(new MemberInfo("pekko://callengine@10.0.0." + (i + 1) + ":2552", parts[0],
          parts.length > 1 ? List.of(parts[1]) : List.of(), reachable, null));
    }
    List<String> unreachable = members.stream().filter(m -> !m.reachable()).map(MemberInfo::address).toList();
    return new ClusterSnapshot(members.get(0).address(), members.get(0).address(), members.get(0).address(), members, unreachable);
  }

  @Test
  void aWholeOrMajoritySideIsReady() {
    assertEquals(Optional.empty(), view("UP").minorityReason(), "a single node");
    assertEquals(Optional.empty(), view("UP", "UP", "UP").minorityReason(), "all reachable");
    assertEquals(Optional.empty(), view("UP", "UP", "!UP").minorityReason(), "one of three lost: 2 of 3 remain");
    assertEquals(Optional.empty(), view("UP", "UP", "!UP", "!UP").minorityReason(), "half lost, but the lowest address is on this side");
  }

  @Test
  void aMinoritySideIsNotReadyAndSaysWhy() {
    Optional<String> reason = view("UP", "!UP", "!UP").minorityReason();
    assertEquals(Optional.of("not in the reachable majority of the cluster: 2 of 3 members are unreachable from this node"), reason);
    assertTrue(view("!UP", "UP").minorityReason().isPresent(), "half lost with the lowest address: the other side is kept");
    assertTrue(view("!UP", "!UP", "UP", "UP").minorityReason().isPresent(), "the same with four members");
  }

  @Test
  void onlyUpAndLeavingMembersCount() {
    assertEquals(Optional.empty(), view("UP", "UP", "!JOINING", "!WEAKLY_UP", "!DOWN", "!EXITING").minorityReason(),
        "members not yet or no longer serving do not count");
    assertTrue(view("UP", "!LEAVING", "!LEAVING").minorityReason().isPresent(), "leaving members still count");
  }

  @Test
  void withEngineRolesOnlyEngineMembersCount() {
    assertEquals(Optional.empty(), view("UP,engine", "!UP,tools", "!UP,tools").minorityReason(),
        "two unreachable members without the role do not count");
    assertEquals(Optional.of("not in the reachable majority of the cluster: 2 of 3 members with role engine are unreachable from this node"),
        view("UP,engine", "!UP,engine", "!UP,engine", "UP,tools").minorityReason());
  }

  @Test
  void statusNamesAreUpperSnakeCase() {
    assertEquals("UP", ClusterSnapshot.statusName(MemberStatus.up()));
    assertEquals("WEAKLY_UP", ClusterSnapshot.statusName(MemberStatus.weaklyUp()));
    assertEquals("PREPARING_FOR_SHUTDOWN", ClusterSnapshot.statusName(MemberStatus.shuttingDown()));
  }
}
