package io.callengine.core.auth;

import io.callengine.core.CborSerializable;
import io.callengine.core.Refusal;
import java.time.Duration;
import java.util.HashMap;
import io.callengine.core.replicated.ReplicatedView;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;

/**
 * The cluster singleton holding the hashes of the supervisor and agent tokens an admin has
 * minted, by label; the token itself is never stored. It is the only writer of the replicated
 * view of hashes in which every node's HTTP layer looks a request's token up. An agent's tokens
 * go with the agent: {@link RevokeAgent} when it is deleted, and again before an agent of the
 * same id is created, so that no token outlives the agent it was minted for.
 */
public final class TokenStore
    extends EventSourcedBehaviorWithEnforcedReplies<TokenStore.Command, TokenStore.Event, TokenStore.State> {

  public sealed interface Command extends CborSerializable {}

  public record Add(String tokenHash, Principal principal, ActorRef<StatusReply<Done>> replyTo) implements Command {}
  public record Revoke(String label, ActorRef<StatusReply<Done>> replyTo) implements Command {}
  /** Revokes every token of this agent; acknowledged (and nothing stored) when it has none. */
  public record RevokeAgent(String agentId, ActorRef<StatusReply<Done>> replyTo) implements Command {}

  public sealed interface Event extends CborSerializable {}

  public record TokenAdded(String tokenHash, Principal principal) implements Event {}
  public record TokenRevoked(String label) implements Event {}
  public record AgentTokensRevoked(String agentId) implements Event {}

  /** Token hash to principal; labels are unique. */
  public record State(Map<String, Principal> byHash) implements CborSerializable {
    boolean hasLabel(String label) {
      return byHash.values().stream().anyMatch(p -> p.label().equals(label));
    }

    State with(String hash, Principal principal) {
      Map<String, Principal> next = new HashMap<>(byHash);
      next.put(hash, principal);
      return new State(Map.copyOf(next));
    }

    boolean hasAgent(String agentId) {
      return byHash.values().stream().anyMatch(p -> agentId.equals(p.agentId()));
    }

    State without(String label) {
      return removing(p -> p.label().equals(label));
    }

    State withoutAgent(String agentId) {
      return removing(p -> agentId.equals(p.agentId()));
    }

    private State removing(Predicate<Principal> revoked) {
      Map<String, Principal> next = new HashMap<>(byHash);
      next.values().removeIf(revoked);
      return new State(Map.copyOf(next));
    }
  }

  /** Replicated view: token hash to principal. */
  public static final String VIEW = "tokens";

  public static Behavior<Command> create() {
    return Behaviors.setup(ctx -> new TokenStore(ReplicatedView.writer(ctx.getSystem(), VIEW)));
  }

  private final Consumer<Map<String, Principal>> view;

  private TokenStore(Consumer<Map<String, Principal>> view) {
    super(PersistenceId.ofUniqueId("TokenStore"),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.1));
    this.view = view;
  }

  private void publish(State state) {
    view.accept(state.byHash());
  }

  @Override
  public SignalHandler<State> signalHandler() {
    return newSignalHandlerBuilder().onSignal(RecoveryCompleted.instance(), this::publish).build();
  }

  @Override
  public State emptyState() {
    return new State(Map.of());
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(100, 2);
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder().forAnyState()
        .onCommand(Add.class, (s, c) -> s.hasLabel(c.principal().label())
            ? Effect().reply(c.replyTo(), Refusal.CONFLICT.reply("a token labelled " + c.principal().label() + " exists; revoke it first"))
            : Effect().persist(new TokenAdded(c.tokenHash(), c.principal())).thenRun(this::publish).thenReply(c.replyTo(), x -> StatusReply.ack()))
        .onCommand(Revoke.class, (s, c) -> !s.hasLabel(c.label())
            ? Effect().reply(c.replyTo(), Refusal.NOT_FOUND.reply("no token is labelled " + c.label()))
            : Effect().persist(new TokenRevoked(c.label())).thenRun(this::publish).thenReply(c.replyTo(), x -> StatusReply.ack()))
        .onCommand(RevokeAgent.class, (s, c) -> !s.hasAgent(c.agentId())
            ? Effect().reply(c.replyTo(), StatusReply.ack())
            : Effect().persist(new AgentTokensRevoked(c.agentId())).thenRun(this::publish).thenReply(c.replyTo(), x -> StatusReply.ack()))
        .build();
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder().forAnyState()
        .onEvent(TokenAdded.class, (s, e) -> s.with(e.tokenHash(), e.principal()))
        .onEvent(TokenRevoked.class, (s, e) -> s.without(e.label()))
        .onEvent(AgentTokensRevoked.class, (s, e) -> s.withoutAgent(e.agentId()))
        .build();
  }
}
