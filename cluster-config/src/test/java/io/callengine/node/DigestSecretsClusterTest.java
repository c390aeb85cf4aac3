package io.callengine.node;

import static io.callengine.core.testing.TestEngines.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.callengine.core.agent.SipCredentials;
import io.callengine.core.api.AgentSpec;
import io.callengine.core.api.CallCenterEngine;
import io.callengine.core.testing.TestEngines;
import io.callengine.sip.testing.TestPhone;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * An agent's digest secret, written by its entity, reaches the other node's copy, which that
 * node's registrar reads: created, changed and deleted on one node, a phone registers (or is
 * refused) on the other accordingly. No call is made, so no RTP port is opened.
 */
class DigestSecretsClusterTest {

  @Test
  void aSecretWrittenOnOneNodeIsWhatTheOtherNodesRegistrarChecks() throws Exception {
    try (TestCluster cluster = TestCluster.start(2, 45000, 100, "")) {
      CallCenterEngine first = cluster.nodes.get(0).engine();
      CallCenterEngine second = cluster.nodes.get(1).engine();
      first.admin().createAgent(AgentSpec.of("carol", "sip:carol@127.0.0.1", "Carol", "pw-one")).toCompletableFuture().get(10, TimeUnit.SECONDS);
      SipCredentials one = SipCredentials.derive("carol", first.realm(), "pw-one");
      eventually(Duration.ofSeconds(10), "the second node's copy holds carol's secret",
          () -> second.lookups().digestSecret("carol").equals(Optional.of(one)));
      try (TestPhone carol = new TestPhone("carol", TestEngines.freePort(), "127.0.0.1", cluster.sipPorts.get(1))) {
        assertEquals(200, carol.register("pw-one", 600, "MD5"), "registered through the second node");

        first.admin().updateAgent("carol", AgentSpec.of("carol", "sip:carol@127.0.0.1", "Carol", "pw-two"))
            .toCompletableFuture().get(10, TimeUnit.SECONDS);
        SipCredentials two = SipCredentials.derive("carol", first.realm(), "pw-two");
        eventually(Duration.ofSeconds(10), "the second node's copy holds the new secret",
            () -> second.lookups().digestSecret("carol").equals(Optional.of(two)));
        assertEquals(401, carol.register("pw-one", 600, "MD5"), "the old password: 401");
        assertEquals(200, carol.register("pw-two", 600, "MD5"), "the new one registers");

        first.admin().deleteAgent("carol").toCompletableFuture().get(10, TimeUnit.SECONDS);
        eventually(Duration.ofSeconds(10), "the second node's copy forgot carol",
            () -> second.lookups().digestSecret("carol").isEmpty());
        assertEquals(401, carol.register("pw-two", 600, "MD5"), "a deleted agent: 401 like anyone unknown");
      }
    }
  }
}
