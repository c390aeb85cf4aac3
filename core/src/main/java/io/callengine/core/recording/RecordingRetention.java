package io.callengine.core.recording;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * One per node, started with the engine: every {@code callengine.recording.retention-sweep-interval}
 * (and once at start) deletes the recordings older than the retention from this node's
 * {@link Recordings} on the blocking dispatcher, logs how many and counts them in
 * {@code callengine_recordings_deleted_total}. The time is the engine's clock.
 */
public final class RecordingRetention {
  public sealed interface Command extends NoSerializationVerificationNeeded {}

  private enum Sweep implements Command { INSTANCE }

  private record Done(Recordings.Swept swept, Throwable failure) implements Command {}

  private RecordingRetention() {}

  /** {@code 90d} or {@code 36h} as the setting is written, rather than {@code PT2160H}. */
  static String readable(Duration retention) {
    if (retention.toHours() % 24 == 0) return retention.toDays() + "d";
    return retention.toMinutes() % 60 == 0 ? retention.toHours() + "h" : retention.toMinutes() + "m";
  }

  public static Behavior<Command> create(Recordings recordings, Clock clock, MeterRegistry metrics, Executor blocking) {
    Counter deleted = Counter.builder("callengine.recordings.deleted")
        .description("Recordings deleted because they were older than the retention").register(metrics);
    return Behaviors.setup(context -> Behaviors.withTimers(timers -> {
      context.getSelf().tell(Sweep.INSTANCE);
      timers.startTimerWithFixedDelay(Sweep.INSTANCE, recordings.settings().sweepInterval());
      return idle(context, recordings, clock, deleted, blocking);
    }));
  }

  private static Behavior<Command> idle(ActorContext<Command> context, Recordings recordings, Clock clock, Counter deleted,
      Executor blocking) {
    return Behaviors.receive(Command.class)
        .onMessageEquals(Sweep.INSTANCE, () -> {
          context.pipeToSelf(CompletableFuture.supplyAsync(() -> recordings.sweep(clock.instant()), blocking), Done::new);
          return sweeping(context, recordings, clock, deleted, blocking);
        })
        .build();
  }

  /** One sweep at a time: a tick that comes during a slow sweep is dropped, the next one sweeps. */
  private static Behavior<Command> sweeping(ActorContext<Command> context, Recordings recordings, Clock clock, Counter deleted,
      Executor blocking) {
    return Behaviors.receive(Command.class)
        .onMessageEquals(Sweep.INSTANCE, Behaviors::same)
        .onMessage(Done.class, done -> {
          if (done.failure() != null) {
            context.getLog().warn("Recording retention sweep of {} failed: {}", recordings.root(), done.failure().getMessage());
          } else if (done.swept().files() > 0 || done.swept().directories() > 0) {
            deleted.increment(done.swept().files());
            context.getLog().info("Recording retention: deleted {} recording(s) older than {} from {} (and {} emptied day directories)",
                done.swept().files(), readable(recordings.settings().retention()), recordings.root(), done.swept().directories());
          }
          return idle(context, recordings, clock, deleted, blocking);
        })
        .build();
  }
}
