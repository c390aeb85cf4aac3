package io.callengine.core.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.callengine.core.events.CallCenterEvent;
import io.callengine.core.events.CallOffered;
import io.callengine.core.testing.TestEngines;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.serialization.SerializationExtension;
import org.junit.jupiter.api.Test;

/**
 * Another Pekko service, in an actor system of its own, joins the engine's cluster and follows
 * the public events through the same topic: they cross the wire as CBOR.
 */
class TopicFromAnotherSystemTest {

  /** The service's actor: subscribes itself to the topic and hands each event to {@code sink}. */
  private static Behavior<CallCenterEvent> follower(ActorRef<CallCenterEvent> sink) {
    return Behaviors.setup(context -> {
      ActorRef<Topic.Command<CallCenterEvent>> topic =
          context.spawn(Topic.create(CallCenterEvent.class, "call-center-events"), "call-center-events");
      topic.tell(Topic.subscribe(context.getSelf()));
      return Behaviors.receiveMessage(event -> {
        sink.tell(event);
        return Behaviors.same();
      });
    });
  }

  @Test
  void aSecondActorSystemInTheClusterReceivesTheEnginesEvents() throws Exception {
    CallCenterEngine engine = TestEngines.start(TestEngines.config(""));
    ActorSystem<Void> service = null;
    try {
      Address engineAddress = Cluster.get(engine.system()).selfMember().address();
      Config serviceConfig = ConfigFactory.parseString("""
          pekko.actor.provider = cluster
          pekko.remote.artery.canonical.hostname = 127.0.0.1
          pekko.remote.artery.canonical.port = 0
          pekko.actor.serialization-bindings { "io.callengine.core.CborSerializable" = jackson-cbor }
          pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
          pekko.actor.serialize-messages = on
          pekko.loglevel = WARNING
          """).withFallback(ConfigFactory.load());
      service = ActorSystem.create(Behaviors.empty(), "callengine", serviceConfig);
      Cluster.get(service).manager().tell(Join.create(engineAddress));
      ActorSystem<Void> joined = service;
      TestEngines.eventually(Duration.ofSeconds(20), "the service is Up in the engine's cluster",
          () -> Cluster.get(joined).selfMember().status() == MemberStatus.up());

      TestProbe<CallCenterEvent> probe = TestProbe.create(service);
      service.systemActorOf(follower(probe.ref()), "follower", Props.empty());

      CallOffered offered = new CallOffered(Instant.parse("2024-05-01T08:00:00.123Z"), "call-1", "support", null,
          List.of("alice", "bob"));
      assertTrue(SerializationExtension.get(engine.system()).findSerializerFor(offered).getClass().getSimpleName().contains("Cbor"),
          "events are bound to Jackson CBOR");
      // The topic learns of the new subscriber's node through the receptionist: publish until it has.
      CallCenterEvent received = null;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (received == null && System.nanoTime() < deadline) {
        engine.publish(offered);
        try {
          received = probe.receiveMessage(Duration.ofMillis(500));
        } catch (AssertionError notYet) {
          // again
        }
      }
      assertEquals(offered, received);
    } finally {
      if (service != null) {
        service.terminate();
        service.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
      }
      engine.shutdown().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }
}
