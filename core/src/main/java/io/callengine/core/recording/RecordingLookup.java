package io.callengine.core.recording;

import io.callengine.core.EngineException;
import io.callengine.core.Refusal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.receptionist.Receptionist;

/**
 * Finds a call's recording for the HTTP layer wherever it is in the cluster: in this node's
 * {@link Recordings} (or the shared directory, which every node reads), else on the node that
 * wrote it, asked through every other node's {@link RecordingLocator}. The bytes of a remote one
 * are then fetched by HTTP from that node ({@link Remote}), authenticated with that node's
 * secret: a random value made at each start that only cluster members learn, in a locator's
 * answer. The HTTP layer tells it where this node's API is bound ({@link #servedAt}).
 */
public final class RecordingLookup {
  /** Where a recording is. */
  public sealed interface Source {}

  public record Local(Path file) implements Source {}

  /** On another node: {@code GET <fetchBase>/internal/recordings/<callId>} with {@code Authorization: Bearer <secret>}. */
  public record Remote(String fetchBase, String secret, long size) implements Source {}

  private final ActorSystem<?> system;
  private final Recordings recordings;
  private final Executor blocking;
  private final Duration timeout;
  private final String secret;
  private volatile String fetchBase;
  private final ActorRef<RecordingLocator.Command> locator;

  private RecordingLookup(ActorSystem<?> system, Recordings recordings, Executor blocking, Duration timeout) {
    this.system = system;
    this.recordings = recordings;
    this.blocking = blocking;
    this.timeout = timeout;
    byte[] random = new byte[32];
    new SecureRandom().nextBytes(random);
    this.secret = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    this.locator = system.systemActorOf(RecordingLocator.create(recordings, () -> Optional.ofNullable(fetchBase), secret, blocking),
        "recording-locator", Props.empty());
  }

  /** Starts this node's {@link RecordingLocator}; {@code timeout} bounds each question to another node. */
  public static RecordingLookup start(ActorSystem<?> system, Recordings recordings, Executor blocking, Duration timeout) {
    return new RecordingLookup(system, recordings, blocking, timeout);
  }

  /** This node's HTTP API is bound at {@code base} ({@code http://host:port}), reachable from the other members. */
  public void servedAt(String base) {
    this.fetchBase = base;
  }

  /** Whether {@code token} is this node's secret (compared in constant time). */
  public boolean isNodeSecret(String token) {
    return token != null && MessageDigest.isEqual(secret.getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8));
  }

  /** The recording in this node's store (or the shared directory). */
  public CompletionStage<Optional<Path>> local(String callId) {
    return CompletableFuture.supplyAsync(() -> recordings.find(callId), blocking);
  }

  /**
   * The call's recording here, or on the first other node that says it has it; empty when no
   * node has it. Fails UNAVAILABLE when none has it but a node did not answer (it may hold it).
   */
  public CompletionStage<Optional<Source>> locate(String callId) {
    return local(callId).thenCompose(file -> {
      if (file.isPresent()) return CompletableFuture.completedFuture(Optional.<Source>of(new Local(file.get())));
      if (recordings.shared()) return CompletableFuture.completedFuture(Optional.<Source>empty());
      return otherLocators().thenCompose(others -> askEach(others, callId));
    });
  }

  private CompletionStage<List<ActorRef<RecordingLocator.Command>>> otherLocators() {
    return AskPattern.<Receptionist.Command, Receptionist.Listing>ask(system.receptionist(),
            replyTo -> Receptionist.find(RecordingLocator.KEY, replyTo), timeout, system.scheduler())
        .thenApply(listing -> listing.getServiceInstances(RecordingLocator.KEY).stream().filter(ref -> !ref.equals(locator)).toList());
  }

  /** The first answer that has it wins; the others are not waited for. */
  private CompletionStage<Optional<Source>> askEach(List<ActorRef<RecordingLocator.Command>> others, String callId) {
    CompletableFuture<Optional<Source>> result = new CompletableFuture<>();
    AtomicInteger pending = new AtomicInteger(others.size());
    AtomicInteger silent = new AtomicInteger();
    if (others.isEmpty()) result.complete(Optional.empty());
    for (ActorRef<RecordingLocator.Command> other : others) {
      AskPattern.<RecordingLocator.Command, RecordingLocator.Answer>ask(other,
              replyTo -> new RecordingLocator.Locate(callId, replyTo), timeout, system.scheduler())
          .whenComplete((answer, failure) -> {
            if (failure != null) silent.incrementAndGet();
            else if (answer.found()) result.complete(Optional.of(new Remote(answer.fetchBase(), answer.secret(), answer.size())));
            if (pending.decrementAndGet() > 0) return;
            if (silent.get() == 0) result.complete(Optional.empty());
            else result.completeExceptionally(new EngineException(Refusal.UNAVAILABLE, silent.get() + " node(s) of the cluster did not "
                + "answer whether they hold the recording of call " + callId + "; retry shortly"));
          });
    }
    return result;
  }
}
