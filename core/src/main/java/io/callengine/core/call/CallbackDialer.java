package io.callengine.core.call;

import io.callengine.core.CborSerializable;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/**
 * This node's way to start the legs of a callback: the SIP gateway registers the actor that
 * answers {@link Dial} when it starts, and a {@link CallEntity} whose callback was offered to an
 * agent asks it (on the node where the entity runs) for a fresh legs actor. Core knows nothing of
 * SIP; a node without a gateway has no dialer, and its callbacks' offers fail back into line.
 */
public final class CallbackDialer implements Extension {

  /** Start legs for callback {@code callId} to {@code number} (a SIP URI); the reply is the new legs, which then get RingAgents. */
  public record Dial(String callId, String number, String queueId, ActorRef<ActorRef<CallLegs.Command>> replyTo)
      implements CborSerializable {}

  public static final class Id extends ExtensionId<CallbackDialer> {
    private static final Id INSTANCE = new Id();

    @Override
    public CallbackDialer createExtension(ActorSystem<?> system) {
      return new CallbackDialer();
    }
  }

  public static CallbackDialer get(ActorSystem<?> system) {
    return Id.INSTANCE.apply(system);
  }

  private volatile ActorRef<Dial> dialer;

  private CallbackDialer() {}

  public void register(ActorRef<Dial> actor) {
    this.dialer = actor;
  }

  public Optional<ActorRef<Dial>> dialer() {
    return Optional.ofNullable(dialer);
  }
}
