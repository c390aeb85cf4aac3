package io.callengine.http;

import com.typesafe.config.Config;
import io.callengine.core.api.SupervisorApi.QueueSummary;
import io.callengine.core.events.CallCenterEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.QueueOfferResult;

/**
 * One client's event feed, an actor per SSE or WebSocket connection that {@link EventFeeds}
 * starts with the connection's stream. Subscribed to the engine's events topic, it keeps what
 * the client may see ({@link EventFilter}) and offers it to the connection's bounded buffer,
 * which never waits: when the buffer is full the item is dropped and counted. A client whose
 * buffer overflowed and has not drained to half within {@code stall-timeout} is cut off: its
 * stream ends with a {@link Closed} item saying why, as it does on {@link End} (its token was
 * revoked). The stream's end, whatever the cause, stops the actor, which unsubscribes.
 */
public final class EventFeed extends AbstractBehavior<EventFeed.Command> {
  static final String QUEUE_STATS = "queue-stats";
  static final String CLOSED = "closed";

  private static final AtomicLong DROPPED = new AtomicLong();
  private static final AtomicLong CUT_OFF = new AtomicLong();

  /** Events (and queue statistics) dropped on this node because a client's buffer was full. */
  public static long droppedEvents() {
    return DROPPED.get();
  }

  /** Connections this node closed because their client stopped taking events. */
  public static long slowClientsClosed() {
    return CUT_OFF.get();
  }

  /** The feed settings, {@code callengine.http.events}. */
  record Settings(int bufferSize, Duration stallTimeout, Duration keepAlive, Duration queueStatsInterval) {
    static Settings from(Config config) {
      Config events = config.getConfig("callengine.http.events");
      return new Settings(events.getInt("buffer-size"), events.getDuration("stall-timeout"), events.getDuration("keep-alive"),
          events.getDuration("queue-stats-interval"));
    }
  }

  /** What a feed carries to its client. */
  sealed interface Item {}

  record Published(CallCenterEvent event) implements Item {}

  /** Every queue's live figures (the ones the filter lets through), as {@code GET /api/v1/queues/stats} has them. */
  record QueueStats(Instant at, List<QueueSummary> queues) implements Item {}

  /** The last item of a feed that the server ended. */
  record Closed(Instant at, String reason) implements Item {}

  /** Ends a feed early; the message is the reason its client is told. */
  static final class Ended extends RuntimeException {
    Ended(String reason) {
      super(reason, null, false, false);
    }
  }

  /** A feed serves one HTTP connection of its node: its messages never cross nodes. */
  sealed interface Command extends org.apache.pekko.actor.NoSerializationVerificationNeeded {}

  private record Deliver(CallCenterEvent event) implements Command {}

  private enum StatsTick implements Command { INSTANCE }

  private enum StallCheck implements Command { INSTANCE }

  /** Ends the feed with a {@link Closed} item giving the reason. */
  record End(String reason) implements Command {}

  /** The connection's stream has ended. */
  enum Stop implements Command { INSTANCE }

  private final ActorRef<Topic.Command<CallCenterEvent>> topic;
  private final ActorRef<CallCenterEvent> subscriber;
  private final EventFilter filter;
  private final BoundedSourceQueue<Item> buffer;
  private final Settings settings;
  private final Supplier<QueueStats> latestStats;
  private final TimerScheduler<Command> timers;
  private final String client;
  private QueueStats lastStats;
  private boolean overflowing;
  private long dropped;

  static Behavior<Command> create(ActorRef<Topic.Command<CallCenterEvent>> topic, EventFilter filter, BoundedSourceQueue<Item> buffer,
      Settings settings, Supplier<QueueStats> latestStats, String client) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers ->
        new EventFeed(context, timers, topic, filter, buffer, settings, latestStats, client)));
  }

  private EventFeed(ActorContext<Command> context, TimerScheduler<Command> timers, ActorRef<Topic.Command<CallCenterEvent>> topic,
      EventFilter filter, BoundedSourceQueue<Item> buffer, Settings settings, Supplier<QueueStats> latestStats, String client) {
    super(context);
    this.topic = topic;
    this.filter = filter;
    this.buffer = buffer;
    this.settings = settings;
    this.latestStats = latestStats;
    this.timers = timers;
    this.client = client;
    this.subscriber = context.messageAdapter(CallCenterEvent.class, Deliver::new);
    topic.tell(Topic.subscribe(subscriber));
    if (settings.queueStatsInterval().toMillis() > 0 && filter.wantsQueueStats()) {
      timers.startTimerWithFixedDelay(StatsTick.INSTANCE, settings.queueStatsInterval());
    }
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Deliver.class, this::onDeliver)
        .onMessageEquals(StatsTick.INSTANCE, this::onStatsTick)
        .onMessageEquals(StallCheck.INSTANCE, this::onStallCheck)
        .onMessage(End.class, this::onEnd)
        .onMessageEquals(Stop.INSTANCE, this::onStop)
        .build();
  }

  private Behavior<Command> onDeliver(Deliver deliver) {
    if (filter.test(deliver.event())) offer(new Published(deliver.event()));
    return this;
  }

  private Behavior<Command> onStatsTick() {
    QueueStats latest = latestStats.get();
    if (latest != null && latest != lastStats) {
      lastStats = latest;
      List<QueueSummary> queues = filter.queueStats(latest.queues());
      if (queues != null) offer(new QueueStats(latest.at(), queues));
    }
    return this;
  }

  private Behavior<Command> onStallCheck() {
    if (!overflowing) return this;
    if (caughtUp()) {
      overflowing = false;
    } else {
      cutOff();
    }
    return this;
  }

  private Behavior<Command> onEnd(End end) {
    getContext().getLog().info("closing the event feed of {}: {}", client, end.reason());
    end(end.reason());
    return this;
  }

  private Behavior<Command> onStop() {
    topic.tell(Topic.unsubscribe(subscriber));
    return Behaviors.stopped();
  }

  /** Never waits: the item is buffered, or dropped and counted. Once the stream is ending offers are refused and Stop follows. */
  private void offer(Item item) {
    QueueOfferResult result = buffer.offer(item);
    if (result.isEnqueued()) {
      if (overflowing && caughtUp()) {
        overflowing = false;
        timers.cancel(StallCheck.INSTANCE);
      }
    } else if (result == QueueOfferResult.dropped()) {
      DROPPED.incrementAndGet();
      dropped++;
      if (!overflowing) {
        overflowing = true;
        getContext().getLog().warn("the event feed of {} is full: dropping events until it drains", client);
        timers.startSingleTimer(StallCheck.INSTANCE, settings.stallTimeout());
      }
    }
  }

  private boolean caughtUp() {
    return buffer.size() <= settings.bufferSize() / 2;
  }

  private static String readable(Duration duration) {
    return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + " s" : duration.toMillis() + " ms";
  }

  private void cutOff() {
    overflowing = false;
    if (buffer.isCompleted()) return;
    CUT_OFF.incrementAndGet();
    String reason = "the client took too few events: its buffer of " + settings.bufferSize() + " stayed full for "
        + readable(settings.stallTimeout()) + " and " + dropped + " events were dropped; reconnect and read faster";
    getContext().getLog().warn("closing the event feed of {}: {}", client, reason);
    end(reason);
  }

  private void end(String reason) {
    try {
      buffer.fail(new Ended(reason));
    } catch (IllegalStateException streamAlreadyEnded) {
      // the client went away meanwhile; Stop follows
    }
  }
}
