package io.callengine.core.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callengine.core.testing.EntityTestConfig;
import java.util.Map;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The token store: adding and revoking by label, and revoking every token of one agent. */
class TokenStoreTest {
  private static final ActorTestKit testKit = ActorTestKit.create(EntityTestConfig.config());
  private static final Principal SUPERVISOR = new Principal(Role.SUPERVISOR, null, "wallboard");
  private static final Principal ALICE_DESK = new Principal(Role.AGENT, "alice", "alice-desk");
  private static final Principal ALICE_PHONE = new Principal(Role.AGENT, "alice", "alice-phone");
  private static final Principal BOB_DESK = new Principal(Role.AGENT, "bob", "bob-desk");
  private EventSourcedBehaviorTestKit<TokenStore.Command, TokenStore.Event, TokenStore.State> kit;

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  @BeforeEach
  void setUp() {
    kit = EventSourcedBehaviorTestKit.create(testKit.system(), TokenStore.create());
    add("h-sup", SUPERVISOR);
    add("h-alice-1", ALICE_DESK);
    add("h-alice-2", ALICE_PHONE);
    add("h-bob", BOB_DESK);
  }

  private void add(String hash, Principal principal) {
    assertTrue(kit.<StatusReply<Done>>runCommand(r -> new TokenStore.Add(hash, principal, r)).reply().isSuccess());
  }

  @Test
  void revokingAnAgentRemovesAllItsTokensAndNoOthersAndSurvivesARestart() {
    var result = kit.<StatusReply<Done>>runCommand(r -> new TokenStore.RevokeAgent("alice", r));
    assertTrue(result.reply().isSuccess());
    assertEquals(new TokenStore.AgentTokensRevoked("alice"), result.event());
    Map<String, Principal> left = Map.of("h-sup", SUPERVISOR, "h-bob", BOB_DESK);
    assertEquals(left, kit.getState().byHash());

    kit.restart();
    assertEquals(left, kit.getState().byHash());
  }

  @Test
  void revokingAnAgentWithoutTokensStoresNothing() {
    var result = kit.<StatusReply<Done>>runCommand(r -> new TokenStore.RevokeAgent("carol", r));
    assertTrue(result.reply().isSuccess());
    assertTrue(result.hasNoEvents());
    assertEquals(4, kit.getState().byHash().size());
  }

  @Test
  void revokingByLabelRemovesThatTokenOnly() {
    var result = kit.<StatusReply<Done>>runCommand(r -> new TokenStore.Revoke("alice-desk", r));
    assertEquals(new TokenStore.TokenRevoked("alice-desk"), result.event());
    assertEquals(Map.of("h-sup", SUPERVISOR, "h-alice-2", ALICE_PHONE, "h-bob", BOB_DESK), kit.getState().byHash());
    var unknown = kit.<StatusReply<Done>>runCommand(r -> new TokenStore.Revoke("alice-desk", r));
    assertTrue(unknown.reply().getError().getMessage().startsWith("not-found:"), unknown.reply().getError().getMessage());
  }
}
