package io.callengine.core.policy;

import io.callengine.core.CborSerializable;
import io.callengine.core.Refusal;
import io.callengine.core.Tags;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import io.callengine.core.replicated.ReplicatedView;
import java.util.function.Consumer;
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
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;

/**
 * The cluster singleton holding the routing policies. Admins save and delete them through
 * {@code AdminApi} (which validates them first). It is the only writer of the replicated view
 * from which every node routes its inbound calls ({@code CallCenterEngine.route}), so routing
 * goes on while this singleton moves.
 */
public final class RoutingPolicies
    extends EventSourcedBehaviorWithEnforcedReplies<RoutingPolicies.Command, RoutingPolicies.Event, RoutingPolicies.State> {

  public sealed interface Command extends CborSerializable {}

  /** Saves a new policy; refused with CONFLICT when the id is taken. */
  public record Create(RoutingPolicy policy, ActorRef<StatusReply<RoutingPolicy>> replyTo) implements Command {}
  /** Replaces a policy; refused with NOT_FOUND when there is none with that id. */
  public record Update(RoutingPolicy policy, ActorRef<StatusReply<RoutingPolicy>> replyTo) implements Command {}
  public record Delete(String policyId, ActorRef<StatusReply<Done>> replyTo) implements Command {}
  public record Get(String policyId, ActorRef<StatusReply<RoutingPolicy>> replyTo) implements Command {}
  public record ListAll(ActorRef<Listing> replyTo) implements Command {}

  /** Every policy, in evaluation order. */
  public record Listing(List<RoutingPolicy> policies) implements CborSerializable {}

  public sealed interface Event extends CborSerializable {}

  public record PolicySaved(RoutingPolicy policy) implements Event {}
  public record PolicyDeleted(String policyId) implements Event {}

  /** The policies by id. */
  public record State(Map<String, RoutingPolicy> policies) implements CborSerializable {
    List<RoutingPolicy> ordered() {
      return policies.values().stream().sorted(PolicyMatcher.ORDER).toList();
    }

    State with(RoutingPolicy policy) {
      Map<String, RoutingPolicy> next = new HashMap<>(policies);
      next.put(policy.id(), policy);
      return new State(Map.copyOf(next));
    }

    State without(String policyId) {
      Map<String, RoutingPolicy> next = new HashMap<>(policies);
      next.remove(policyId);
      return new State(Map.copyOf(next));
    }
  }

  /** Replicated view: policy id to policy, from which every node routes its calls. */
  public static final String VIEW = "routing-policies";

  public static Behavior<Command> create() {
    return Behaviors.setup(ctx -> new RoutingPolicies(ReplicatedView.writer(ctx.getSystem(), VIEW)));
  }

  private final Consumer<Map<String, RoutingPolicy>> view;

  private RoutingPolicies(Consumer<Map<String, RoutingPolicy>> view) {
    super(PersistenceId.ofUniqueId("RoutingPolicies"),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.1));
    this.view = view;
  }

  private void publish(State state) {
    view.accept(state.policies());
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
  public Set<String> tagsFor(Event event) {
    return Tags.forRoutingPolicies();
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(100, 2);
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder().forAnyState()
        .onCommand(Create.class, (s, c) -> s.policies().containsKey(c.policy().id())
            ? Effect().reply(c.replyTo(), Refusal.CONFLICT.reply("routing policy " + c.policy().id() + " already exists"))
            : save(c.policy(), c.replyTo()))
        .onCommand(Update.class, this::onUpdate)
        .onCommand(Delete.class, (s, c) -> !s.policies().containsKey(c.policyId())
            ? Effect().reply(c.replyTo(), notFound(c.policyId()))
            : Effect().persist(new PolicyDeleted(c.policyId())).thenRun(this::publish).thenReply(c.replyTo(), x -> StatusReply.ack()))
        .onCommand(Get.class, (s, c) -> Effect().reply(c.replyTo(), s.policies().containsKey(c.policyId())
            ? StatusReply.success(s.policies().get(c.policyId())) : notFound(c.policyId())))
        .onCommand(ListAll.class, (s, c) -> Effect().reply(c.replyTo(), new Listing(s.ordered())))
        .build();
  }

  private ReplyEffect<Event, State> onUpdate(State state, Update cmd) {
    RoutingPolicy existing = state.policies().get(cmd.policy().id());
    if (existing == null) return Effect().reply(cmd.replyTo(), notFound(cmd.policy().id()));
    if (existing.equals(cmd.policy())) return Effect().reply(cmd.replyTo(), StatusReply.success(existing));
    return save(cmd.policy(), cmd.replyTo());
  }

  private ReplyEffect<Event, State> save(RoutingPolicy policy, ActorRef<StatusReply<RoutingPolicy>> replyTo) {
    return Effect().persist(new PolicySaved(policy)).thenRun(this::publish).thenReply(replyTo, s -> StatusReply.success(policy));
  }

  private static <T> StatusReply<T> notFound(String policyId) {
    return Refusal.NOT_FOUND.reply("no routing policy " + policyId);
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder().forAnyState()
        .onEvent(PolicySaved.class, (s, e) -> s.with(e.policy()))
        .onEvent(PolicyDeleted.class, (s, e) -> s.without(e.policyId()))
        .build();
  }
}
