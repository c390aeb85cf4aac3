package io.callengine.core.replicated;

import java.time.Duration;
import java.util.HashMap;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.pekko.Done;
import org.apache.pekko.actor.Cancellable;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ddata.LWWMap;
import org.apache.pekko.cluster.ddata.Key;
import org.apache.pekko.cluster.ddata.LWWMapKey;
import org.apache.pekko.cluster.ddata.SelfUniqueAddress;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;

/**
 * A map that every node holds a copy of: Pekko Distributed Data, one {@link LWWMap} under one
 * key. Its one writer, a cluster singleton, {@link #writer publishes} its whole content after
 * every change and after it recovers; every node reads its own copy here. So a lookup on the call
 * path neither asks nor waits on the singleton, and keeps answering while the singleton moves.
 * A write goes straight to every reachable node (WriteAll) and by gossip to the rest. A map
 * whose entries each have an owner of their own (an entity that publishes its own entry) uses
 * {@link #entryWriter} instead.
 */
public final class ReplicatedView<V> {
  private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(3);

  private final Key<LWWMap<String, V>> key;
  private final CompletableFuture<ReplicatedView<V>> loaded = new CompletableFuture<>();
  private volatile Map<String, V> entries = Map.of();
  /** Checks run after every change: callers waiting for this node's copy to show a write. */
  private final Queue<Runnable> waiters = new ConcurrentLinkedQueue<>();

  private ReplicatedView(String name) {
    this.key = LWWMapKey.create(name);
  }

  /** Follows the map {@code name} on this node from now on. */
  public static <V> ReplicatedView<V> follow(ActorSystem<?> system, String name) {
    ReplicatedView<V> view = new ReplicatedView<>(name);
    system.systemActorOf(view.follower(), "replicated-" + name, Props.empty());
    return view;
  }

  /** This node's copy: an immutable snapshot, replaced as a whole on every change. */
  public Map<String, V> entries() {
    return entries;
  }

  public V get(String id) {
    return entries.get(id);
  }

  /** Completes once the map has been written at least once (by the writer here, or by gossip from another node). */
  public CompletionStage<ReplicatedView<V>> loaded() {
    return loaded;
  }

  /**
   * Completes once this node's copy satisfies {@code condition}, or after {@code timeout}: a write
   * is stored either way, only its arrival here would be late.
   */
  public CompletionStage<Done> when(Predicate<Map<String, V>> condition, Duration timeout, ActorSystem<?> system) {
    CompletableFuture<Done> done = until(condition, system);
    Cancellable timer = system.scheduler().scheduleOnce(timeout, () -> done.complete(Done.getInstance()), system.executionContext());
    done.whenComplete((result, error) -> timer.cancel());
    return done;
  }

  /**
   * Completes once this node's copy satisfies {@code condition}, however long that takes; complete
   * or cancel the result to stop watching.
   */
  public CompletableFuture<Done> until(Predicate<Map<String, V>> condition, ActorSystem<?> system) {
    CompletableFuture<Done> done = new CompletableFuture<>();
    // Completed on the dispatcher, not on the follower actor that runs the check.
    Runnable check = () -> {
      if (condition.test(entries)) done.completeAsync(Done::getInstance, system.executionContext());
    };
    waiters.add(check);
    check.run();
    done.whenComplete((result, error) -> waiters.remove(check));
    return done;
  }

  /** What the writer calls with its whole content: only the entries that differ travel. */
  public static <V> Consumer<Map<String, V>> writer(ActorSystem<?> system, String name) {
    Key<LWWMap<String, V>> key = LWWMapKey.create(name);
    DistributedData ddata = DistributedData.get(system);
    SelfUniqueAddress self = ddata.selfUniqueAddress();
    return content -> {
      Map<String, V> wanted = Map.copyOf(content);
      ddata.replicator().tell(new Replicator.Update<>(key, LWWMap.create(), new Replicator.WriteAll(WRITE_TIMEOUT),
          system.ignoreRef(), current -> reconcile(current, wanted, self)));
      // Followers on this node hear of it now, not at the next notification tick.
      ddata.replicator().tell(Replicator.flushChanges());
    };
  }

  /**
   * Writes one entry of the map {@code name}; a null value removes it. For maps where each
   * entry's owner (e.g. an entity) writes its own entry, unlike {@link #writer}'s one writer.
   */
  public static <V> java.util.function.BiConsumer<String, V> entryWriter(ActorSystem<?> system, String name) {
    Key<LWWMap<String, V>> key = LWWMapKey.create(name);
    DistributedData ddata = DistributedData.get(system);
    SelfUniqueAddress self = ddata.selfUniqueAddress();
    return (id, value) -> {
      ddata.replicator().tell(new Replicator.Update<>(key, LWWMap.create(), new Replicator.WriteAll(WRITE_TIMEOUT),
          system.ignoreRef(), current -> {
            if (value == null) return current.contains(id) ? current.remove(self, id) : current;
            scala.Option<V> now = current.get(id);
            return now.isDefined() && value.equals(now.get()) ? current : current.put(self, id, value);
          }));
      ddata.replicator().tell(Replicator.flushChanges());
    };
  }

  private static <V> LWWMap<String, V> reconcile(LWWMap<String, V> current, Map<String, V> wanted, SelfUniqueAddress self) {
    LWWMap<String, V> next = current;
    Map<String, V> existing = new HashMap<>(current.getEntries());
    for (String id : existing.keySet()) {
      if (!wanted.containsKey(id)) next = next.remove(self, id);
    }
    for (Map.Entry<String, V> entry : wanted.entrySet()) {
      if (!Objects.equals(existing.get(entry.getKey()), entry.getValue())) next = next.put(self, entry.getKey(), entry.getValue());
    }
    return next;
  }

  private record Update<V>(Replicator.SubscribeResponse<LWWMap<String, V>> response)
      implements org.apache.pekko.actor.NoSerializationVerificationNeeded {}

  private Behavior<Update<V>> follower() {
    return Behaviors.setup(ctx -> DistributedData.<Update<V>, LWWMap<String, V>>withReplicatorMessageAdapter(adapter -> {
      adapter.subscribe(key, Update::new);
      return Behaviors.receiveMessage(update -> {
        if (update.response() instanceof Replicator.Changed<LWWMap<String, V>> changed) {
          entries = Map.copyOf(changed.get(key).getEntries());
          loaded.complete(this);
          waiters.forEach(Runnable::run);
        }
        return Behaviors.same();
      });
    }));
  }
}
