package io.callengine.core.directory;

import io.callengine.core.CborSerializable;
import io.callengine.core.Refusal;
import java.time.Duration;
import io.callengine.core.replicated.ReplicatedView;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;
import java.util.Set;
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
 * The cluster singleton that keeps names unique across entities: agent ids and their SIP
 * users, queue ids and their dialed addresses. It is the only writer of the two replicated
 * views every node resolves names from (a REGISTER's user, an INVITE's address, the Router's
 * rebuild): it publishes them after every change and after it recovers.
 */
public final class Directory
    extends EventSourcedBehaviorWithEnforcedReplies<Directory.Command, Directory.Event, DirectoryState> {

  public sealed interface Command extends CborSerializable {}

  /** Binds an agent id to a SIP user; idempotent for the same pair, refused if another owns either. */
  public record ClaimAgent(String agentId, String sipUser, ActorRef<StatusReply<Done>> replyTo) implements Command {}
  public record ReleaseAgent(String agentId, ActorRef<StatusReply<Done>> replyTo) implements Command {}
  public record ClaimQueue(String queueId, String address, ActorRef<StatusReply<Done>> replyTo) implements Command {}
  public record ReleaseQueue(String queueId, ActorRef<StatusReply<Done>> replyTo) implements Command {}

  /** Every agent and queue id, as the Router reads them from the replicated views to rebuild its cache. */
  public record Listing(Set<String> agentIds, Set<String> queueIds) {}

  public sealed interface Event extends CborSerializable {}

  public record AgentBound(String agentId, String sipUser) implements Event {}
  public record AgentUnbound(String agentId) implements Event {}
  public record QueueBound(String queueId, String address) implements Event {}
  public record QueueUnbound(String queueId) implements Event {}

  /** Replicated views: lower-cased SIP user to agent id, lower-cased dialed address to queue id. */
  public static final String SIP_USERS_VIEW = "sip-users";
  public static final String ADDRESSES_VIEW = "queue-addresses";

  public static Behavior<Command> create() {
    return Behaviors.setup(ctx -> new Directory(ReplicatedView.writer(ctx.getSystem(), SIP_USERS_VIEW),
        ReplicatedView.writer(ctx.getSystem(), ADDRESSES_VIEW)));
  }

  private final Consumer<Map<String, String>> sipUsers;
  private final Consumer<Map<String, String>> addresses;

  private Directory(Consumer<Map<String, String>> sipUsers, Consumer<Map<String, String>> addresses) {
    super(PersistenceId.ofUniqueId("Directory"),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.1));
    this.sipUsers = sipUsers;
    this.addresses = addresses;
  }

  private void publish(DirectoryState state) {
    sipUsers.accept(state.agentsBySipUser());
    addresses.accept(state.queuesByAddress());
  }

  @Override
  public SignalHandler<DirectoryState> signalHandler() {
    return newSignalHandlerBuilder().onSignal(RecoveryCompleted.instance(), this::publish).build();
  }

  @Override
  public DirectoryState emptyState() {
    return DirectoryState.empty();
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(100, 2);
  }

  @Override
  public CommandHandlerWithReply<Command, Event, DirectoryState> commandHandler() {
    return newCommandHandlerWithReplyBuilder().forAnyState()
        .onCommand(ClaimAgent.class, this::onClaimAgent)
        .onCommand(ReleaseAgent.class, (s, c) -> !s.agentSipUsers().containsKey(c.agentId())
            ? Effect().reply(c.replyTo(), StatusReply.ack())
            : Effect().persist(new AgentUnbound(c.agentId())).thenRun(this::publish).thenReply(c.replyTo(), x -> StatusReply.ack()))
        .onCommand(ClaimQueue.class, this::onClaimQueue)
        .onCommand(ReleaseQueue.class, (s, c) -> !s.queueAddresses().containsKey(c.queueId())
            ? Effect().reply(c.replyTo(), StatusReply.ack())
            : Effect().persist(new QueueUnbound(c.queueId())).thenRun(this::publish).thenReply(c.replyTo(), x -> StatusReply.ack()))
        .build();
  }

  private ReplyEffect<Event, DirectoryState> onClaimAgent(DirectoryState state, ClaimAgent cmd) {
    String owner = state.agentForSipUser(cmd.sipUser());
    if (owner != null && !owner.equals(cmd.agentId())) {
      return Effect().reply(cmd.replyTo(), Refusal.CONFLICT.reply("SIP user " + cmd.sipUser() + " already belongs to agent " + owner));
    }
    if (cmd.sipUser().equals(state.agentSipUsers().get(cmd.agentId()))) return Effect().reply(cmd.replyTo(), StatusReply.ack());
    return Effect().persist(new AgentBound(cmd.agentId(), cmd.sipUser())).thenRun(this::publish).thenReply(cmd.replyTo(), s -> StatusReply.ack());
  }

  private ReplyEffect<Event, DirectoryState> onClaimQueue(DirectoryState state, ClaimQueue cmd) {
    String owner = state.queueForAddress(cmd.address());
    if (owner != null && !owner.equals(cmd.queueId())) {
      return Effect().reply(cmd.replyTo(), Refusal.CONFLICT.reply("address " + cmd.address() + " already belongs to queue " + owner));
    }
    if (cmd.address().equals(state.queueAddresses().get(cmd.queueId()))) return Effect().reply(cmd.replyTo(), StatusReply.ack());
    return Effect().persist(new QueueBound(cmd.queueId(), cmd.address())).thenRun(this::publish).thenReply(cmd.replyTo(), s -> StatusReply.ack());
  }

  @Override
  public EventHandler<DirectoryState, Event> eventHandler() {
    return newEventHandlerBuilder().forAnyState()
        .onEvent(AgentBound.class, (s, e) -> s.withAgent(e.agentId(), e.sipUser()))
        .onEvent(AgentUnbound.class, (s, e) -> s.withAgent(e.agentId(), null))
        .onEvent(QueueBound.class, (s, e) -> s.withQueue(e.queueId(), e.address()))
        .onEvent(QueueUnbound.class, (s, e) -> s.withQueue(e.queueId(), null))
        .build();
  }
}
