package io.callengine.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callengine.core.api.QueueSpec;
import io.callengine.sip.testing.RawSipCaller;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A caller who ACKs the engine's 200 at once never gets that 200 again: over many calls on a
 * real UDP socket, with the ACK leaving within microseconds of the 200's arrival (as SIPp's
 * does), no call sees a retransmission in the 2xx retransmission timer's first interval (T1, 0.5 s).
 * Before the fix one call in ten got its 200 twice, 0.5 s apart.
 */
class AnswerAckTest {
  /** RFC 3261 T1: the first 2xx retransmission comes this long after the 200. */
  private static final Duration T1 = Duration.ofMillis(500);
  private static final int ROUNDS = 3;
  private static final int CALLS_PER_ROUND = 20;
  private static SipTestNode node;

  @BeforeAll
  static void start() throws Exception {
    node = SipTestNode.start("39400-39599", "");
    node.engine().admin().createQueue(QueueSpec.of("support", "Support")).toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  @Test
  void theAckStopsThe200EveryTime() throws Exception {
    try (RawSipCaller caller = new RawSipCaller(node.port(), "support")) {
      for (int round = 1; round <= ROUNDS; round++) {
        List<String> calls = new ArrayList<>();
        for (int i = 1; i <= CALLS_PER_ROUND; i++) {
          String callId = "ack-" + round + "-" + i + "-" + System.nanoTime();
          calls.add(callId);
          caller.invite(callId);
        }
        for (String callId : calls) {
          RawSipCaller.Received answer = caller.awaitFinal(callId, "INVITE", Duration.ofSeconds(10));
          assertNotNull(answer, callId + ": the INVITE is answered");
          assertEquals(200, answer.status(), callId + ": answered once queued");
        }
        // A retransmission would come T1 after its 200: two T1 without a datagram means none is on its way.
        assertTrue(caller.awaitQuiet(T1.multipliedBy(2), Duration.ofSeconds(10)), "the engine stops sending");
        for (String callId : calls) {
          assertEquals(1, caller.count(callId, 200, "INVITE"), callId + ": the 200 was ACKed at once and is sent once, got "
              + caller.received(callId).stream().map(r -> r.status() + " " + r.method()).toList());
        }
        for (String callId : calls) assertEquals(200, caller.bye(callId, Duration.ofSeconds(5)), callId + ": BYE ends the call");
      }
    }
  }
}
