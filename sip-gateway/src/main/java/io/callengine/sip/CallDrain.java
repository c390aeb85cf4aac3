package io.callengine.sip;

import java.util.HashSet;
import java.util.Set;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * One step of a stopping node's drain, as a short-lived child of the {@link SipGateway}: watches
 * the call sessions that were up when the step began and answers {@code replyTo} once all have
 * ended. In the hang-up step it first tells each to hang up ({@link CallSession.Drain}); in the
 * waiting step the calls end on their own. {@link SipService} runs both steps from Pekko's
 * coordinated shutdown.
 */
final class CallDrain {
  private CallDrain() {}

  /** {@code hangUpReason} null: wait for the calls; otherwise hang them up with this reason. */
  static Behavior<Void> create(Set<ActorRef<CallSession.Message>> sessions, String hangUpReason, ActorRef<Done> replyTo) {
    return Behaviors.setup(ctx -> {
      Set<ActorRef<?>> left = new HashSet<>();
      for (ActorRef<CallSession.Message> session : sessions) {
        ctx.watch(session);
        left.add(session);
        if (hangUpReason != null) session.tell(new CallSession.Drain(hangUpReason));
      }
      if (hangUpReason != null && !sessions.isEmpty()) {
        ctx.getLog().info("Drain: hanging up {} call(s) still up", sessions.size());
      }
      if (left.isEmpty()) return done(replyTo);
      return Behaviors.<Void>receive(Void.class)
          .onSignal(Terminated.class, signal -> {
            left.remove(signal.getRef());
            return left.isEmpty() ? done(replyTo) : Behaviors.same();
          })
          .build();
    });
  }

  private static Behavior<Void> done(ActorRef<Done> replyTo) {
    replyTo.tell(Done.getInstance());
    return Behaviors.stopped();
  }
}
