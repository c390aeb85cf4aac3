package io.callengine.core.call;

import com.typesafe.config.Config;
import io.callengine.core.records.CallRecords;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.Done;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.RecipientRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * After a node starts, finds the calls that {@code call_records} still shows open from before the
 * start and asks each to {@link CallEntity.VerifyAfterRestart verify itself}: a call whose SIP legs
 * died with this node's previous process ends, whatever state it was left in, and its agents and
 * queue are told; a call held by another node is left alone. Node-local, started by
 * {@code CallCenterEngine} once the node is up, on engine nodes only. It pages through the records
 * a batch at a time and asks the next batch only once the last one answered, so thousands of stale
 * calls do not flood a start; it goes over the records again every interval until its window is
 * over, for the rows the read side writes late, and asks each call once.
 */
public final class RestartSweep {
  private RestartSweep() {}

  /** {@code batchSize} calls asked at once; a new round every {@code interval} until {@code window} after the start. */
  public record Settings(int batchSize, Duration interval, Duration window, Duration askTimeout) {
    public static Settings from(Config config) {
      Config c = config.getConfig("callengine.recovery");
      Settings settings = new Settings(c.getInt("sweep-batch-size"), c.getDuration("sweep-interval"), c.getDuration("sweep-window"),
          config.getDuration("callengine.ask-timeout"));
      if (settings.batchSize() < 1 || settings.interval().isNegative() || settings.interval().isZero()) {
        throw new IllegalArgumentException("callengine.recovery: sweep-batch-size must be at least 1 and sweep-interval positive");
      }
      return settings;
    }
  }

  interface Command extends NoSerializationVerificationNeeded {}

  private enum Round implements Command { INSTANCE }

  private record Page(List<String> ids, Throwable failure) implements Command {}

  private record BatchAnswered(List<String> answered, String lastId, boolean full) implements Command {}

  /**
   * {@code node} is this node's address, {@code startedAt} the instant it started; {@code calls}
   * gives the entity of a call id.
   */
  public static Behavior<?> create(CallRecords records, Function<String, RecipientRef<CallEntity.Command>> calls, String node,
      Instant startedAt, Clock clock, Settings settings) {
    return Behaviors.<Command>setup(ctx -> Behaviors.withTimers(timers -> {
      ctx.setLoggerName(RestartSweep.class);
      ctx.getSelf().tell(Round.INSTANCE);
      return new Sweep(records, calls, node, startedAt, clock, settings, ctx, timers).idle();
    }));
  }

  private static final class Sweep {
    private final CallRecords records;
    private final Function<String, RecipientRef<CallEntity.Command>> calls;
    private final String node;
    private final Instant startedAt;
    private final Clock clock;
    private final Settings settings;
    private final ActorContext<Command> ctx;
    private final TimerScheduler<Command> timers;
    private final Set<String> asked = new HashSet<>();
    private int askedThisRound;

    Sweep(CallRecords records, Function<String, RecipientRef<CallEntity.Command>> calls, String node, Instant startedAt,
        Clock clock, Settings settings, ActorContext<Command> ctx, TimerScheduler<Command> timers) {
      this.records = records;
      this.calls = calls;
      this.node = node;
      this.startedAt = startedAt;
      this.clock = clock;
      this.settings = settings;
      this.ctx = ctx;
      this.timers = timers;
    }

    Behavior<Command> idle() {
      return Behaviors.receive(Command.class)
          .onMessageEquals(Round.INSTANCE, () -> {
            askedThisRound = 0;
            readPage(null);
            return Behaviors.same();
          })
          .onMessage(Page.class, this::onPage)
          .onMessage(BatchAnswered.class, this::onBatchAnswered)
          .build();
    }

    private void readPage(String afterCallId) {
      ctx.pipeToSelf(records.openBefore(startedAt, afterCallId, settings.batchSize()), Page::new);
    }

    private Behavior<Command> onPage(Page page) {
      if (page.failure() != null) {
        ctx.getLog().warn("Restart sweep: the call records could not be read, trying again in {}: {}", settings.interval(),
            page.failure().getMessage());
        return roundOver();
      }
      List<String> fresh = page.ids().stream().filter(id -> !asked.contains(id)).toList();
      boolean full = page.ids().size() == settings.batchSize();
      if (page.ids().isEmpty()) return roundOver();
      String lastId = page.ids().get(page.ids().size() - 1);
      ctx.pipeToSelf(askAll(fresh), (answered, failure) -> new BatchAnswered(answered, lastId, full));
      return Behaviors.same();
    }

    /** Completes with the ids that answered; one that did not is asked again next round. */
    private CompletionStage<List<String>> askAll(List<String> ids) {
      List<CompletableFuture<String>> answers = new ArrayList<>();
      for (String id : ids) {
        answers.add(AskPattern.<CallEntity.Command, Done>ask(calls.apply(id), r -> new CallEntity.VerifyAfterRestart(node, r),
                settings.askTimeout(), ctx.getSystem().scheduler())
            .handle((done, failure) -> failure == null ? id : null).toCompletableFuture());
      }
      return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new))
          .thenApply(all -> answers.stream().map(CompletableFuture::join).filter(id -> id != null).toList());
    }

    private Behavior<Command> onBatchAnswered(BatchAnswered batch) {
      List<String> answered = batch.answered() == null ? List.of() : batch.answered();
      asked.addAll(answered);
      askedThisRound += answered.size();
      if (batch.full()) {
        readPage(batch.lastId());
        return Behaviors.same();
      }
      return roundOver();
    }

    private Behavior<Command> roundOver() {
      if (askedThisRound > 0) {
        ctx.getLog().info("Restart sweep: asked {} call(s) left open from before this node started to verify themselves", askedThisRound);
      }
      if (Duration.between(startedAt, clock.instant()).compareTo(settings.window()) < 0) {
        timers.startSingleTimer(Round.INSTANCE, settings.interval());
        return Behaviors.same();
      }
      if (!asked.isEmpty()) {
        ctx.getLog().info("Restart sweep over: {} call(s) left open from before this node started were asked to verify themselves",
            asked.size());
      }
      return Behaviors.stopped();
    }
  }
}
