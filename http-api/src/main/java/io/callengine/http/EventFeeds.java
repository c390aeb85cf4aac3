package io.callengine.http;

import io.callengine.core.api.CallCenterEngine;
import io.callengine.core.api.SupervisorApi.QueueSummary;
import io.callengine.core.auth.Principal;
import io.callengine.core.auth.Role;
import io.callengine.core.events.CallCenterEvent;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.japi.pf.PFBuilder;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.SharedKillSwitch;
import org.apache.pekko.stream.javadsl.Source;

/**
 * Opens the event feeds of {@link EventRoutes}: each feed is a stream fed by its own
 * {@link EventFeed} actor through a bounded buffer. Holds what the feeds of a node share: their
 * settings, the latest queue statistics (read once per interval while any feed is open, not once
 * per feed) and the switch that ends them all, with a reason, when the node shuts down. A feed
 * opened with a supervisor or agent token ends as soon as this node's copy of the token hashes
 * no longer holds that token (revoked, or its agent deleted).
 */
final class EventFeeds {
  private static final AtomicLong SEQUENCE = new AtomicLong();
  private static final Duration LINGER = Duration.ofMillis(250);
  private static final Duration GRACE = Duration.ofSeconds(3);

  private final ActorSystem<?> system;
  private final ActorRef<Topic.Command<CallCenterEvent>> topic;
  private final Supplier<CompletionStage<List<QueueSummary>>> queueStats;
  private final Function<String, CompletableFuture<Done>> revocation;
  private final EventFeed.Settings settings;
  private final Clock clock;
  private final SharedKillSwitch shutdown = KillSwitches.shared("event-feeds");
  private final AtomicReference<EventFeed.QueueStats> latestStats = new AtomicReference<>();
  private final Set<CompletionStage<Done>> running = ConcurrentHashMap.newKeySet();

  EventFeeds(ActorSystem<?> system, ActorRef<Topic.Command<CallCenterEvent>> topic,
      Supplier<CompletionStage<List<QueueSummary>>> queueStats, Function<String, CompletableFuture<Done>> revocation,
      EventFeed.Settings settings, Clock clock) {
    this.system = system;
    this.topic = topic;
    this.queueStats = queueStats;
    this.revocation = revocation;
    this.settings = settings;
    this.clock = clock;
  }

  /** The feeds of an engine's node: queue statistics refreshed in the background, every feed ended at shutdown. */
  static EventFeeds start(CallCenterEngine engine) {
    EventFeed.Settings settings = EventFeed.Settings.from(engine.config());
    EventFeeds feeds = new EventFeeds(engine.system(), engine.events(), engine.supervisor()::queueStats,
        engine.lookups()::tokenRevoked, settings, engine.clock());
    if (settings.queueStatsInterval().toMillis() > 0) {
      engine.system().scheduler().scheduleWithFixedDelay(settings.queueStatsInterval(), settings.queueStatsInterval(),
          feeds::refreshQueueStats, engine.system().executionContext());
    }
    CoordinatedShutdown.get(engine.system()).addTask(CoordinatedShutdown.PhaseBeforeServiceUnbind(), "http-close-event-feeds",
        () -> feeds.closeAll("the server is shutting down"));
    return feeds;
  }

  EventFeed.Settings settings() {
    return settings;
  }

  /**
   * A new feed for one connection, opened with the token of this hash. Materializing it starts the
   * feed's actor; its end (the client went away, was cut off, its token was revoked, or the node
   * shuts down) stops the actor. A feed the server ends finishes with a {@link EventFeed.Closed} item.
   */
  Source<EventFeed.Item, NotUsed> open(EventFilter filter, String tokenHash) {
    String client = client(filter.principal());
    return Source.<EventFeed.Item>queue(settings.bufferSize())
        .mapMaterializedValue(buffer -> spawn(filter, buffer, client))
        .watchTermination((feed, done) -> {
          // The admin token comes from configuration, not from the revocable hashes.
          CompletableFuture<Done> revoked = filter.principal().role() == Role.ADMIN ? new CompletableFuture<>() : revocation.apply(tokenHash);
          revoked.thenRun(() -> feed.tell(new EventFeed.End("the token was revoked (or its agent deleted)")));
          done.whenComplete((ok, error) -> {
            revoked.cancel(false);
            feed.tell(EventFeed.Stop.INSTANCE);
          });
          return NotUsed.notUsed();
        })
        .via(shutdown.<EventFeed.Item>flow())
        .recover(new PFBuilder<Throwable, EventFeed.Item>()
            .match(EventFeed.Ended.class, ended -> new EventFeed.Closed(clock.instant(), ended.getMessage()))
            .build())
        .watchTermination((notUsed, done) -> {
          running.add(done);
          done.whenComplete((ok, error) -> running.remove(done));
          return NotUsed.notUsed();
        });
  }

  /**
   * Ends every feed, each with a last {@code closed} item giving {@code reason}. Completes once
   * they have all handed it on (plus {@link #LINGER} for the bytes to leave, which the HTTP
   * server's termination would otherwise cut off), or after {@link #GRACE} at the latest: a
   * client that reads nothing never gets it.
   */
  CompletionStage<Done> closeAll(String reason) {
    shutdown.abort(new EventFeed.Ended(reason));
    CompletableFuture<?>[] ending = running.stream().map(CompletionStage::toCompletableFuture).toArray(CompletableFuture[]::new);
    return CompletableFuture.allOf(ending)
        .handle((ok, error) -> Done.getInstance())
        .thenApplyAsync(done -> done, CompletableFuture.delayedExecutor(LINGER.toMillis(), TimeUnit.MILLISECONDS))
        .completeOnTimeout(Done.getInstance(), GRACE.toMillis(), TimeUnit.MILLISECONDS);
  }

  private ActorRef<EventFeed.Command> spawn(EventFilter filter, BoundedSourceQueue<EventFeed.Item> buffer, String client) {
    return system.systemActorOf(EventFeed.create(topic, filter, buffer, settings, latestStats::get, client),
        "event-feed-" + SEQUENCE.incrementAndGet(), Props.empty());
  }

  private void refreshQueueStats() {
    if (running.isEmpty()) return;
    queueStats.get().thenAccept(queues -> latestStats.set(new EventFeed.QueueStats(clock.instant(), queues)));
  }

  private static String client(Principal principal) {
    return principal.role().name().toLowerCase(Locale.ROOT) + " token '" + principal.label() + "'";
  }
}
