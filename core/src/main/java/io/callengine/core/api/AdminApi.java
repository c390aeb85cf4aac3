package io.callengine.core.api;

import io.callengine.core.Asks;
import io.callengine.core.EngineException;
import io.callengine.core.FieldError;
import io.callengine.core.Refusal;
import io.callengine.core.agent.AgentEntity;
import io.callengine.core.agent.AgentProfile;
import io.callengine.core.agent.AgentView;
import io.callengine.core.agent.Presence;
import io.callengine.core.agent.SipCredentials;
import io.callengine.core.agent.Skill;
import io.callengine.core.auth.IssuedToken;
import io.callengine.core.auth.Principal;
import io.callengine.core.auth.Role;
import io.callengine.core.auth.TokenStore;
import io.callengine.core.auth.Tokens;
import io.callengine.core.directory.Directory;
import io.callengine.core.policy.PolicyValidation;
import io.callengine.core.policy.RoutingPolicies;
import io.callengine.core.policy.RoutingPolicy;
import io.callengine.core.queue.QueueConfig;
import io.callengine.core.queue.QueueEntity;
import io.callengine.core.queue.QueueView;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.Done;

/** What an admin does: queues, agents, tokens and system health. Every result is a CompletionStage; failures are {@link EngineException}s. */
public final class AdminApi {
  private final CallCenterEngine engine;
  private final Asks asks;

  AdminApi(CallCenterEngine engine) {
    this.engine = engine;
    this.asks = engine.asks();
  }

  /** Creates a queue; a duplicate id is refused before any name is claimed, so it moves nothing. */
  public CompletionStage<QueueView> createQueue(QueueSpec spec) {
    return valid(() -> Validation.queue(spec)).thenCompose(config -> absent(getQueue(config.id()), "queue " + config.id() + " already exists")
        .thenCompose(none -> claimQueue(config))
        .thenCompose(done -> asks.<QueueEntity.Command, QueueView>ask(queue(config.id()), r -> new QueueEntity.Create(config, r)))
        .thenCompose(created -> engine.lookups().staffingKnown(config.id()).thenApply(known -> created)));
  }

  public CompletionStage<QueueView> updateQueue(String queueId, QueueSpec spec) {
    return valid(() -> Validation.queue(withId(spec, queueId))).thenCompose(config -> getQueue(queueId)
        .thenCompose(existing -> claimQueue(config))
        .thenCompose(done -> asks.ask(queue(queueId), r -> new QueueEntity.Update(config, r))));
  }

  public CompletionStage<QueueView> getQueue(String queueId) {
    return asks.ask(queue(queueId), QueueEntity.Get::new);
  }

  public CompletionStage<List<QueueView>> listQueues() {
    return listing().thenCompose(l -> all(l.queueIds(), this::getQueue))
        .thenApply(qs -> qs.stream().sorted(Comparator.comparing(q -> q.config().id())).toList());
  }

  public CompletionStage<Done> deleteQueue(String queueId) {
    return asks.<QueueEntity.Command, Done>ask(queue(queueId), QueueEntity.Delete::new)
        .thenCompose(done -> asks.<Directory.Command, Done>ask(engine.directory(), r -> new Directory.ReleaseQueue(queueId, r)))
        .thenCompose(done -> engine.lookups().queueGone(queueId));
  }

  /**
   * Creates an agent. Tokens left for an earlier agent of the same id (one whose delete was cut
   * short before it revoked them) are revoked first: they were not minted for this agent.
   */
  public CompletionStage<AgentView> createAgent(AgentSpec spec) {
    return valid(() -> Validation.agent(spec, true)).thenCompose(profile -> {
      SipCredentials credentials = SipCredentials.derive(profile.sipUser(), engine.realm(), spec.password());
      return absent(getAgent(profile.id()), "agent " + profile.id() + " already exists")
          .thenCompose(none -> revokeAgentTokens(profile.id()))
          .thenCompose(none -> claimAgent(profile))
          .thenCompose(done -> asks.<AgentEntity.Command, AgentView>ask(agent(profile.id()), r -> new AgentEntity.Create(profile, credentials, r)))
          .thenCompose(view -> secretSeen(profile.id(), credentials, view));
    });
  }

