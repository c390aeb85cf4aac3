package io.callengine.core;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.RecipientRef;
import org.apache.pekko.japi.function.Function;
import org.apache.pekko.pattern.StatusReply;

/**
 * The one way of asking the domain, for the facades, the SIP gateway and the entities that ask
 * each other: {@code askWithStatus} with a timeout, refusals turned into {@link EngineException}s
 * and timeouts into UNAVAILABLE.
 */
public final class Asks {
  /** A node lost is downed and its entities are back elsewhere in about 10 s: retries outlast that. */
  private static final Duration RETRY_ATTEMPT = Duration.ofSeconds(2);
  private static final Duration RETRY_WITHIN = Duration.ofSeconds(20);
  /** An ask that fails at once (a stopping system) must not be repeated in a tight loop. */
  private static final Duration RETRY_PAUSE = Duration.ofMillis(100);
  /**
   * The stages Pekko's asks return wrap Scala futures and run every step, even a non-async
   * one, on the JDK's default executor: on a machine of two cores that executor starts a thread
   * per step. The steps here are short, so they run on the thread that completes the ask.
   */
  private static final Executor INLINE = Runnable::run;
  private static final scala.concurrent.ExecutionContextExecutor ON_SCHEDULER =
      org.apache.pekko.dispatch.ExecutionContexts.fromExecutor(INLINE);
  private final Duration timeout;
  private final Scheduler scheduler;

  public Asks(Duration timeout, Scheduler scheduler) {
    this.timeout = timeout;
    this.scheduler = scheduler;
  }

  /** Asks an entity or an actor for a reply that may be a refusal. */
  public <C, T> CompletionStage<T> ask(RecipientRef<C> ref, Function<ActorRef<StatusReply<T>>, C> message) {
    return mapped(AskPattern.askWithStatus(ref, message, timeout, scheduler));
  }

  /**
   * Asks an entity again while it does not answer, for up to 20 s: for commands that a repeat
   * does not harm (idempotent, or repeating a fact), so that a caller or a phone waits through a
   * failover instead of being refused, and a notice is not lost with a node. While a node is lost and not yet
   * downed, the entities it held do not answer; once its shards are back on a survivor, they do.
   * A refusal is an answer and is not retried.
   */
  public <C, T> CompletionStage<T> askRetrying(RecipientRef<C> ref, Function<ActorRef<StatusReply<T>>, C> message) {
    long deadline = System.nanoTime() + RETRY_WITHIN.toNanos();
    return retry(() -> AskPattern.askWithStatus(ref, message, RETRY_ATTEMPT, scheduler), deadline);
  }

  private <T> CompletionStage<T> retry(java.util.function.Supplier<CompletionStage<T>> ask, long deadline) {
    return inline(ask.get()).handle((value, error) -> {
      if (error == null) return CompletableFuture.completedFuture(value);
      boolean noAnswer = Refusal.toException(error).refusal() == Refusal.UNAVAILABLE && !isRefusal(error);
      if (noAnswer && System.nanoTime() < deadline) return afterPause(() -> retry(ask, deadline));
      return CompletableFuture.<T>failedFuture(Refusal.toException(error));
    }).thenCompose(stage -> stage);
  }

  /** {@code next} after {@link #RETRY_PAUSE}, on the scheduler's thread; failed if the scheduler is gone. */
  private <T> CompletionStage<T> afterPause(java.util.function.Supplier<CompletionStage<T>> next) {
    CompletableFuture<T> result = new CompletableFuture<>();
    try {
      scheduler.scheduleOnce(RETRY_PAUSE, () -> next.get().whenComplete((value, error) -> {
        if (error != null) result.completeExceptionally(error);
        else result.complete(value);
      }), ON_SCHEDULER);
    } catch (IllegalStateException stopped) {
      result.completeExceptionally(new EngineException(Refusal.UNAVAILABLE, "the engine is stopping"));
    }
    return result;
  }

  /** A StatusReply error is the entity's answer, even when it says UNAVAILABLE. */
  private static boolean isRefusal(Throwable error) {
    Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null ? error.getCause() : error;
    return cause instanceof StatusReply.ErrorMessage;
  }

  /** A plain ask for replies that cannot be refused. */
  public <C, T> CompletionStage<T> plain(RecipientRef<C> ref, Function<ActorRef<T>, C> message) {
    return mapped(AskPattern.ask(ref, message, timeout, scheduler));
  }

  private static <T> CompletionStage<T> mapped(CompletionStage<T> stage) {
    return inline(stage, Refusal::toException);
  }

  private static <T> CompletableFuture<T> inline(CompletionStage<T> stage) {
    return inline(stage, error -> error);
  }

  private static <T> CompletableFuture<T> inline(CompletionStage<T> stage, java.util.function.Function<Throwable, Throwable> errors) {
    CompletableFuture<T> result = new CompletableFuture<>();
    stage.whenCompleteAsync((value, error) -> {
      if (error != null) result.completeExceptionally(errors.apply(error));
      else result.complete(value);
    }, INLINE);
    return result;
  }
}
