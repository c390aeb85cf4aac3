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
 * What {@code POST /api/v1/agents/{id}/calls/{callId}/consult} and its steps answer to requests that
 * cannot consult: each bad body, target, call and token with its status. (Consults that happen are
 * proven over SIP in the gateway's ConsultTest.) No outside address is allowed on this node.
 */
class ConsultRoutesTest {
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
    ann = node.mint("agent", "ann", "consult-ann");
    bob = node.mint("agent", "bob", "consult-bob");
    supervisor = node.mint("supervisor", null, "consult-supervisor");
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

  private static TestNode.Reply consult(String agentId, String callId, String token, String body) throws Exception {
    return node.send("POST", "/api/v1/agents/" + agentId + "/calls/" + callId + "/consult", token, body);
  }

  private static TestNode.Reply step(String method, String agentId, String callId, String token, String step) throws Exception {
    return node.send(method, "/api/v1/agents/" + agentId + "/calls/" + callId + "/consult" + step, token, null);
  }

  @Test
  void badBodiesAre400WithTheFieldsAtFault() throws Exception {
    assertEquals(Set.of("target"), assertProblem(consult("ann", waitingCall, ann, "{}"), 400), "no target");
    assertEquals(Set.of("target"), assertProblem(consult("ann", waitingCall, ann, "{\"agentId\":\"bob\",\"address\":\"sip:x@example.com\"}"), 400),
        "two targets");
    assertEquals(Set.of("queueId"), assertProblem(consult("ann", waitingCall, ann, "{\"queueId\":\"support\"}"), 400), "a queue");
    assertEquals(Set.of("address"), assertProblem(consult("ann", waitingCall, ann, "{\"address\":\"partner.example.com\"}"), 400),
        "an address that is no SIP URI");
    assertEquals(Set.of("agentId"), assertProblem(consult("ann", waitingCall, ann, "{\"agentId\":\"Not An Id\"}"), 400), "a malformed agent id");
    assertProblem(consult("ann", waitingCall, ann, "{\"agentId\":"), 400);
  }

  @Test
  void anOutsideAddressOffTheAllowlistIs403() throws Exception {
    assertProblem(consult("ann", waitingCall, ann, "{\"address\":\"sip:+4930123@partner.example.com\"}"), 403);
  }

  @Test
  void unknownCallsAgentsAndTargetsAre404() throws Exception {
    assertProblem(consult("ann", UUID.randomUUID().toString(), ann, "{\"agentId\":\"bob\"}"), 404);
    assertProblem(consult("ann", "not-a-call", ann, "{\"agentId\":\"bob\"}"), 404);
    assertProblem(consult("nobody", waitingCall, ADMIN, "{\"agentId\":\"bob\"}"), 404);
    assertProblem(consult("ann", waitingCall, ann, "{\"agentId\":\"nobody\"}"), 404);
    assertProblem(step("POST", "ann", UUID.randomUUID().toString(), ann, "/complete"), 404);
    assertProblem(step("POST", "nobody", waitingCall, ADMIN, "/cancel"), 404);
  }

  @Test
  void aCallNotConnectedToTheAgentIs409ForTheConsultAndEachStep() throws Exception {
    assertProblem(consult("ann", waitingCall, ann, "{\"agentId\":\"bob\"}"), 409);
    assertProblem(consult("ann", waitingCall, ADMIN, "{\"agentId\":\"bob\"}"), 409);
    for (String step : List.of("/complete", "/conference", "/cancel")) assertProblem(step("POST", "ann", waitingCall, ann, step), 409);
    assertProblem(step("DELETE", "ann", waitingCall, ann, ""), 409);
  }

  @Test
  void onlyTheAgentItselfOrTheAdminMayConsult() throws Exception {
    assertProblem(consult("ann", waitingCall, supervisor, "{\"agentId\":\"bob\"}"), 403);
    assertProblem(consult("ann", waitingCall, bob, "{\"agentId\":\"bob\"}"), 403);
    assertProblem(step("POST", "ann", waitingCall, supervisor, "/complete"), 403);
    assertProblem(consult("ann", waitingCall, null, "{\"agentId\":\"bob\"}"), 401);
  }
}
