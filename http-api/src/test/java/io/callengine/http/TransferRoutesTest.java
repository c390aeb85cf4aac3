package io.callengine.http;

import static io.callengine.http.TestNode.ADMIN;
import static io.callengine.http.TestNode.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.callengine.core.call.CallEntity;
import io.callengine.core.call.CallLegs;
import io.callengine.core.call.CallStatus;
import io.callengine.core.call.CallView;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.pattern.StatusReply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What {@code POST /api/v1/agents/{id}/calls/{callId}/transfer} answers to requests that cannot
 * transfer: each bad body, target, call and token with its status. (Transfers that happen are
 * proven over SIP in the gateway's TransferTest.) No outside address is allowed on this node.
 */
class TransferRoutesTest {
  private static TestNode node;
  private static String ann;
  private static String bob;
  private static String supervisor;
  /** A call that waits in line, handled by nobody. */
  private static String waitingCall;

  @BeforeAll
  static void start() throws Exception {
    node = TestNode.start();
    assertEquals(201, node.send("POST", "/api/v1/admin/queues", ADMIN, "{\"id\":\"support\"}").status());
    for (String id : List.of("ann", "bob")) {
      assertEquals(201, node.send("POST", "/api/v1/admin/agents", ADMIN, "{\"id\":\"" + id + "\",\"sipUri\":\"sip:" + id
          + "@example.com\",\"displayName\":\"" + id + "\",\"password\":\"pw-" + id + "\",\"queues\":[\"support\"]}").status());
    }
    ann = node.mint("agent", "ann", "transfer-ann");
    bob = node.mint("agent", "bob", "transfer-bob");
    supervisor = node.mint("supervisor", null, "transfer-supervisor");
    waitingCall = UUID.randomUUID().toString();
    TestProbe<CallLegs.Command> legs = TestProbe.create(node.engine.system());
    CallView started = AskPattern.<CallEntity.Command, StatusReply<CallView>>ask(
            node.engine.sharding().entityRefFor(CallEntity.ENTITY_KEY, waitingCall),
            r -> new CallEntity.Start("sip:caller@example.com", "support", "support", 0, List.of(), legs.ref(), r),
            Duration.ofSeconds(5), node.engine.system().scheduler())
        .toCompletableFuture().get(10, TimeUnit.SECONDS).getValue();
    assertEquals(CallStatus.QUEUED, started.status());
  }

  @AfterAll
  static void stop() throws Exception {
    if (node != null) node.close();
  }

  private static TestNode.Reply transfer(String agentId, String callId, String token, String body) throws Exception {
    return node.send("POST", "/api/v1/agents/" + agentId + "/calls/" + callId + "/transfer", token, body);
  }

  @Test
  void badBodiesAre400WithTheFieldsAtFault() throws Exception {
    assertEquals(Set.of("target"), assertProblem(transfer("ann", waitingCall, ann, "{}"), 400), "no target");
    assertEquals(Set.of("target"), assertProblem(transfer("ann", waitingCall, ann, "{\"queueId\":\"support\",\"agentId\":\"bob\"}"), 400),
        "two targets");
    assertEquals(Set.of("address"), assertProblem(transfer("ann", waitingCall, ann, "{\"address\":\"partner.example.com\"}"), 400),
        "an address that is no SIP URI");
    assertEquals(Set.of("address"), assertProblem(transfer("ann", waitingCall, ann,
        "{\"address\":\"sip:x@partner.example.com;maddr=evil.example.com\"}"), 400), "an address with parameters");
    assertEquals(Set.of("keepPlace"), assertProblem(transfer("ann", waitingCall, ann, "{\"agentId\":\"bob\",\"keepPlace\":false}"), 400),
        "keepPlace for an agent");
    assertEquals(Set.of("priority"), assertProblem(transfer("ann", waitingCall, ann, "{\"queueId\":\"support\",\"priority\":101}"), 400),
        "a priority out of range");
    assertProblem(transfer("ann", waitingCall, ann, "{\"queueId\":"), 400);
  }

  @Test
  void anOutsideAddressOffTheAllowlistIs403() throws Exception {
    assertProblem(transfer("ann", waitingCall, ann, "{\"address\":\"sip:+4930123@partner.example.com\"}"), 403);
  }

  @Test
  void unknownTargetsAndCallsAndCallsOfOthersAre404() throws Exception {
    assertProblem(transfer("ann", waitingCall, ann, "{\"queueId\":\"nowhere\"}"), 404);
    assertProblem(transfer("ann", UUID.randomUUID().toString(), ann, "{\"queueId\":\"support\"}"), 404);
    assertProblem(transfer("ann", "not-a-call", ann, "{\"queueId\":\"support\"}"), 404);
    assertProblem(transfer("ann", waitingCall, ann, "{\"queueId\":\"support\"}"), 404); // waiting, nobody's call
    assertProblem(transfer("ann", waitingCall, ADMIN, "{\"agentId\":\"bob\"}"), 404); // the admin may ask, for ann: not hers
  }

  @Test
  void onlyTheAgentItselfOrTheAdminMayTransfer() throws Exception {
    assertProblem(transfer("ann", waitingCall, supervisor, "{\"queueId\":\"support\"}"), 403);
    assertProblem(transfer("ann", waitingCall, bob, "{\"queueId\":\"support\"}"), 403);
    assertProblem(transfer("ann", waitingCall, null, "{\"queueId\":\"support\"}"), 401);
  }
}
