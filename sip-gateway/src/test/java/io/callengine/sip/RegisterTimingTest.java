package io.callengine.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callengine.core.api.AgentSpec;
import io.callengine.sip.testing.TestPhone;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import javax.sip.message.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A wrong password for a real user and any password for an unknown user get the same 401 in
 * the same time: the registrar does the same work for both, so the time of its answer cannot
 * tell which user names exist. The margin is wide (medians within 1.5x over 200 tries each,
 * interleaved so that the machine's load falls on both alike); asking the agent's entity for
 * its secret on the known user's path alone made it about 2x.
 */
class RegisterTimingTest {
  private static final int TRIES = 200;
  private static final int WARM_UP = 100;

  private static SipTestNode node;

  @BeforeAll
  static void start() throws Exception {
    node = SipTestNode.start("42400-42449", "");
    node.engine().admin().createAgent(AgentSpec.of("alice", "sip:alice@127.0.0.1", "Alice", "pw-alice"))
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  @Test
  void aWrongPasswordForARealUserTakesAsLongAsAnUnknownUser() throws Exception {
    try (TestPhone known = node.phone("alice"); TestPhone unknown = node.phone("nobody-here")) {
      assertEquals(200, known.register("pw-alice", 600, "MD5"), "the real user's right password registers");
      for (int i = 0; i < WARM_UP; i++) {
        wrongAnswerNanos(known);
        wrongAnswerNanos(unknown);
      }
      long[] knownNanos = new long[TRIES];
      long[] unknownNanos = new long[TRIES];
      for (int i = 0; i < TRIES; i++) {
        knownNanos[i] = wrongAnswerNanos(known);
        unknownNanos[i] = wrongAnswerNanos(unknown);
      }
      double knownMedian = median(knownNanos);
      double unknownMedian = median(unknownNanos);
      double ratio = Math.max(knownMedian, unknownMedian) / Math.min(knownMedian, unknownMedian);
      assertTrue(ratio < 1.5, String.format("medians: real user, wrong password %.3f ms; unknown user %.3f ms (%.2fx)",
          knownMedian / 1e6, unknownMedian / 1e6, ratio));
    }
  }

  /** The registrar reads its own copy of the secrets: a change and a removal must reach it before the admin call returns. */
  @Test
  void aNewPasswordHoldsAtOnceAndADeletedAgentNoLongerRegisters() throws Exception {
    var admin = node.engine().admin();
    admin.createAgent(AgentSpec.of("bob", "sip:bob@127.0.0.1", "Bob", "pw-one")).toCompletableFuture().get(10, TimeUnit.SECONDS);
    try (TestPhone bob = node.phone("bob")) {
      assertEquals(200, bob.register("pw-one", 600, "MD5"));
      admin.updateAgent("bob", AgentSpec.of("bob", "sip:bob@127.0.0.1", "Bob", "pw-two")).toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertEquals(401, bob.register("pw-one", 600, "MD5"), "the old password: 401");
      assertEquals(200, bob.register("pw-two", 600, "MD5"), "the new password, right after the change");
      admin.deleteAgent("bob").toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertEquals(401, bob.register("pw-two", 600, "MD5"), "a deleted agent's password: 401, as for anyone unknown");
    }
  }

  /** The time from sending an answer made with a wrong password to its 401 (which must be one). */
  private static long wrongAnswerNanos(TestPhone phone) throws Exception {
    String answer = phone.authorization(phone.registerOnce(600, null), "not-the-password", "MD5");
    long start = System.nanoTime();
    Response response = phone.registerOnce(600, answer);
    long elapsed = System.nanoTime() - start;
    assertEquals(401, response.getStatusCode(), "a wrong answer gets 401, known user or not");
    return elapsed;
  }

  private static double median(long[] values) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    return (sorted[(sorted.length - 1) / 2] + sorted[sorted.length / 2]) / 2.0;
  }
}
