package io.callengine.core.api;

import io.callengine.core.CborSerializable;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;
import org.apache.pekko.pattern.StatusReply;

/**
 * The actor that stands for one registered {@link CallHandler} in the cluster: listed with the
 * Receptionist under {@link #KEY}, so that {@link CallHandlers} on every node can ask it. It
 * calls the handler and replies with its decision, or with an error that says why there is none
 * (the handler threw, failed its stage or gave null); it stops when the registration ends, and
 * the Receptionist then drops it everywhere.
 */
final class CallHandlerActor {
  static final ServiceKey<Decide> KEY = ServiceKey.create(Decide.class, "call-handler");

  sealed interface Command {}

  /** Asks for the decision on {@code call}. */
  record Decide(IncomingCall call, ActorRef<StatusReply<CallDecision>> replyTo) implements Command, CborSerializable {}

  /** Ends the registration; sent only by the node that registered the handler. */
  enum Stop implements Command, NoSerializationVerificationNeeded { INSTANCE }

  private CallHandlerActor() {}

  static Behavior<Command> create(CallHandler handler) {
    return Behaviors.setup(context -> {
      context.getSystem().receptionist().tell(Receptionist.register(KEY, context.getSelf().narrow()));
      return Behaviors.receive(Command.class)
          .onMessage(Decide.class, decide -> {
            ask(handler, decide);
            return Behaviors.same();
          })
          .onMessageEquals(Stop.INSTANCE, Behaviors::stopped)
          .build();
    });
  }

  /** The reply goes straight from the thread that completes the handler's stage: nothing here waits for it. */
  private static void ask(CallHandler handler, Decide decide) {
    CompletionStage<CallDecision> stage;
    try {
      stage = handler.decide(decide.call());
    } catch (RuntimeException e) {
      decide.replyTo().tell(StatusReply.error("threw " + describe(e)));
      return;
    }
    if (stage == null) {
      decide.replyTo().tell(StatusReply.error("returned no stage"));
      return;
    }
    stage.whenComplete((decision, error) -> decide.replyTo().tell(
        error != null ? StatusReply.error("failed: " + describe(error))
            : decision == null ? StatusReply.error("decided null") : StatusReply.success(decision)));
  }

  /** The exception's class and message, without a stack trace: the asking node logs it once per call. */
  private static String describe(Throwable error) {
    Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null ? error.getCause() : error;
    return cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
  }
}
