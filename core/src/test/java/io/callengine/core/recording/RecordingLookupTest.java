package io.callengine.core.recording;

import static io.callengine.core.testing.TestEngines.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.callengine.core.EngineException;
import io.callengine.core.Refusal;
import io.callengine.core.testing.TestWav;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where {@link RecordingLookup} finds a recording: its own store first, then the other nodes'
 * locators (stood in for here by actors registered under the same key), the first that has it
 * winning; a node that does not answer makes a miss UNAVAILABLE rather than "none".
 */
class RecordingLookupTest {
  private static final Duration TIMEOUT = Duration.ofMillis(500);
  private static final ExecutorService blocking = Executors.newSingleThreadExecutor();
  private static final Recordings.Settings OWN = new Recordings.Settings(Duration.ofDays(90), Optional.empty(), Duration.ofHours(1));

  @TempDir Path dataDir;
  /** One node per test: its lookup's locator is the only one it starts with. */
  private ActorTestKit kit;
  private RecordingLookup lookup;
  private int registered;

  @BeforeEach
  void startNode() {
    kit = ActorTestKit.create(ConfigFactory.parseString("""
        pekko.actor.serialize-messages = on
        pekko.loglevel = WARNING
        """).withFallback(ConfigFactory.load()));
  }

  @AfterEach
  void stopNode() {
    kit.shutdownTestKit();
  }

  @AfterAll
  static void stop() {
    blocking.shutdownNow();
  }

  @Test
  void itsOwnCopyComesFirst() throws Exception {
    Recordings recordings = new Recordings(dataDir, OWN);
    lookup = RecordingLookup.start(kit.system(), recordings, blocking, TIMEOUT);
    Path file = recordings.fileFor("own-call", Instant.now());
    TestWav.write(file, 10, 1);
    assertEquals(Optional.of(new RecordingLookup.Local(file)), await(lookup.locate("own-call")));
  }

  @Test
  void anotherNodeThatHasItIsWhereToFetchIt() throws Exception {
    lookup = RecordingLookup.start(kit.system(), new Recordings(dataDir, OWN), blocking, TIMEOUT);
    ActorRef<RecordingLocator.Command> nothing = standIn(answering(false));
    ActorRef<RecordingLocator.Command> holder = standIn(answering(true));
    eventually(Duration.ofSeconds(5), "the holder found", () -> await(lookup.locate("far-call"))
        .equals(Optional.of(new RecordingLookup.Remote("http://192.0.2.7:8080", "secret-of-far", 1234))));
    assertEquals(Optional.empty(), await(lookup.locate("")), "an id that names no file: nobody has it");
    kit.stop(holder);
    eventually(Duration.ofSeconds(5), "nobody has it once the holder is gone", () -> await(lookup.locate("far-call")).isEmpty());
    kit.stop(nothing);
  }

  @Test
  void aSilentNodeMakesAMissUnavailable() throws Exception {
    lookup = RecordingLookup.start(kit.system(), new Recordings(dataDir, OWN), blocking, TIMEOUT);
    ActorRef<RecordingLocator.Command> silent = standIn(Behaviors.ignore());
    eventually(Duration.ofSeconds(5), "the silent node is asked", () -> {
      try {
        await(lookup.locate("lost-call"));
        return false;
      } catch (ExecutionException e) {
        EngineException refused = assertInstanceOf(EngineException.class, e.getCause());
        assertEquals(Refusal.UNAVAILABLE, refused.refusal());
        assertTrue(refused.getMessage().contains("did not answer"), refused.getMessage());
        return true;
      }
    });
    kit.stop(silent);
  }

  @Test
  void withASharedDirectoryNoOtherNodeIsAsked(@TempDir Path shared) throws Exception {
    lookup = RecordingLookup.start(kit.system(),
        new Recordings(dataDir, new Recordings.Settings(Duration.ofDays(90), Optional.of(shared), Duration.ofHours(1))), blocking, TIMEOUT);
    ActorRef<RecordingLocator.Command> silent = standIn(Behaviors.ignore());
    eventually(Duration.ofSeconds(5), "the silent node is listed", () -> listed(silent));
    assertEquals(Optional.empty(), await(lookup.locate("shared-call")), "not in the shared directory: no recording, nobody asked");
    kit.stop(silent);
  }

  @Test
  void onlyItsOwnSecretPasses() {
    lookup = RecordingLookup.start(kit.system(), new Recordings(dataDir, OWN), blocking, TIMEOUT);
    assertFalse(lookup.isNodeSecret(null));
    assertFalse(lookup.isNodeSecret(""));
    assertFalse(lookup.isNodeSecret("secret-of-far"));
  }

  /** A stand-in for another node's locator, registered under the locators' key. */
  private ActorRef<RecordingLocator.Command> standIn(Behavior<RecordingLocator.Command> behavior) {
    ActorRef<RecordingLocator.Command> ref = kit.spawn(behavior, "stand-in-" + System.nanoTime() + "-" + registered++);
    kit.system().receptionist().tell(Receptionist.register(RecordingLocator.KEY, ref));
    return ref;
  }

  private static Behavior<RecordingLocator.Command> answering(boolean found) {
    return Behaviors.receiveMessage(message -> {
      if (message instanceof RecordingLocator.Locate locate) {
        locate.replyTo().tell(found && locate.callId().equals("far-call")
            ? new RecordingLocator.Answer(locate.callId(), true, 1234, "http://192.0.2.7:8080", "secret-of-far")
            : RecordingLocator.Answer.none(locate.callId()));
      }
      return Behaviors.same();
    });
  }

  private boolean listed(ActorRef<RecordingLocator.Command> ref) throws Exception {
    Receptionist.Listing listing = org.apache.pekko.actor.typed.javadsl.AskPattern.<Receptionist.Command, Receptionist.Listing>ask(
        kit.system().receptionist(), r -> Receptionist.find(RecordingLocator.KEY, r), Duration.ofSeconds(3), kit.system().scheduler())
        .toCompletableFuture().get(5, TimeUnit.SECONDS);
    return listing.getServiceInstances(RecordingLocator.KEY).contains(ref);
  }

  private static <T> T await(java.util.concurrent.CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
