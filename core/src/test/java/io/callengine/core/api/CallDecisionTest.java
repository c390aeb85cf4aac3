package io.callengine.core.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callengine.core.queue.QueueConfig;
import io.callengine.core.testing.EntityTestConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.jackson.JacksonCborSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * What a call handler gets and gives: the records cross nodes as CBOR (a decision inside the
 * StatusReply that answers the ask too), the headers stay case-insensitive and read-only after
 * the crossing, and a decision a handler builds with bad values fails in the handler's own code.
 */
class CallDecisionTest {
  private static final ActorTestKit testKit = ActorTestKit.create(EntityTestConfig.config());

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  @Test
  void decisionsAndIncomingCallsCrossNodesAsCbor() {
    List<CallDecision> decisions = List.of(CallDecision.queue("care", 7, List.of(new QueueConfig.RequiredSkill("spanish", 3))),
        CallDecision.ivr("menu"), CallDecision.reject(603, "Closed for the holidays"), CallDecision.reject(486, null));
    for (CallDecision decision : decisions) {
      assertEquals(JacksonCborSerializer.class,
          SerializationExtension.get(testKit.system().classicSystem()).findSerializerFor(decision).getClass());
      assertEquals(decision, testKit.serializationTestKit().verifySerialization(decision, true));
      StatusReply<CallDecision> reply = StatusReply.success(decision);
      assertEquals(decision, testKit.serializationTestKit().verifySerialization(reply, true).getValue());
    }
    Map<String, List<String>> headers = new LinkedHashMap<>();
    headers.put("Call-ID", List.of("abc@10.0.0.1"));
    headers.put("Via", List.of("SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK-1", "SIP/2.0/UDP 10.0.0.2;branch=z9hG4bK-2"));
    IncomingCall call = new IncomingCall("c-1", "sip:5551234@carrier", "Maria", "help", "sip:help@engine", headers);
    IncomingCall crossed = testKit.serializationTestKit().verifySerialization(call, true);
    assertEquals(call, crossed);
    assertEquals(2, crossed.headers().get("via").size(), "every value of a header, in order");
    assertEquals(Optional.of("abc@10.0.0.1"), crossed.header("call-id"));
    assertEquals(Optional.empty(), crossed.header("X-Missing"));
    assertThrows(UnsupportedOperationException.class, () -> crossed.headers().put("X-New", List.of("1")));
    assertThrows(UnsupportedOperationException.class, () -> crossed.headers().get("Via").add("more"));
  }

  @Test
  void aDecisionWithBadValuesFailsWhereTheHandlerBuildsIt() {
    // A status outside 400-699, a reason phrase on two lines, a priority or skill level out of range, no queue or policy.
    assertThrows(IllegalArgumentException.class, () -> CallDecision.reject(302, "Moved"));
    assertThrows(IllegalArgumentException.class, () -> CallDecision.reject(700, "Too big"));
    assertThrows(IllegalArgumentException.class, () -> CallDecision.reject(486, "Busy\r\nX-Injected: 1"));
    assertThrows(IllegalArgumentException.class, () -> CallDecision.queue("care", 101, List.of()));
    assertThrows(IllegalArgumentException.class, () -> CallDecision.queue("care", -1, List.of()));
    assertThrows(IllegalArgumentException.class,
        () -> CallDecision.queue("care", 1, List.of(new QueueConfig.RequiredSkill("spanish", 6))));
    assertThrows(IllegalArgumentException.class, () -> CallDecision.queue(" "));
    assertThrows(IllegalArgumentException.class, () -> CallDecision.ivr(null));
    assertTrue(CallDecision.queue("care") instanceof CallDecision.ToQueue queue && queue.extraSkills().isEmpty());
  }
}
