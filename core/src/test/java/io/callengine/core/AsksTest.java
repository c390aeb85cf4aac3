package io.callengine.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.pattern.StatusReply;
import org.junit.jupiter.api.Test;

class AsksTest {

  @Test
  void aRetryingAskOnAStoppedSystemFailsUnavailableInsteadOfRepeatingItselfInALoop() {
    ActorTestKit kit = ActorTestKit.create();
    TestProbe<StatusReply<String>> target = kit.createTestProbe();
    Asks asks = new Asks(Duration.ofSeconds(1), kit.system().scheduler());
    kit.shutdownTestKit();

    ExecutionException failed = assertThrows(ExecutionException.class, () -> asks
        .<StatusReply<String>, String>askRetrying(target.ref(), replyTo -> StatusReply.success("never"))
        .toCompletableFuture().get(10, TimeUnit.SECONDS));
    EngineException cause = assertInstanceOf(EngineException.class, failed.getCause());
    assertEquals(Refusal.UNAVAILABLE, cause.refusal());
  }
}
