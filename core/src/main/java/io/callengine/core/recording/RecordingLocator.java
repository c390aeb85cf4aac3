package io.callengine.core.recording;

import io.callengine.core.CborSerializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;

/**
 * One per node, registered with the Receptionist under {@link #KEY}: answers another node's
 * {@link RecordingLookup} whether this node's {@link Recordings} hold a call's recording, and if
 * so where to fetch it over HTTP ({@code <fetchBase>/internal/recordings/<callId>} with this
 * node's secret as bearer token). A node whose HTTP API is not bound answers that it has none.
 */
public final class RecordingLocator {
  public static final ServiceKey<Command> KEY = ServiceKey.create(Command.class, "recording-locator");

  public sealed interface Command {}

  public record Locate(String callId, ActorRef<Answer> replyTo) implements Command, CborSerializable {}

  /** {@code size} is null when {@code failure} is not. */
  private record Looked(String callId, Optional<Long> size, Throwable failure, ActorRef<Answer> replyTo)
      implements Command, NoSerializationVerificationNeeded {}

  /** {@code fetchBase} and {@code secret} are null when {@code found} is false. */
  public record Answer(String callId, boolean found, long size, String fetchBase, String secret) implements CborSerializable {
    static Answer none(String callId) {
      return new Answer(callId, false, 0, null, null);
    }
  }

  private RecordingLocator() {}

  static Behavior<Command> create(Recordings recordings, Supplier<Optional<String>> fetchBase, String secret, Executor blocking) {
    return Behaviors.setup(context -> {
      context.getSystem().receptionist().tell(Receptionist.register(KEY, context.getSelf()));
      return Behaviors.receive(Command.class)
          .onMessage(Locate.class, locate -> {
            context.pipeToSelf(CompletableFuture.supplyAsync(() -> recordings.find(locate.callId()).map(RecordingLocator::size), blocking),
                (size, failure) -> new Looked(locate.callId(), size, failure, locate.replyTo()));
            return Behaviors.same();
          })
          .onMessage(Looked.class, looked -> {
            if (looked.failure() != null) {
              context.getLog().warn("Looking for the recording of call {} failed: {}", looked.callId(), looked.failure().toString());
            }
            Optional<String> base = fetchBase.get();
            looked.replyTo().tell(looked.failure() == null && looked.size().isPresent() && base.isPresent()
                ? new Answer(looked.callId(), true, looked.size().get(), base.get(), secret)
                : Answer.none(looked.callId()));
            return Behaviors.same();
          })
          .build();
    });
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
