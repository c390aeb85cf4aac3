package io.callengine.http;

import static io.callengine.http.TestNode.ADMIN;
import static io.callengine.http.TestNode.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callengine.core.policy.RouteDecision;
import io.callengine.core.policy.RouteRequest;
import io.callengine.http.TestNode.Reply;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code /api/v1/admin/routing-policies} over real sockets: CRUD, validation, roles, and the engine routing by what was saved. */
class RoutingPolicyRoutesTest {
  private static final String PATH = "/api/v1/admin/routing-policies";
  private static final String VIP = """
      {"id":"vip","name":"VIP callers","order":10,"timeZone":"Europe/Paris","rules":[
        {"caller":{"pattern":"\\\\+33(612345678|698765432)"},"queueId":"gold","priority":90,
         "extraSkills":[{"name":"french","minLevel":4}]},
        {"dialed":"support","windows":[{"days":["MONDAY","TUESDAY","WEDNESDAY","THURSDAY","FRIDAY"],"from":"08:00","to":"18:00"}],
         "queueId":"support"},
        {"dialed":"support","digits":"2","queueId":"gold"},
        {"queueId":"support","priority":1}]}
      """;
  private static TestNode node;

  @BeforeAll
  static void start() throws Exception {
    node = TestNode.start();
    for (String queue : new String[] {"gold", "support"}) {
      Reply created = node.send("POST", "/api/v1/admin/queues", ADMIN, "{\"id\":\"" + queue + "\",\"name\":\"" + queue + "\"}");
      assertEquals(201, created.status(), created.raw().body());
    }
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  @Test
  void policyLifecycle() throws Exception {
    Reply created = node.send("POST", PATH, ADMIN, VIP);
    assertEquals(201, created.status(), created.raw().body());
    assertEquals(PATH + "/vip", created.header("Location"));
    assertEquals("08:00", created.json().at("/rules/1/windows/0/from").asText());
    assertEquals("MONDAY", created.json().at("/rules/1/windows/0/days/0").asText());
    assertEquals(0, created.json().at("/rules/1/priority").asInt(), "a rule without priority gets 0");

    Optional<RouteDecision> vip = route(new RouteRequest("sip:support@engine", "sip:+33612345678@carrier", null, null));
    assertEquals("gold", vip.orElseThrow().queueId());
    assertEquals(90, vip.orElseThrow().priority());
    assertEquals("vip", vip.orElseThrow().policyId());
    Instant sundayNoon = Instant.parse("2026-01-18T11:00:00Z");
    assertEquals("gold", route(new RouteRequest("support", "sip:bob@x", sundayNoon, "2")).orElseThrow().queueId());
    assertEquals(1, route(new RouteRequest("support", "sip:bob@x", sundayNoon, null)).orElseThrow().priority());

    Reply fetched = node.get(PATH + "/vip", ADMIN);
    assertEquals(200, fetched.status());
    assertEquals("VIP callers", fetched.json().get("name").asText());
    assertEquals(200, node.send("PUT", PATH + "/vip", ADMIN, fetched.raw().body()).status(), "a fetched policy can be sent back as it is");

    Reply updated = node.send("PUT", PATH + "/vip", ADMIN, "{\"order\":1,\"rules\":[{\"dialed\":\"sales\",\"queueId\":\"support\"}]}");
    assertEquals(200, updated.status(), updated.raw().body());
    assertEquals("vip", updated.json().get("id").asText());
    assertEquals("UTC", updated.json().get("timeZone").asText());
    assertTrue(route(new RouteRequest("support", "sip:+33612345678@carrier", null, null)).isEmpty());

    Reply listed = node.get(PATH, ADMIN);
    assertEquals(200, listed.status());
    assertTrue(listed.json().findValuesAsText("id").contains("vip"), listed.raw().body());

    assertEquals(204, node.send("DELETE", PATH + "/vip", ADMIN, null).status());
    assertProblem(node.get(PATH + "/vip", ADMIN), 404);
    assertTrue(route(new RouteRequest("sales", "sip:bob@x", null, null)).isEmpty());
  }

  @Test
  void duplicateIsAConflictAndUnknownIsNotFound() throws Exception {
    String body = "{\"id\":\"dup\",\"rules\":[{\"dialed\":\"dup\",\"queueId\":\"support\"}]}";
    assertEquals(201, node.send("POST", PATH, ADMIN, body).status());
    assertProblem(node.send("POST", PATH, ADMIN, body), 409);
    // Dialed "weekend" only: a rule for any call would route the other tests' calls on weekend nights.
    Reply lowerCaseDays = node.send("POST", PATH, ADMIN, "{\"id\":\"weekend\",\"rules\":[{\"dialed\":\"weekend\",\"windows\":"
        + "[{\"days\":[\"saturday\",\"Sunday\"],\"from\":\"22:30\",\"to\":\"06:00:30\"}],\"queueId\":\"support\"}]}");
    assertEquals(201, lowerCaseDays.status(), lowerCaseDays.raw().body());
    assertEquals("SUNDAY", lowerCaseDays.json().at("/rules/0/windows/0/days/1").asText());
    assertEquals("22:30", lowerCaseDays.json().at("/rules/0/windows/0/from").asText());
    assertEquals("06:00:30", lowerCaseDays.json().at("/rules/0/windows/0/to").asText());
    assertProblem(node.get(PATH + "/nowhere", ADMIN), 404);
    assertProblem(node.send("PUT", PATH + "/nowhere", ADMIN, "{\"rules\":[{\"queueId\":\"support\"}]}"), 404);
    assertProblem(node.send("DELETE", PATH + "/nowhere", ADMIN, null), 404);
  }

  @Test
  void badRegexUnknownQueueAndOtherMistakesNameTheirFields() throws Exception {
    Reply badRegex = node.send("POST", PATH, ADMIN, "{\"id\":\"bad\",\"rules\":[{\"caller\":{\"pattern\":\"(vip\"},\"queueId\":\"gold\"}]}");
    assertEquals(Set.of("rules[0].caller.pattern"), assertProblem(badRegex, 400));

    Reply unknownQueue = node.send("POST", PATH, ADMIN,
        "{\"id\":\"lost\",\"rules\":[{\"dialed\":\"a\",\"queueId\":\"gold\"},{\"queueId\":\"no-such-queue\"}]}");
    assertEquals(Set.of("rules[1].queueId"), assertProblem(unknownQueue, 400));
    assertTrue(unknownQueue.json().get("errors").get(0).get("message").asText().contains("no-such-queue"));
    assertProblem(node.get(PATH + "/lost", ADMIN), 404);

    Reply several = node.send("POST", PATH, ADMIN, "{\"id\":\"several\",\"timeZone\":\"Nowhere/City\",\"rules\":["
        + "{\"windows\":[{\"from\":\"08:00\"}],\"queueId\":\"gold\",\"priority\":500}]}");
    assertEquals(Set.of("timeZone", "rules[0].windows[0].to", "rules[0].priority"), assertProblem(several, 400));
    assertEquals(Set.of("rules"), assertProblem(node.send("POST", PATH, ADMIN, "{\"id\":\"empty\",\"rules\":[]}"), 400));
    Reply badTime = node.send("POST", PATH, ADMIN,
        "{\"id\":\"t\",\"rules\":[{\"windows\":[{\"from\":\"8 o'clock\",\"to\":\"18:00\"}],\"queueId\":\"gold\"}]}");
    assertEquals(Set.of("rules[0].windows[0].from"), assertProblem(badTime, 400));
    assertTrue(badTime.json().get("detail").asText().contains("08:00"), badTime.raw().body());
    Reply badDay = node.send("POST", PATH, ADMIN,
        "{\"id\":\"d\",\"rules\":[{\"windows\":[{\"days\":[\"friday\",\"someday\"],\"from\":\"08:00\",\"to\":\"18:00\"}],\"queueId\":\"gold\"}]}");
    assertEquals(Set.of("rules[0].windows[0].days[1]"), assertProblem(badDay, 400));
    assertEquals(Set.of("rules[0].colour"), assertProblem(node.send("POST", PATH, ADMIN,
        "{\"id\":\"u\",\"rules\":[{\"colour\":\"red\",\"queueId\":\"gold\"}]}"), 400));
    assertEquals(Set.of("id"), assertProblem(node.send("PUT", PATH + "/dup", ADMIN,
        "{\"id\":\"other\",\"rules\":[{\"queueId\":\"gold\"}]}"), 400));
  }

  @Test
  void onlyTheAdminManagesPolicies() throws Exception {
    assertEquals(201, node.send("POST", "/api/v1/admin/agents", ADMIN,
        "{\"id\":\"erin\",\"sipUri\":\"sip:erin@example.com\",\"displayName\":\"Erin\",\"password\":\"pw-erin\"}").status());
    String supervisor = node.mint("SUPERVISOR", null, "policy-sup");
    String agent = node.mint("AGENT", "erin", "policy-erin");
    for (String token : List.of(supervisor, agent)) {
      assertProblem(node.get(PATH, token), 403);
      assertProblem(node.send("POST", PATH, token, "{\"id\":\"x\",\"rules\":[{\"queueId\":\"gold\"}]}"), 403);
      assertProblem(node.send("DELETE", PATH + "/x", token, null), 403);
    }
    assertProblem(node.get(PATH, null), 401);
    assertFalse(node.get(PATH, ADMIN).json().findValuesAsText("id").contains("x"));
  }

  private static Optional<RouteDecision> route(RouteRequest request) {
    return node.engine.route(request);
  }
}
