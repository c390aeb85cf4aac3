package io.callengine.core.api;

import io.callengine.core.Refusal;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.RecipientRef;
import org.apache.pekko.japi.function.Function;
import org.apache.pekko.pattern.StatusReply;

/**
 * The facades' one way of asking the domain: {@code askWithStatus} with the configured timeout,
 * refusals turned into {@link io.callengine.core.EngineException}s and timeouts into UNAVAILABLE.
 */
public final class Asks {
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

  /** A plain ask for replies that cannot be refused. */
  public <C, T> CompletionStage<T> plain(RecipientRef<C> ref, Function<ActorRef<T>, C> message) {
    return mapped(AskPattern.ask(ref, message, timeout, scheduler));
  }

  private static <T> CompletionStage<T> mapped(CompletionStage<T> stage) {
    CompletableFuture<T> result = new CompletableFuture<>();
    stage.whenComplete((value, error) -> {
      if (error != null) result.completeExceptionally(Refusal.toException(error));
      else result.complete(value);
    });
    return result;
  }
}
