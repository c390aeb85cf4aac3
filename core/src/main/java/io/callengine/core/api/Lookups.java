package io.callengine.core.api;

import io.callengine.core.agent.DigestSecrets;
import io.callengine.core.agent.SipCredentials;
import io.callengine.core.auth.Principal;
import io.callengine.core.directory.Directory;
import io.callengine.core.policy.PolicyMatcher;
import io.callengine.core.policy.RouteDecision;
import io.callengine.core.policy.RouteRequest;
import io.callengine.core.policy.RoutingPolicies;
import io.callengine.core.auth.TokenStore;
import io.callengine.core.replicated.ReplicatedView;
import io.callengine.core.routing.Router;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * What the call path looks up on every INVITE, REGISTER and HTTP request, answered from this
 * node's replicated copies of the singletons' data (routing policies, the Directory's names,
 * token hashes, which queues are staffed): no ask, no wait, and no answer lost while a singleton
 * moves to another node. The singletons stay the only writers.
 */
public final class Lookups {
  private final ReplicatedView<io.callengine.core.policy.RoutingPolicy> policies;
  private final ReplicatedView<String> agentsBySipUser;
  private final ReplicatedView<String> queuesByAddress;
  private final ReplicatedView<Principal> tokens;
  private final ReplicatedView<Boolean> staffing;
  private final DigestSecrets digestSecrets;
  /** Compiled for the snapshot it was built from; rebuilt on the first call after a change. */
  private volatile Compiled compiled = new Compiled(Map.of(), PolicyMatcher.of(java.util.List.of()));

  private record Compiled(Map<String, io.callengine.core.policy.RoutingPolicy> source, PolicyMatcher matcher) {}

  private static final java.time.Duration PROPAGATION = java.time.Duration.ofSeconds(3);
  private final ActorSystem<?> system;

  Lookups(ActorSystem<?> system) {
    this.system = system;
    this.policies = ReplicatedView.follow(system, RoutingPolicies.VIEW);
    this.agentsBySipUser = ReplicatedView.follow(system, Directory.SIP_USERS_VIEW);
    this.queuesByAddress = ReplicatedView.follow(system, Directory.ADDRESSES_VIEW);
    this.tokens = ReplicatedView.follow(system, TokenStore.VIEW);
    this.staffing = ReplicatedView.follow(system, Router.STAFFING_VIEW);
    this.digestSecrets = DigestSecrets.follow(system);
  }

  /** Completes once the data every call needs has reached this node (the staffing view may come later: unknown means staffed). */
  CompletionStage<Void> loaded() {
    return CompletableFuture.allOf(policies.loaded().toCompletableFuture(), agentsBySipUser.loaded().toCompletableFuture(),
        queuesByAddress.loaded().toCompletableFuture(), tokens.loaded().toCompletableFuture());
  }

  /** Where the routing policies send a call, or empty when no rule matches. */
  public Optional<RouteDecision> route(RouteRequest request) {
    Map<String, io.callengine.core.policy.RoutingPolicy> current = policies.entries();
    Compiled known = compiled;
    if (known.source() != current) {
      known = new Compiled(current, PolicyMatcher.of(current.values()));
      compiled = known;
    }
    return known.matcher().route(request);
  }

  /** The queue whose dialed address this is (case-insensitive). */
  public Optional<String> queueForAddress(String address) {
    return Optional.ofNullable(queuesByAddress.get(address.toLowerCase(Locale.ROOT)));
  }

  /** Whether a queue with this id exists, as far as this node's copy of the Directory's addresses knows. */
  public boolean queueExists(String queueId) {
    return queuesByAddress.entries().containsValue(queueId);
  }

  /** The routing policy with this id, as this node routes by it. */
  public Optional<io.callengine.core.policy.RoutingPolicy> policy(String policyId) {
    return Optional.ofNullable(policies.get(policyId));
  }

  /** The agent whose SIP user this is (case-insensitive). */
  public Optional<String> agentForSipUser(String sipUser) {
    return Optional.ofNullable(agentsBySipUser.get(sipUser.toLowerCase(Locale.ROOT)));
  }

  /**
   * The agent's SIP digest secret as this node's copy has it: empty for an id without one, and
   * for an agent whose entity has not published it since a cold start of the cluster.
   */
  public Optional<SipCredentials> digestSecret(String agentId) {
    return digestSecrets.of(agentId);
  }

  /** Who the token with this hash speaks for. */
  public Optional<Principal> principal(String tokenHash) {
    return Optional.ofNullable(tokens.get(tokenHash));
  }

  /**
   * Completes once the token with this hash no longer resolves on this node (revoked, or its agent
   * deleted), for what must end with it, such as an open event stream; cancel it to stop watching.
   */
  public CompletableFuture<Done> tokenRevoked(String tokenHash) {
    return tokens.until(m -> !m.containsKey(tokenHash), system);
  }

  /** Whether someone who may serve the queue is logged in; a queue the Router has not reported yet counts as staffed. */
  public boolean staffed(String queueId) {
    return !Boolean.FALSE.equals(staffing.get(queueId));
  }

  // What follows completes once this node routes by what an admin just wrote (an address, a SIP
  // user, a token, a policy, a queue's staffing), so that a call right after it meets it.
  // Bounded: after a few seconds each completes anyway; the write is stored either way.

  CompletionStage<Done> queueAddressSeen(String address, String queueId) {
    return queuesByAddress.when(m -> queueId.equals(m.get(address.toLowerCase(Locale.ROOT))), PROPAGATION, system);
  }

  CompletionStage<Done> queueGone(String queueId) {
    return queuesByAddress.when(m -> !m.containsValue(queueId), PROPAGATION, system);
  }

  CompletionStage<Done> staffingKnown(String queueId) {
    return staffing.when(m -> m.containsKey(queueId), PROPAGATION, system);
  }

  CompletionStage<Done> sipUserSeen(String sipUser, String agentId) {
    return agentsBySipUser.when(m -> agentId.equals(m.get(sipUser.toLowerCase(Locale.ROOT))), PROPAGATION, system);
  }

  CompletionStage<Done> digestSecretSeen(String agentId, SipCredentials secret) {
    return digestSecrets.seen(agentId, secret, PROPAGATION, system);
  }

  CompletionStage<Done> agentGone(String agentId) {
    return agentsBySipUser.when(m -> !m.containsValue(agentId), PROPAGATION, system);
  }

  CompletionStage<Done> tokenSeen(String tokenHash) {
    return tokens.when(m -> m.containsKey(tokenHash), PROPAGATION, system);
  }

  CompletionStage<Done> tokenGone(String label) {
    return tokens.when(m -> m.values().stream().noneMatch(p -> p.label().equals(label)), PROPAGATION, system);
  }

  CompletionStage<Done> agentTokensGone(String agentId) {
    return tokens.when(m -> m.values().stream().noneMatch(p -> agentId.equals(p.agentId())), PROPAGATION, system);
  }

  CompletionStage<Done> policySeen(String policyId, io.callengine.core.policy.RoutingPolicy policy) {
    return policies.when(m -> java.util.Objects.equals(m.get(policyId), policy), PROPAGATION, system);
  }

  /** Every agent and queue id the Directory knows, for the Router's rebuild. */
  public Directory.Listing listing() {
    return new Directory.Listing(Set.copyOf(agentsBySipUser.entries().values()), Set.copyOf(queuesByAddress.entries().values()));
  }
}
