package io.callengine.core.persistence;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.BehaviorInterceptor;
import org.apache.pekko.actor.typed.Signal;
import org.apache.pekko.actor.typed.TypedActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.projection.ProjectionBehavior;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Console$;

/**
 * Wraps a projection's actor so that what the projection library prints with Scala's
 * {@code println} while the actor handles a message goes to the log at DEBUG instead of stdout.
 * pekko-projection-jdbc (1.0.0 to its main branch) prints {@code # stop <projection>} on every
 * stop of a JDBC projection, ten lines on every node shutdown. Used by {@link ReadSide}.
 */
final class ProjectionConsole extends BehaviorInterceptor<ProjectionBehavior.Command, ProjectionBehavior.Command> {
  private static final Logger log = LoggerFactory.getLogger(ProjectionConsole.class);

  static Behavior<ProjectionBehavior.Command> wrap(Behavior<ProjectionBehavior.Command> projection) {
    return Behaviors.intercept(ProjectionConsole::new, projection);
  }

  private ProjectionConsole() {
    super(ProjectionBehavior.Command.class);
  }

  @Override
  public Behavior<ProjectionBehavior.Command> aroundReceive(TypedActorContext<ProjectionBehavior.Command> ctx,
      ProjectionBehavior.Command msg, ReceiveTarget<ProjectionBehavior.Command> target) {
    return captured(() -> target.apply(ctx, msg));
  }

  /** The projection stops its stream on PostStop too. */
  @Override
  public Behavior<ProjectionBehavior.Command> aroundSignal(TypedActorContext<ProjectionBehavior.Command> ctx,
      Signal signal, SignalTarget<ProjectionBehavior.Command> target) {
    return captured(() -> target.apply(ctx, signal));
  }

  /** Scala's Console.out is per thread: redirected for this call on this thread only. */
  private static <T> T captured(scala.Function0<T> handling) {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    T next = Console$.MODULE$.withOut(printed, handling);
    if (printed.size() > 0) log.debug("{}", printed.toString(StandardCharsets.UTF_8).strip());
    return next;
  }
}