  /** Invalid input fails the stage like any other refusal, so callers handle one kind of failure. */
  private static <T> CompletionStage<T> valid(java.util.function.Supplier<T> validation) {
    try {
      return CompletableFuture.completedFuture(validation.get());
    } catch (EngineException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Completes when the lookup says NOT_FOUND; fails with CONFLICT when the thing exists. */
  private static CompletionStage<Void> absent(CompletionStage<?> lookup, String conflict) {
    return lookup.handle((found, error) -> {
      if (error == null) throw new EngineException(Refusal.CONFLICT, conflict);
      EngineException refused = Refusal.toException(error);
      if (refused.refusal() != Refusal.NOT_FOUND) throw refused;
      return null;
    });
  }

  public CompletionStage<AgentView> updateAgent(String agentId, AgentSpec spec) {
    return valid(() -> Validation.agent(withId(spec, agentId), false)).thenCompose(profile -> update(agentId, spec, profile));
  }

  private CompletionStage<AgentView> update(String agentId, AgentSpec spec, AgentProfile profile) {
    SipCredentials credentials = spec.password() == null ? null : SipCredentials.derive(profile.sipUser(), engine.realm(), spec.password());
    return getAgent(agentId)
        .thenCompose(existing -> {
          if (credentials == null && !existing.sipUri().equals(profile.sipUri())) {
            throw EngineException.invalid(List.of(new FieldError("password", "is required when sipUri changes (the digest secret covers the user)")));
          }
          return claimAgent(profile);
        })
        .thenCompose(done -> asks.<AgentEntity.Command, AgentView>ask(agent(agentId), r -> new AgentEntity.Update(profile, credentials, r)))
        .thenCompose(view -> credentials == null ? CompletableFuture.completedFuture(view) : secretSeen(agentId, credentials, view));
  }

  public CompletionStage<AgentView> updateSkills(String agentId, List<Skill> skills) {
    List<FieldError> errors = new ArrayList<>();
    List<Skill> valid = Validation.skills(skills, "skills", errors);
    if (!errors.isEmpty()) return CompletableFuture.failedFuture(EngineException.invalid(errors));
    return asks.ask(agent(agentId), r -> new AgentEntity.UpdateSkills(valid, r));
  }

  public CompletionStage<AgentView> getAgent(String agentId) {
    return asks.ask(agent(agentId), AgentEntity.Get::new);
  }

  public CompletionStage<List<AgentView>> listAgents() {
    return listing().thenCompose(l -> all(l.agentIds(), this::getAgent))
        .thenApply(as -> as.stream().sorted(Comparator.comparing(AgentView::id)).toList());
  }

  /** Deletes an agent and revokes its tokens, which then end their open event streams too. */
  public CompletionStage<Done> deleteAgent(String agentId) {
    return asks.<AgentEntity.Command, Done>ask(agent(agentId), AgentEntity.Delete::new)
        .thenCompose(done -> revokeAgentTokens(agentId))
        .thenCompose(done -> asks.<Directory.Command, Done>ask(engine.directory(), r -> new Directory.ReleaseAgent(agentId, r)))
        .thenCompose(done -> engine.lookups().agentGone(agentId));
  }

  /** Completes once this node no longer takes the agent's tokens. */
  private CompletionStage<Done> revokeAgentTokens(String agentId) {
    return asks.<TokenStore.Command, Done>ask(engine.tokens(), r -> new TokenStore.RevokeAgent(agentId, r))
        .thenCompose(done -> engine.lookups().agentTokensGone(agentId));
  }

  /** A BREAK needs a reason from {@code callengine.agents.break-reasons}; other presences take none. */
  public CompletionStage<AgentView> setPresence(String agentId, Presence presence, String reason) {
    List<String> reasons = engine.config().getStringList("callengine.agents.break-reasons");
    if (presence == null) {
      return CompletableFuture.failedFuture(EngineException.invalid(List.of(new FieldError("presence", "is required"))));
    }
    if (presence == Presence.BREAK && (reason == null || !reasons.contains(reason))) {
      return CompletableFuture.failedFuture(EngineException.invalid(List.of(new FieldError("reason", "a break needs one of " + reasons))));
    }
    return asks.ask(agent(agentId), r -> new AgentEntity.SetPresence(presence, presence == Presence.BREAK ? reason : null, r));
  }

  /** Mints a token for a supervisor, or for one existing agent; the token is in the result only. */
  public CompletionStage<IssuedToken> issueToken(Role role, String agentId, String label) {
    if (role == Role.AGENT && agentId == null) {
      return CompletableFuture.failedFuture(EngineException.invalid(List.of(new FieldError("agentId", "is required for an agent token"))));
    }
    if (role != Role.AGENT && agentId != null) {
      return CompletableFuture.failedFuture(EngineException.invalid(List.of(new FieldError("agentId", "is only for agent tokens"))));
    }
    if (role == Role.AGENT && !Validation.ID.matcher(agentId).matches()) {
      return CompletableFuture.failedFuture(EngineException.invalid(List.of(new FieldError("agentId", "must be an agent id"))));
    }
    String token = Tokens.mint();
    String finalLabel = label != null ? label : role.name().toLowerCase() + "-" + Tokens.mint().substring(0, 12);
    CompletionStage<?> agentExists = role == Role.AGENT ? getAgent(agentId) : CompletableFuture.completedFuture(null);
    Principal principal = new Principal(role, agentId, finalLabel);
    return agentExists
        .thenCompose(a -> asks.<TokenStore.Command, Done>ask(engine.tokens(), r -> new TokenStore.Add(Tokens.hash(token), principal, r)))
        .thenCompose(done -> engine.lookups().tokenSeen(Tokens.hash(token)))
        .thenCompose(done -> role == Role.AGENT ? agentStillExists(agentId, finalLabel) : CompletableFuture.completedFuture(done))
        .thenApply(done -> new IssuedToken(token, role, agentId, finalLabel));
  }

  /**
   * The agent was there before its token was added; if it was deleted meanwhile, its delete may
   * have revoked its tokens before this one arrived, so the token is revoked here and not handed out.
   */
  private CompletionStage<Done> agentStillExists(String agentId, String label) {
    return getAgent(agentId).handle((agent, error) -> error)
        .thenCompose(error -> error == null ? CompletableFuture.completedFuture(Done.getInstance())
            : revokeToken(label).<Done>handle((done, ignored) -> { throw Refusal.toException(error); }));
  }

  public CompletionStage<Done> revokeToken(String label) {
    return asks.<TokenStore.Command, Done>ask(engine.tokens(), r -> new TokenStore.Revoke(label, r))
        .thenCompose(done -> engine.lookups().tokenGone(label));
  }

  /** Saves a new routing policy; every rule's queue must exist. */
  public CompletionStage<RoutingPolicy> createPolicy(RoutingPolicy policy) {
    return valid(() -> PolicyValidation.policy(policy)).thenCompose(this::queuesExist)
        .thenCompose(p -> asks.<RoutingPolicies.Command, RoutingPolicy>ask(engine.routingPolicies(), r -> new RoutingPolicies.Create(p, r)))
        .thenCompose(this::policySeen);
  }

  /** Replaces a routing policy as a whole; an id in the body, if any, must be {@code policyId}. */
  public CompletionStage<RoutingPolicy> updatePolicy(String policyId, RoutingPolicy policy) {
    return valid(() -> PolicyValidation.policy(policyId, policy)).thenCompose(this::queuesExist)
        .thenCompose(p -> asks.<RoutingPolicies.Command, RoutingPolicy>ask(engine.routingPolicies(), r -> new RoutingPolicies.Update(p, r)))
        .thenCompose(this::policySeen);
  }

  public CompletionStage<Done> deletePolicy(String policyId) {
    return asks.<RoutingPolicies.Command, Done>ask(engine.routingPolicies(), r -> new RoutingPolicies.Delete(policyId, r))
        .thenCompose(done -> engine.lookups().policySeen(policyId, null));
  }

  /** Replies once this node routes by the saved policy, so a call placed right after is routed by it. */
  private CompletionStage<RoutingPolicy> policySeen(RoutingPolicy saved) {
    return engine.lookups().policySeen(saved.id(), saved).thenApply(done -> saved);
  }

  public CompletionStage<RoutingPolicy> getPolicy(String policyId) {
    return asks.ask(engine.routingPolicies(), r -> new RoutingPolicies.Get(policyId, r));
  }

  /** Every policy in the order they are evaluated: by {@code order}, then by id. */
  public CompletionStage<List<RoutingPolicy>> listPolicies() {
    return asks.<RoutingPolicies.Command, RoutingPolicies.Listing>plain(engine.routingPolicies(), RoutingPolicies.ListAll::new)
        .thenApply(RoutingPolicies.Listing::policies);
  }

  /** The policy itself once every queue its rules name exists; else INVALID naming each {@code rules[i].queueId}. */
  private CompletionStage<RoutingPolicy> queuesExist(RoutingPolicy policy) {
    java.util.Map<String, CompletableFuture<Boolean>> exists = new java.util.HashMap<>();
    policy.rules().forEach(rule -> exists.computeIfAbsent(rule.queueId(), id -> getQueue(id).toCompletableFuture()
        .handle((queue, error) -> {
          if (error == null) return true;
          if (Refusal.toException(error).refusal() == Refusal.NOT_FOUND) return false;
          throw Refusal.toException(error);
        })));
    return CompletableFuture.allOf(exists.values().toArray(CompletableFuture[]::new)).thenApply(v -> {
      List<FieldError> errors = new ArrayList<>();
      for (int i = 0; i < policy.rules().size(); i++) {
        String queueId = policy.rules().get(i).queueId();
        if (!exists.get(queueId).join()) errors.add(new FieldError("rules[" + i + "].queueId", "no queue " + queueId + " exists"));
      }
      if (!errors.isEmpty()) throw EngineException.invalid(errors);
      return policy;
    });
  }

  public HealthReport health() {
    return engine.health();
  }

  private CompletionStage<Done> claimQueue(QueueConfig config) {
    return asks.<Directory.Command, Done>ask(engine.directory(), r -> new Directory.ClaimQueue(config.id(), config.sipAddress(), r))
        .thenCompose(done -> engine.lookups().queueAddressSeen(config.sipAddress(), config.id()));
  }

  /** So that a REGISTER to this node right after the change meets the new password. */
  private CompletionStage<AgentView> secretSeen(String agentId, SipCredentials credentials, AgentView view) {
    return engine.lookups().digestSecretSeen(agentId, credentials).thenApply(done -> view);
  }

  private CompletionStage<Done> claimAgent(AgentProfile profile) {
    return asks.<Directory.Command, Done>ask(engine.directory(), r -> new Directory.ClaimAgent(profile.id(), profile.sipUser(), r))
        .thenCompose(done -> engine.lookups().sipUserSeen(profile.sipUser(), profile.id()));
  }

  private CompletionStage<Directory.Listing> listing() {
    return CompletableFuture.completedFuture(engine.lookups().listing());
  }

  /** Fetches every id, leaving out those deleted meanwhile. */
  static <T> CompletionStage<List<T>> all(Set<String> ids, Function<String, CompletionStage<T>> get) {
    List<CompletableFuture<T>> futures = ids.stream()
        .map(id -> get.apply(id).toCompletableFuture().exceptionally(error -> {
          if (Refusal.toException(error).refusal() == Refusal.NOT_FOUND) return null;
          throw Refusal.toException(error);
        }))
        .toList();
    return CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
        .thenApply(v -> futures.stream().map(CompletableFuture::join).filter(java.util.Objects::nonNull).toList());
  }

  private static QueueSpec withId(QueueSpec s, String id) {
    if (s.id() != null && !s.id().equals(id)) throw EngineException.invalid(List.of(new FieldError("id", "must match the id in the path")));
    return new QueueSpec(id, s.name(), s.sipAddress(), s.priority(), s.requiredSkills(), s.strategy(), s.maxSize(),
        s.maxWaitSeconds(), s.overflowQueueId(), s.wrapUpSeconds(), s.ringTimeoutSeconds(), s.serviceLevelSeconds(),
        s.fullStatus(), s.noAgentAction(), s.noAgentDelaySeconds(), s.exitKey(), s.announceEverySeconds(), s.recording(),
        s.callback());
  }

  private static AgentSpec withId(AgentSpec s, String id) {
    if (s.id() != null && !s.id().equals(id)) throw EngineException.invalid(List.of(new FieldError("id", "must match the id in the path")));
    return new AgentSpec(id, s.sipUri(), s.displayName(), s.password(), s.skills(), s.maxConcurrentCalls(),
        s.department(), s.extension(), s.queues(), s.wrapUpSeconds());
  }

  private org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef<QueueEntity.Command> queue(String id) {
    return engine.sharding().entityRefFor(QueueEntity.ENTITY_KEY, id);
  }

  private org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef<AgentEntity.Command> agent(String id) {
    return engine.sharding().entityRefFor(AgentEntity.ENTITY_KEY, id);
  }
}
