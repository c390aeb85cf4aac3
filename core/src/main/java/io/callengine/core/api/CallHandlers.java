package io.callengine.core.api;

import io.callengine.core.policy.IvrMenu;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.apache.pekko.Done;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.cluster.typed.Cluster;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's way to the cluster's {@link CallHandler}s, for the SIP gateway: follows the
 * Receptionist's listing of handler actors, and for a new call asks one (one on this node when
 * there is one) within {@code callengine.call-handler.timeout}. Every outcome is counted in
 * {@code callengine.call.handler}; an answer the gateway cannot use (a timeout, a failure, an
 * unknown queue or menu) is logged once at WARN and becomes "the routing policies decide".
 * {@link CallCenterEngine#registerCallHandler} registers handlers through it.
 */
public final class CallHandlers {
  private static final Logger log = LoggerFactory.getLogger(CallHandlers.class);
  private static final Duration REGISTRATION_LIMIT = Duration.ofSeconds(10);
  private static final AtomicLong SEQUENCE = new AtomicLong();

  /** Handler actors on this node, and on the others; each replaced whole on every listing. */
  private record Known(List<ActorRef<CallHandlerActor.Decide>> local, List<ActorRef<CallHandlerActor.Decide>> remote) {
    boolean contains(ActorRef<?> ref) {
      return local.contains(ref) || remote.contains(ref);
    }
  }

  private record Listed(Receptionist.Listing listing) implements NoSerializationVerificationNeeded {}

  private final ActorSystem<?> system;
  private final Lookups lookups;
  private final Duration timeout;
  private final Map<String, Counter> outcomes;
  private final AtomicInteger turn = new AtomicInteger();
  private volatile Known known = new Known(List.of(), List.of());
  /** Checks run after every listing: registrations waiting for this node to list, or drop, their actor. */
  private final Queue<Runnable> waiters = new ConcurrentLinkedQueue<>();

  CallHandlers(ActorSystem<?> system, Lookups lookups, Duration timeout, MeterRegistry metrics) {
    this.system = system;
    this.lookups = lookups;
    this.timeout = timeout;
    this.outcomes = Map.of("decided", counter(metrics, "decided"), "timed-out", counter(metrics, "timed-out"),
        "failed", counter(metrics, "failed"), "invalid", counter(metrics, "invalid"));
    system.systemActorOf(follower(), "call-handlers", Props.empty());
  }

  private static Counter counter(MeterRegistry metrics, String outcome) {
    return Counter.builder("callengine.call.handler")
        .description("New calls this node asked a call handler about, by outcome: decided, timed-out, failed, invalid "
            + "(a queue or IVR menu the engine does not have); all but decided were routed by the policies")
        .tag("outcome", outcome).register(metrics);
  }

  /** Whether any node of the cluster has a handler this node can reach; without one, no call waits for a decision. */
  public boolean available() {
    Known now = known;
    return !now.local().isEmpty() || !now.remote().isEmpty();
  }

  /** The handlers this node can ask now, its own and the other nodes'. */
  public int count() {
    Known now = known;
    return now.local().size() + now.remote().size();
  }

  /** How long a call waits for a decision. */
  public Duration timeout() {
    return timeout;
  }

  /**
   * Asks a handler about {@code call}: its decision, checked against this node's copies of the
   * queues and routing policies, or empty when the routing policies are to decide (no handler,
   * no answer in time, a failure, an unknown queue or menu). Never fails.
   */
  public CompletionStage<Optional<CallDecision>> decide(IncomingCall call) {
    ActorRef<CallHandlerActor.Decide> handler = pick();
    if (handler == null) return CompletableFuture.completedFuture(Optional.empty());
    return AskPattern.<CallHandlerActor.Decide, CallDecision>askWithStatus(handler,
            replyTo -> new CallHandlerActor.Decide(call, replyTo), timeout, system.scheduler())
        .handleAsync((decision, error) -> error != null ? failed(call, error) : checked(call, decision), Runnable::run);
  }

  /** A handler on this node when there is one, else one on another node; turn by turn among several. */
  private ActorRef<CallHandlerActor.Decide> pick() {
    Known now = known;
    List<ActorRef<CallHandlerActor.Decide>> from = now.local().isEmpty() ? now.remote() : now.local();
    if (from.isEmpty()) return null;
    return from.get(Math.floorMod(turn.getAndIncrement(), from.size()));
  }

  private Optional<CallDecision> checked(IncomingCall call, CallDecision decision) {
    String unusable = null;
    if (decision instanceof CallDecision.ToQueue queue && !lookups.queueExists(queue.queueId())) {
      unusable = "sent it to queue '" + queue.queueId() + "', which does not exist";
    } else if (decision instanceof CallDecision.ToIvr ivr && ivrMenu(ivr.policyId()).isEmpty()) {
      unusable = "sent it to the IVR of routing policy '" + ivr.policyId() + "', which does not exist or has no IVR menu";
    }
    if (unusable == null) {
      outcomes.get("decided").increment();
      return Optional.of(decision);
    }
    outcomes.get("invalid").increment();
    log.warn("Call {}: the call handler {}; the routing policies decide", call.callId(), unusable);
    return Optional.empty();
  }

  private Optional<CallDecision> failed(IncomingCall call, Throwable error) {
    Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null ? error.getCause() : error;
    if (cause instanceof TimeoutException) {
      outcomes.get("timed-out").increment();
      log.warn("Call {}: the call handler did not decide within {} ms; the routing policies decide", call.callId(), timeout.toMillis());
    } else {
      outcomes.get("failed").increment();
      log.warn("Call {}: the call handler {}; the routing policies decide", call.callId(), cause.getMessage());
    }
    return Optional.empty();
  }

  /** The IVR menu of routing policy {@code policyId}, as this node routes by it. */
  public Optional<IvrMenu> ivrMenu(String policyId) {
    return lookups.policy(policyId).map(io.callengine.core.policy.RoutingPolicy::ivr);
  }

  CallHandler.Registration register(CallHandler handler) {
    ActorRef<CallHandlerActor.Command> actor =
        system.systemActorOf(CallHandlerActor.create(handler), "call-handler-" + SEQUENCE.incrementAndGet(), Props.empty());
    CompletionStage<Done> active = when(now -> now.contains(actor));
    return new CallHandler.Registration() {
      @Override
      public CompletionStage<Done> whenActive() {
        return active;
      }

      @Override
      public CompletionStage<Done> unregister() {
        actor.tell(CallHandlerActor.Stop.INSTANCE);
        return when(now -> !now.contains(actor));
      }
    };
  }

  /** Completes once this node's listing satisfies {@code condition}; fails after {@link #REGISTRATION_LIMIT}. */
  private CompletionStage<Done> when(Predicate<Known> condition) {
    CompletableFuture<Done> done = new CompletableFuture<>();
    Runnable check = () -> {
      if (condition.test(known)) done.completeAsync(Done::getInstance, system.executionContext());
    };
    waiters.add(check);
    check.run();
    done.orTimeout(REGISTRATION_LIMIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
        .whenComplete((result, error) -> waiters.remove(check));
    return done;
  }

  private Behavior<Listed> follower() {
    return Behaviors.setup(context -> {
      ActorRef<Receptionist.Listing> adapter = context.messageAdapter(Receptionist.Listing.class, Listed::new);
      context.getSystem().receptionist().tell(Receptionist.subscribe(CallHandlerActor.KEY, adapter));
      Address self = Cluster.get(context.getSystem()).selfMember().address();
      return Behaviors.receiveMessage(listed -> {
        List<ActorRef<CallHandlerActor.Decide>> all = List.copyOf(listed.listing().getServiceInstances(CallHandlerActor.KEY));
        Predicate<ActorRef<?>> here = ref -> ref.path().address().hasLocalScope() || ref.path().address().equals(self);
        known = new Known(all.stream().filter(here).toList(), all.stream().filter(here.negate()).toList());
        waiters.forEach(Runnable::run);
        return Behaviors.same();
      });
    });
  }
}
