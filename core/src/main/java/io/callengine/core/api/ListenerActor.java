package io.callengine.core.api;

import io.callengine.core.events.CallCenterEvent;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.pubsub.Topic;

/**
 * The actor behind {@link CallCenterEngine#addListener}: subscribed to the events topic, it hands
 * each event to one {@link CallCenterListener} on its own thread, so a failing listener costs only
 * a log line and the topic never waits for it.
 *
 * <p>It receives the topic's {@link CallCenterEvent}s directly rather than through a message
 * adapter so that {@link #start} can subscribe it before returning: an event published after
 * {@code addListener} returns is delivered.
 */
final class ListenerActor {
  private static final AtomicLong SEQUENCE = new AtomicLong();

  /** Ends the subscription; sent only to the local actor. */
  enum Close implements org.apache.pekko.actor.NoSerializationVerificationNeeded { INSTANCE }

  private ListenerActor() {}

  static CallCenterListener.Subscription start(ActorSystem<?> system, ActorRef<Topic.Command<CallCenterEvent>> topic,
      CallCenterListener listener) {
    ActorRef<Object> actor = system.systemActorOf(create(topic, listener), "listener-" + SEQUENCE.incrementAndGet(), Props.empty());
    topic.tell(Topic.subscribe(actor.narrow()));
    AtomicBoolean closed = new AtomicBoolean();
    return () -> {
      if (closed.compareAndSet(false, true)) actor.tell(Close.INSTANCE);
    };
  }

  private static Behavior<Object> create(ActorRef<Topic.Command<CallCenterEvent>> topic, CallCenterListener listener) {
    return Behaviors.setup(context -> Behaviors.receive(Object.class)
        .onMessage(CallCenterEvent.class, event -> deliver(context, listener, event))
        .onMessageEquals(Close.INSTANCE, () -> {
          topic.tell(Topic.unsubscribe(context.getSelf().narrow()));
          return Behaviors.stopped();
        })
        .build());
  }

  private static Behavior<Object> deliver(ActorContext<Object> context, CallCenterListener listener, CallCenterEvent event) {
    try {
      listener.onEvent(event);
    } catch (RuntimeException e) {
      context.getLog().warn("the listener {} failed on a {} event; it keeps receiving events", listener.getClass().getName(),
          event.type(), e);
    }
    return Behaviors.same();
  }
}
