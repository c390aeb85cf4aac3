package io.callengine.http;

import static io.callengine.http.TestNode.ADMIN;
import static io.callengine.http.TestNode.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.callengine.http.TestNode.Reply;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Bad request bodies for every endpoint that reads one (queues, agents, skills, tokens, status,
 * routing policies, assign): unreadable JSON, wrong types, missing and unknown fields, bodies over
 * the 64 KiB limit, ids with illegal characters, and numbers out of range; and bad ranges for an
 * agent's history. Each must be a 4xx problem naming the fields at fault, and must leave the
 * resources it aimed at exactly as they were (read before and after).
 */
class BadInputTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOKEN_LABEL = "bad-input-token";
  private static final String OVER_LIMIT = "x".repeat(70 * 1024);
  private static final String ID_65 = "a".repeat(65);

  private static TestNode node;
  private static String supervisor;

  /** One bad request: {@code fields} are the field names the problem must list (empty: none asked for). */
  record Case(String name, String method, String path, String contentType, String body, int status, Set<String> fields) {}

  /** The requests against one endpoint, and what must read the same after each of them. */
  record Group(String name, String token, List<String> watched, List<Case> cases, List<String> labelsNeverMinted) {}

  @BeforeAll
  static void start() throws Exception {
    node = TestNode.start();
    created(node.send("POST", "/api/v1/admin/queues", ADMIN,
        "{\"id\":\"support\",\"name\":\"Support\",\"strategy\":\"round-robin\",\"maxSize\":10,\"fullStatus\":480,"
            + "\"requiredSkills\":[{\"name\":\"english\",\"minLevel\":2}]}"));
    created(node.send("POST", "/api/v1/admin/queues", ADMIN, "{\"id\":\"sales\"}"));
    created(node.send("POST", "/api/v1/admin/agents", ADMIN,
        "{\"id\":\"ann\",\"sipUri\":\"sip:ann@example.com\",\"displayName\":\"Ann\",\"password\":\"pw-ann\","
            + "\"skills\":[{\"name\":\"english\",\"level\":3}],\"maxConcurrentCalls\":2,\"queues\":[\"support\"]}"));
    created(node.send("POST", "/api/v1/admin/routing-policies", ADMIN,
        "{\"id\":\"main\",\"name\":\"Main\",\"rules\":[{\"dialed\":\"help\",\"queueId\":\"support\"}]}"));
    supervisor = node.mint("supervisor", null, "bad-input-supervisor");
    node.mint("supervisor", null, "taken-label");
    assertEquals(200, node.send("PUT", "/api/v1/agents/ann/status", ADMIN, "{\"presence\":\"BREAK\",\"reason\":\"training\"}").status());
  }

  @AfterAll
  static void stop() throws Exception {
    if (node != null) node.close();
  }

  @TestFactory
  Stream<DynamicNode> badInputIsRefusedAndChangesNothing() {
    return groups().stream().map(group -> DynamicContainer.dynamicContainer(group.name(), group.cases().stream()
        .map(c -> DynamicTest.dynamicTest(c.name() + " -> " + c.status() + (c.fields().isEmpty() ? "" : " " + c.fields()),
            () -> check(group, c)))));
  }

  private static void check(Group group, Case c) throws Exception {
    Map<String, Reply> before = read(group.watched());
    Reply reply = node.send(c.method(), c.path(), group.token(), c.contentType(), c.body());
    Set<String> fields = assertProblem(reply, c.status());
    if (!c.fields().isEmpty()) assertEquals(new TreeSet<>(c.fields()), fields, reply.raw().body());
    Map<String, Reply> after = read(group.watched());
    for (String path : group.watched()) {
      assertEquals(before.get(path).status(), after.get(path).status(), path + " changed");
      assertEquals(before.get(path).json(), after.get(path).json(), path + " changed");
    }
    for (String label : group.labelsNeverMinted()) {
      assertEquals(404, node.send("DELETE", "/api/v1/admin/tokens/" + label, ADMIN, null).status(),
          "a token labelled " + label + " was minted");
    }
  }

  private static Map<String, Reply> read(List<String> paths) throws Exception {
    Map<String, Reply> replies = new LinkedHashMap<>();
    for (String path : paths) replies.put(path, node.get(path, ADMIN));
    return replies;
  }

  private static List<Group> groups() {
    List<Group> groups = new ArrayList<>();
    groups.add(queuePost());
    groups.add(queuePut());
    groups.add(agentPost());
    groups.add(agentPut());
    groups.add(skillsPut());
    groups.add(tokenPost());
    groups.add(statusPut());
    groups.add(historyGet());
    groups.add(metricsGet());
    groups.add(policyPost());
    groups.add(policyPut());
    groups.add(assignPost());
    return groups;
  }

  // ---- queues ----

  private static final String QUEUES = "/api/v1/admin/queues";
  private static final String QUEUE = "{\"id\":\"q-new\",\"name\":\"New\"}";

  private static Group queuePost() {
    Cases c = new Cases("POST", QUEUES);
    c.unreadable("{\"id\":\"q-new\",\"name\":\"New\"}");
    c.add("missing id", "{}", 400, "id");
    c.add("only a name", "{\"name\":\"x\"}", 400, "id");
    c.add("id is a number", "{\"id\":5}", 400, "id");
    c.add("id is an array", "{\"id\":[\"q-new\"]}", 400, "id");
    c.add("name is a boolean", with(QUEUE, "name", "true"), 400, "name");
    c.add("name is an object", with(QUEUE, "name", "{}"), 400, "name");
    c.add("priority is a string", with(QUEUE, "priority", "\"1\""), 400, "priority");
    c.add("priority is a fraction", with(QUEUE, "priority", "2.5"), 400, "priority");
    c.add("maxSize is a string", with(QUEUE, "maxSize", "\"5\""), 400, "maxSize");
    c.add("maxSize is a boolean", with(QUEUE, "maxSize", "true"), 400, "maxSize");
    c.add("maxSize beyond a 32-bit integer", with(QUEUE, "maxSize", "10000000000"), 400, "maxSize");
    c.add("maxWaitSeconds in exponent form", with(QUEUE, "maxWaitSeconds", "1e3"), 400, "maxWaitSeconds");
    c.add("strategy is a number", with(QUEUE, "strategy", "5"), 400, "strategy");
    c.add("fullStatus is a string", with(QUEUE, "fullStatus", "\"486\""), 400, "fullStatus");
    c.add("overflowQueueId is a number", with(QUEUE, "overflowQueueId", "7"), 400, "overflowQueueId");
    c.add("requiredSkills is a string", with(QUEUE, "requiredSkills", "\"english\""), 400, "requiredSkills");
    c.add("requiredSkills is an object", with(QUEUE, "requiredSkills", "{\"name\":\"english\",\"minLevel\":2}"), 400, "requiredSkills");
    c.add("requiredSkills minLevel is a word", with(QUEUE, "requiredSkills", "[{\"name\":\"english\",\"minLevel\":\"high\"}]"), 400,
        "requiredSkills[0].minLevel");
    c.add("requiredSkills without a name", with(QUEUE, "requiredSkills", "[{\"minLevel\":2}]"), 400, "requiredSkills[0].name");
    c.add("requiredSkills holds null", with(QUEUE, "requiredSkills", "[null]"), 400, "requiredSkills[0].name");
    c.add("unknown field colour", with(QUEUE, "colour", "\"red\""), 400, "colour");
    c.add("misspelt maxWaitSecond", with(QUEUE, "maxWaitSecond", "30"), 400, "maxWaitSecond");
    c.add("unknown field in a required skill", with(QUEUE, "requiredSkills", "[{\"name\":\"english\",\"minLevel\":2,\"level\":3}]"),
        400, "requiredSkills[0].level");
    for (String id : new String[] {"Support", "bad id", "bad/id", "-support", "_support", "", ID_65, "caf\u00e9", "support!", "sup.port"}) {
      c.add("id " + shown(id), with(QUEUE, "id", quoted(id)), 400, "id");
    }
    c.add("overflowQueueId with illegal characters", with(QUEUE, "overflowQueueId", "\"Bad Id\""), 400, "overflowQueueId");
    c.add("sipAddress is a whole URI", with(QUEUE, "sipAddress", "\"sip:support@example.com\""), 400, "sipAddress");
    c.add("sipAddress is empty", with(QUEUE, "sipAddress", "\"\""), 400, "sipAddress");
    c.add("sipAddress has a space", with(QUEUE, "sipAddress", "\"a b\""), 400, "sipAddress");
    c.add("priority -1", with(QUEUE, "priority", "-1"), 400, "priority");
    c.add("priority at the 32-bit minimum", with(QUEUE, "priority", String.valueOf(Integer.MIN_VALUE)), 400, "priority");
    c.add("maxSize -5", with(QUEUE, "maxSize", "-5"), 400, "maxSize");
    c.add("maxWaitSeconds -1", with(QUEUE, "maxWaitSeconds", "-1"), 400, "maxWaitSeconds");
    c.add("wrapUpSeconds -1", with(QUEUE, "wrapUpSeconds", "-1"), 400, "wrapUpSeconds");
    c.add("ringTimeoutSeconds -1", with(QUEUE, "ringTimeoutSeconds", "-1"), 400, "ringTimeoutSeconds");
    c.add("serviceLevelSeconds -1", with(QUEUE, "serviceLevelSeconds", "-1"), 400, "serviceLevelSeconds");
    c.add("noAgentDelaySeconds -1", with(QUEUE, "noAgentDelaySeconds", "-1"), 400, "noAgentDelaySeconds");
    c.add("announceEverySeconds -1", with(QUEUE, "announceEverySeconds", "-1"), 400, "announceEverySeconds");
    for (String field : new String[] {"maxWaitSeconds", "wrapUpSeconds", "ringTimeoutSeconds", "serviceLevelSeconds",
        "noAgentDelaySeconds", "announceEverySeconds"}) {
      c.add(field + " a day and a second", with(QUEUE, field, "86401"), 400, field);
      c.add(field + " 2000000000", with(QUEUE, field, "2000000000"), 400, field);
    }
    c.add("fullStatus 200", with(QUEUE, "fullStatus", "200"), 400, "fullStatus");
    c.add("fullStatus 487", with(QUEUE, "fullStatus", "487"), 400, "fullStatus");
    c.add("strategy fastest", with(QUEUE, "strategy", "\"fastest\""), 400, "strategy");
    c.add("noAgentAction panic", with(QUEUE, "noAgentAction", "\"panic\""), 400, "noAgentAction");
    c.add("exitKey of two keys", with(QUEUE, "exitKey", "\"11\""), 400, "exitKey");
    c.add("exitKey a letter", with(QUEUE, "exitKey", "\"a\""), 400, "exitKey");
    c.add("callback without a key", with(QUEUE, "callback", "{}"), 400, "callback.key");
    c.add("callback key 0 (no spoken number for it)", with(QUEUE, "callback", "{\"key\":\"0\"}"), 400, "callback.key");
    c.add("callback key the exit key", "{\"id\":\"q-new\",\"exitKey\":\"9\",\"callback\":{\"key\":\"9\"}}", 400, "callback.key");
    c.add("callback maxAttempts 11", with(QUEUE, "callback", "{\"key\":\"9\",\"maxAttempts\":11}"), 400, "callback.maxAttempts");
    c.add("callback negative times", with(QUEUE, "callback", "{\"key\":\"9\",\"offerAfterSeconds\":-1,\"retryAfterSeconds\":-1}"), 400,
        "callback.offerAfterSeconds", "callback.retryAfterSeconds");
    c.add("callback retry beyond a day", with(QUEUE, "callback", "{\"key\":\"9\",\"retryAfterSeconds\":86401}"), 400,
        "callback.retryAfterSeconds");
    for (int level : new int[] {0, 6, -1}) {
      c.add("requiredSkills minLevel " + level, with(QUEUE, "requiredSkills", "[{\"name\":\"english\",\"minLevel\":" + level + "}]"),
          400, "requiredSkills[0].minLevel");
    }
    c.add("four bad fields at once", "{\"id\":\"q-new\",\"priority\":-1,\"maxSize\":-5,\"strategy\":\"fastest\",\"fullStatus\":200}", 400,
        "priority", "maxSize", "strategy", "fullStatus");
    c.add("an id that exists", "{\"id\":\"support\",\"name\":\"Taken\"}", 409);
    c.add("the address of another queue", "{\"id\":\"q-new\",\"sipAddress\":\"sales\"}", 409);
    return c.group(ADMIN, List.of(QUEUES, QUEUES + "/support", QUEUES + "/q-new"));
  }

  private static Group queuePut() {
    Cases c = new Cases("PUT", QUEUES + "/support");
    c.unreadable("{\"name\":\"Support\"}");
    c.add("an id that is not the path's", "{\"id\":\"sales\"}", 400, "id");
    c.add("maxSize -5", "{\"maxSize\":-5}", 400, "maxSize");
    c.add("maxWaitSeconds 2000000000", "{\"maxWaitSeconds\":2000000000}", 400, "maxWaitSeconds");
    c.add("wrapUpSeconds -1", "{\"wrapUpSeconds\":-1}", 400, "wrapUpSeconds");
    c.add("priority -1", "{\"priority\":-1}", 400, "priority");
    c.add("fullStatus 200", "{\"fullStatus\":200}", 400, "fullStatus");
    c.add("strategy fastest", "{\"strategy\":\"fastest\"}", 400, "strategy");
    c.add("requiredSkills minLevel 6", "{\"requiredSkills\":[{\"name\":\"english\",\"minLevel\":6}]}", 400, "requiredSkills[0].minLevel");
    c.add("maxSize is a string", "{\"maxSize\":\"5\"}", 400, "maxSize");
    c.add("unknown field colour", "{\"colour\":\"red\"}", 400, "colour");
    c.add("the address of another queue", "{\"sipAddress\":\"sales\"}", 409);
    c.at("PUT", QUEUES + "/Bad%20Id").add("a path id with illegal characters", "{\"name\":\"x\"}", 400, "id");
    c.at("PUT", QUEUES + "/no-such-queue").add("a bad body for an unknown queue", "{\"maxSize\":-5}", 400, "maxSize");
    return c.group(ADMIN, List.of(QUEUES, QUEUES + "/support", QUEUES + "/sales"));
  }

  // ---- agents ----

  private static final String AGENTS = "/api/v1/admin/agents";
  private static final String AGENT = "{\"id\":\"zed\",\"sipUri\":\"sip:zed@example.com\",\"displayName\":\"Zed\",\"password\":\"pw-zed\"}";

  private static Group agentPost() {
    Cases c = new Cases("POST", AGENTS);
    c.unreadable(AGENT);
    c.add("empty object", "{}", 400, "id", "sipUri", "displayName", "password");
    c.add("missing id", without(AGENT, "id"), 400, "id");
    c.add("missing sipUri", without(AGENT, "sipUri"), 400, "sipUri");
    c.add("missing displayName", without(AGENT, "displayName"), 400, "displayName");
    c.add("missing password", without(AGENT, "password"), 400, "password");
    c.add("id is a number", with(AGENT, "id", "5"), 400, "id");
    c.add("sipUri is a number", with(AGENT, "sipUri", "5"), 400, "sipUri");
    c.add("displayName is an array", with(AGENT, "displayName", "[]"), 400, "displayName");
    c.add("password is a number", with(AGENT, "password", "12345"), 400, "password");
    c.add("maxConcurrentCalls is a string", with(AGENT, "maxConcurrentCalls", "\"2\""), 400, "maxConcurrentCalls");
    c.add("maxConcurrentCalls is a fraction", with(AGENT, "maxConcurrentCalls", "1.5"), 400, "maxConcurrentCalls");
    c.add("skills is a string", with(AGENT, "skills", "\"english\""), 400, "skills");
    c.add("a skill level is a word", with(AGENT, "skills", "[{\"name\":\"english\",\"level\":\"high\"}]"), 400, "skills[0].level");
    c.add("a skill level is a fraction", with(AGENT, "skills", "[{\"name\":\"english\",\"level\":4.5}]"), 400, "skills[0].level");
    c.add("queues is a string", with(AGENT, "queues", "\"support\""), 400, "queues");
    c.add("a queue is a number", with(AGENT, "queues", "[5]"), 400, "queues[0]");
    c.add("wrapUpSeconds is a string", with(AGENT, "wrapUpSeconds", "\"10\""), 400, "wrapUpSeconds");
    c.add("department is a number", with(AGENT, "department", "5"), 400, "department");
    c.add("unknown field email", with(AGENT, "email", "\"zed@example.com\""), 400, "email");
    c.add("unknown field presence", with(AGENT, "presence", "\"AVAILABLE\""), 400, "presence");
    c.add("unknown field in a skill", with(AGENT, "skills", "[{\"name\":\"english\",\"level\":3,\"years\":2}]"), 400, "skills[0].years");
    for (String id : new String[] {"Zed", "zed smith", "zed/1", "-zed", "", ID_65, "z\u00e9d"}) {
      c.add("id " + shown(id), with(AGENT, "id", quoted(id)), 400, "id");
    }
    for (String uri : new String[] {"zed", "http://zed@example.com", "sip:@example.com", "sip:zed", "sip:zed smith@example.com"}) {
      c.add("sipUri " + shown(uri), with(AGENT, "sipUri", quoted(uri)), 400, "sipUri");
    }
    c.add("password of 3 characters", with(AGENT, "password", "\"abc\""), 400, "password");
    c.add("empty password", with(AGENT, "password", "\"\""), 400, "password");
    c.add("blank displayName", with(AGENT, "displayName", "\"  \""), 400, "displayName");
    for (String max : new String[] {"1000000000", "0", "-1", "101"}) {
      c.add("maxConcurrentCalls " + max, with(AGENT, "maxConcurrentCalls", max), 400, "maxConcurrentCalls");
    }
    c.add("maxConcurrentCalls beyond a 32-bit integer", with(AGENT, "maxConcurrentCalls", "10000000000"), 400, "maxConcurrentCalls");
    for (int level : new int[] {0, 6, -1}) {
      c.add("skill level " + level, with(AGENT, "skills", "[{\"name\":\"english\",\"level\":" + level + "}]"), 400, "skills[0].level");
    }
    c.add("a skill without a name", with(AGENT, "skills", "[{\"level\":3}]"), 400, "skills[0].name");
    c.add("a null skill", with(AGENT, "skills", "[null]"), 400, "skills[0].name");
    c.add("the second skill at level 9", with(AGENT, "skills", "[{\"name\":\"english\",\"level\":3},{\"name\":\"german\",\"level\":9}]"),
        400, "skills[1].level");
    c.add("a queue id with illegal characters", with(AGENT, "queues", "[\"Bad Id\"]"), 400, "queues[0]");
    c.add("a null queue id", with(AGENT, "queues", "[null]"), 400, "queues[0]");
    c.add("wrapUpSeconds -1", with(AGENT, "wrapUpSeconds", "-1"), 400, "wrapUpSeconds");
    c.add("wrapUpSeconds 1000000000", with(AGENT, "wrapUpSeconds", "1000000000"), 400, "wrapUpSeconds");
    c.add("three bad fields at once",
        with(with(with(AGENT, "maxConcurrentCalls", "0"), "skills", "[{\"name\":\"english\",\"level\":6}]"), "wrapUpSeconds", "-1"), 400,
        "maxConcurrentCalls", "skills[0].level", "wrapUpSeconds");
    c.add("an id that exists", with(with(AGENT, "id", "\"ann\""), "sipUri", "\"sip:ann2@example.com\""), 409);
    c.add("the SIP user of another agent", with(AGENT, "sipUri", "\"sip:ann@example.org\""), 409);
    return c.group(ADMIN, List.of(AGENTS, AGENTS + "/ann", AGENTS + "/zed"));
  }

  private static final String ANN = "{\"sipUri\":\"sip:ann@example.com\",\"displayName\":\"Ann\"}";

  private static Group agentPut() {
    Cases c = new Cases("PUT", AGENTS + "/ann");
    c.unreadable(ANN);
    c.add("empty object", "{}", 400, "sipUri", "displayName");
    c.add("an id that is not the path's", with(ANN, "id", "\"zed\""), 400, "id");
    c.add("a new sipUri without a new password", with(ANN, "sipUri", "\"sip:ann2@example.com\""), 400, "password");
    c.add("password of 3 characters", with(ANN, "password", "\"abc\""), 400, "password");
    c.add("maxConcurrentCalls 1000000000", with(ANN, "maxConcurrentCalls", "1000000000"), 400, "maxConcurrentCalls");
    c.add("skill level 6", with(ANN, "skills", "[{\"name\":\"english\",\"level\":6}]"), 400, "skills[0].level");
    c.add("wrapUpSeconds -1", with(ANN, "wrapUpSeconds", "-1"), 400, "wrapUpSeconds");
    c.add("wrapUpSeconds 86401", with(ANN, "wrapUpSeconds", "86401"), 400, "wrapUpSeconds");
    c.add("maxConcurrentCalls is a string", with(ANN, "maxConcurrentCalls", "\"2\""), 400, "maxConcurrentCalls");
    c.add("unknown field email", with(ANN, "email", "\"ann@example.com\""), 400, "email");
    c.at("PUT", AGENTS + "/Bad%20Id").add("a path id with illegal characters", ANN, 400, "id");
    return c.group(ADMIN, List.of(AGENTS, AGENTS + "/ann"));
  }

  private static Group skillsPut() {
    Cases c = new Cases("PUT", AGENTS + "/ann/skills");
    c.unreadable("[{\"name\":\"french\",\"level\":3}]");
    c.add("an object, not an array", "{\"name\":\"french\",\"level\":3}", 400);
    c.add("a string, not a skill", "[\"french\"]", 400, "[0]");
    for (int level : new int[] {0, 6, -1}) {
      c.add("level " + level, "[{\"name\":\"french\",\"level\":" + level + "}]", 400, "skills[0].level");
    }
    c.add("level beyond a 32-bit integer", "[{\"name\":\"french\",\"level\":10000000000}]", 400, "[0].level");
    c.add("level is a string", "[{\"name\":\"french\",\"level\":\"3\"}]", 400, "[0].level");
    c.add("no name", "[{\"level\":3}]", 400, "skills[0].name");
    c.add("an empty name", "[{\"name\":\"\",\"level\":3}]", 400, "skills[0].name");
    c.add("a null skill", "[null]", 400, "skills[0].name");
    c.add("the second skill at level 9", "[{\"name\":\"french\",\"level\":3},{\"name\":\"german\",\"level\":9}]", 400, "skills[1].level");
    c.add("unknown field in a skill", "[{\"name\":\"french\",\"level\":3,\"years\":2}]", 400, "[0].years");
    return c.group(ADMIN, List.of(AGENTS + "/ann"));
  }

  // ---- tokens ----

  private static Group tokenPost() {
    Cases c = new Cases("POST", "/api/v1/admin/tokens");
    String supervisorToken = "{\"role\":\"supervisor\",\"label\":\"" + TOKEN_LABEL + "\"}";
    c.unreadable(supervisorToken);
    c.add("empty object", "{}", 400, "role");
    c.add("no role", "{\"label\":\"" + TOKEN_LABEL + "\"}", 400, "role");
    for (String role : new String[] {"\"root\"", "\"admin\"", "\"ADMIN\"", "\"\"", "null"}) {
      c.add("role " + role, with(supervisorToken, "role", role), 400, "role");
    }
    c.add("role is a number", with(supervisorToken, "role", "5"), 400, "role");
    c.add("role is an array", with(supervisorToken, "role", "[\"supervisor\"]"), 400, "role");
    for (String label : new String[] {"bad label!", ID_65, "", "a/b"}) {
      c.add("label " + shown(label), with(supervisorToken, "label", quoted(label)), 400, "label");
    }
    c.add("label is a number", with(supervisorToken, "label", "5"), 400, "label");
    c.add("an agent token without agentId", with(supervisorToken, "role", "\"agent\""), 400, "agentId");
    c.add("a supervisor token with agentId", with(supervisorToken, "agentId", "\"ann\""), 400, "agentId");
    c.add("agentId is a number", with(with(supervisorToken, "role", "\"agent\""), "agentId", "5"), 400, "agentId");
    c.add("an empty agentId", with(with(supervisorToken, "role", "\"agent\""), "agentId", "\"\""), 400, "agentId");
    c.add("agentId with illegal characters", with(with(supervisorToken, "role", "\"agent\""), "agentId", "\"Bad Id!\""), 400, "agentId");
    c.add("an unknown agent", with(with(supervisorToken, "role", "\"agent\""), "agentId", "\"no-such-agent\""), 404);
    c.add("unknown field scope", with(supervisorToken, "scope", "\"all\""), 400, "scope");
    c.add("the client choosing its own token", with(supervisorToken, "token", "\"let-me-in\""), 400, "token");
    c.add("a label in use", with(supervisorToken, "label", "\"taken-label\""), 409);
    return new Group(c.name, ADMIN, List.of(), c.cases, List.of(TOKEN_LABEL, "bad%20label!", ID_65));
  }

  // ---- an agent's status ----

  private static Group statusPut() {
    Cases c = new Cases("PUT", "/api/v1/agents/ann/status");
    c.unreadable("{\"presence\":\"AVAILABLE\"}");
    c.add("empty object", "{}", 400, "presence");
    for (String presence : new String[] {"\"ASLEEP\"", "\"\"", "null", "5", "[\"AVAILABLE\"]", "\"ON_CALL\""}) {
      c.add("presence " + presence, "{\"presence\":" + presence + "}", 400, "presence");
    }
    c.add("BREAK without a reason", "{\"presence\":\"BREAK\"}", 400, "reason");
    c.add("BREAK for a nap", "{\"presence\":\"BREAK\",\"reason\":\"nap\"}", 400, "reason");
    c.add("BREAK reason in capitals", "{\"presence\":\"BREAK\",\"reason\":\"LUNCH\"}", 400, "reason");
    c.add("reason is a number", "{\"presence\":\"BREAK\",\"reason\":5}", 400, "reason");
    c.add("unknown field mood", "{\"presence\":\"AVAILABLE\",\"mood\":\"happy\"}", 400, "mood");
    c.add("activity is not the client's", "{\"presence\":\"AVAILABLE\",\"activity\":\"IDLE\"}", 400, "activity");
    c.at("PUT", "/api/v1/agents/Bad%20Id/status").add("an agent id with illegal characters", "{\"presence\":\"AVAILABLE\"}", 404);
    return c.group(ADMIN, List.of("/api/v1/agents/ann", AGENTS));
  }

  // ---- an agent's history (query parameters, no body) ----

  private static Group historyGet() {
    String history = "/api/v1/agents/ann/history";
    Cases c = new Cases("GET", history);
    c.at("GET", history + "?from=yesterday").add("from is not an instant", null, 400, "from");
    c.at("GET", history + "?to=2030-13-01T00:00:00Z").add("to is not a date", null, 400, "to");
    c.at("GET", history + "?from=2030-03-04").add("from without a time", null, 400, "from");
    c.at("GET", history + "?from=1&to=2").add("both numbers", null, 400, "from", "to");
    c.at("GET", history + "?from=2030-03-04T09:00:00Z&to=2030-03-04T09:00:00Z").add("from equal to to", null, 400, "to");
    c.at("GET", history + "?from=2030-03-04T09:00:00Z&to=2030-03-04T08:00:00Z").add("to before from", null, 400, "to");
    c.at("GET", history + "?from=2999-01-01T00:00:00Z").add("from after now, the default to", null, 400, "from");
    c.at("GET", "/api/v1/agents/Bad%20Id/history").add("an agent id with illegal characters", null, 404);
    return c.group(supervisor, List.of("/api/v1/agents/ann", AGENTS));
  }

  // ---- the supervisor's metrics (query parameters, no body) ----

  private static Group metricsGet() {
    String metrics = "/api/v1/supervisor/metrics";
    String day = "?from=2030-03-04T00:00:00Z&to=2030-03-05T00:00:00Z";
    Cases c = new Cases("GET", metrics);
    c.at("GET", metrics + "?from=today&to=2030-03-05T00:00:00Z").add("from is not an instant", null, 400, "from");
    c.at("GET", metrics + "?from=2030-03-04T00:00:00Z").add("from without to", null, 400, "to");
    c.at("GET", metrics + "?to=2030-03-05T00:00:00Z").add("to without from", null, 400, "from");
    c.at("GET", metrics + "?from=2030-03-04T09:00:00Z&to=2030-03-04T09:00:00Z").add("from equal to to", null, 400, "to");
    c.at("GET", metrics + "?from=2030-03-05T00:00:00Z&to=2030-03-04T00:00:00Z").add("to before from", null, 400, "to");
    c.at("GET", metrics + day + "&interval=15m").add("interval is not a duration", null, 400, "interval");
    c.at("GET", metrics + day + "&interval=PT10M").add("interval not a multiple of 15 minutes", null, 400, "interval");
    c.at("GET", metrics + day + "&interval=-PT15M").add("negative interval", null, 400, "interval");
    c.at("GET", metrics + "?from=2000-01-01T00:00:00Z&to=2030-01-01T00:00:00Z&interval=PT15M")
        .add("more than 10,000 intervals", null, 400, "interval");
    return c.group(supervisor, List.of("/api/v1/supervisor/stats", "/api/v1/queues/stats"));
  }

  // ---- routing policies ----

  private static final String POLICIES = "/api/v1/admin/routing-policies";
  private static final String POLICY = "{\"id\":\"p-new\",\"rules\":[{\"queueId\":\"support\"}]}";

  private static String rule(String ruleJson) {
    return "{\"id\":\"p-new\",\"rules\":[" + ruleJson + "]}";
  }

  private static Group policyPost() {
    Cases c = new Cases("POST", POLICIES);
    c.unreadable(POLICY);
    c.add("empty object", "{}", 400, "id", "rules");
    c.add("no rules", "{\"id\":\"p-new\"}", 400, "rules");
    c.add("empty rules", "{\"id\":\"p-new\",\"rules\":[]}", 400, "rules");
    c.add("rules is a string", "{\"id\":\"p-new\",\"rules\":\"support\"}", 400, "rules");
    c.add("a null rule", "{\"id\":\"p-new\",\"rules\":[null]}", 400, "rules[0]");
    c.add("id is a number", with(POLICY, "id", "5"), 400, "id");
    for (String id : new String[] {"Bad Id", "", ID_65, "main/2"}) {
      c.add("id " + shown(id), with(POLICY, "id", quoted(id)), 400, "id");
    }
    c.add("a rule without a queue", rule("{}"), 400, "rules[0].queueId");
    c.add("a rule to an unknown queue", rule("{\"queueId\":\"no-such-queue\"}"), 400, "rules[0].queueId");
    c.add("a queue id with illegal characters", rule("{\"queueId\":\"Bad Id\"}"), 400, "rules[0].queueId");
    c.add("queueId is a number", rule("{\"queueId\":5}"), 400, "rules[0].queueId");
    for (String priority : new String[] {"-1", "101", "1000000000"}) {
      c.add("priority " + priority, rule("{\"queueId\":\"support\",\"priority\":" + priority + "}"), 400, "rules[0].priority");
    }
    c.add("priority is a word", rule("{\"queueId\":\"support\",\"priority\":\"high\"}"), 400, "rules[0].priority");
    for (int level : new int[] {0, 6}) {
      c.add("extra skill minLevel " + level, rule("{\"queueId\":\"support\",\"extraSkills\":[{\"name\":\"french\",\"minLevel\":" + level + "}]}"),
          400, "rules[0].extraSkills[0].minLevel");
    }
    c.add("an extra skill without a name", rule("{\"queueId\":\"support\",\"extraSkills\":[{\"minLevel\":3}]}"), 400,
        "rules[0].extraSkills[0].name");
    c.add("caller with two matchers", rule("{\"queueId\":\"support\",\"caller\":{\"exact\":\"a\",\"prefix\":\"b\"}}"), 400, "rules[0].caller");
    c.add("caller with no matcher", rule("{\"queueId\":\"support\",\"caller\":{}}"), 400, "rules[0].caller");
    c.add("caller is a string", rule("{\"queueId\":\"support\",\"caller\":\"vip\"}"), 400, "rules[0].caller");
    c.add("caller pattern that does not compile", rule("{\"queueId\":\"support\",\"caller\":{\"pattern\":\"(\"}}"), 400,
        "rules[0].caller.pattern");
    c.add("caller exact blank", rule("{\"queueId\":\"support\",\"caller\":{\"exact\":\" \"}}"), 400, "rules[0].caller.exact");
    c.add("a window from 25:00", rule("{\"queueId\":\"support\",\"windows\":[{\"from\":\"25:00\",\"to\":\"26:00\"}]}"), 400,
        "rules[0].windows[0].from");
    c.add("a window without to", rule("{\"queueId\":\"support\",\"windows\":[{\"from\":\"08:00\"}]}"), 400, "rules[0].windows[0].to");
    c.add("a window on FUNDAY", rule("{\"queueId\":\"support\",\"windows\":[{\"days\":[\"FUNDAY\"],\"from\":\"08:00\",\"to\":\"18:00\"}]}"),
        400, "rules[0].windows[0].days[0]");
    c.add("a null window", rule("{\"queueId\":\"support\",\"windows\":[null]}"), 400, "rules[0].windows[0]");
    c.add("digits with a letter x", rule("{\"queueId\":\"support\",\"digits\":\"12x\"}"), 400, "rules[0].digits");
    c.add("empty digits", rule("{\"queueId\":\"support\",\"digits\":\"\"}"), 400, "rules[0].digits");
    c.add("33 digits", rule("{\"queueId\":\"support\",\"digits\":\"" + "1".repeat(33) + "\"}"), 400, "rules[0].digits");
    c.add("empty dialed", rule("{\"queueId\":\"support\",\"dialed\":\"\"}"), 400, "rules[0].dialed");
    c.add("a rule after the default rule", rule("{\"queueId\":\"support\"},{\"dialed\":\"x\",\"queueId\":\"support\"}"), 400, "rules[1]");
    c.add("timeZone on Mars", with(POLICY, "timeZone", "\"Mars/Olympus\""), 400, "timeZone");
    c.add("timeZone is a number", with(POLICY, "timeZone", "5"), 400, "timeZone");
    c.add("order is a word", with(POLICY, "order", "\"first\""), 400, "order");
    c.add("order is a fraction", with(POLICY, "order", "2.5"), 400, "order");
    c.add("ivr maxDigits 33", with(POLICY, "ivr", "{\"maxDigits\":33}"), 400, "ivr");
    c.add("ivr timeoutSeconds 61", with(POLICY, "ivr", "{\"timeoutSeconds\":61}"), 400, "ivr");
    c.add("ivr retries 11", with(POLICY, "ivr", "{\"retries\":11}"), 400, "ivr");
    c.add("ivr is a string", with(POLICY, "ivr", "\"menu\""), 400, "ivr");
    c.add("ivr maxDigits -1", with(POLICY, "ivr", "{\"maxDigits\":-1}"), 400, "ivr");
    c.add("ivr timeoutSeconds -5", with(POLICY, "ivr", "{\"timeoutSeconds\":-5}"), 400, "ivr");
    c.add("ivr retries -1", with(POLICY, "ivr", "{\"retries\":-1}"), 400, "ivr");
    c.add("unknown field priority on the policy", with(POLICY, "priority", "5"), 400, "priority");
    c.add("unknown field in a rule", rule("{\"queue\":\"support\"}"), 400, "rules[0].queue");
    c.add("unknown field in the menu", with(POLICY, "ivr", "{\"voice\":\"female\"}"), 400, "ivr.voice");
    c.add("three bad fields at once",
        "{\"id\":\"Bad Id\",\"timeZone\":\"Mars/Olympus\",\"rules\":[{\"queueId\":\"support\",\"priority\":-1}]}", 400,
        "id", "timeZone", "rules[0].priority");
    c.add("an id that exists", with(POLICY, "id", "\"main\""), 409);
    return c.group(ADMIN, List.of(POLICIES, POLICIES + "/main", POLICIES + "/p-new"));
  }

  private static Group policyPut() {
    Cases c = new Cases("PUT", POLICIES + "/main");
    c.unreadable("{\"rules\":[{\"queueId\":\"support\"}]}");
    c.add("an id that is not the path's", "{\"id\":\"other\",\"rules\":[{\"queueId\":\"support\"}]}", 400, "id");
    c.add("empty rules", "{\"rules\":[]}", 400, "rules");
    c.add("a rule to an unknown queue", "{\"rules\":[{\"queueId\":\"no-such-queue\"}]}", 400, "rules[0].queueId");
    c.add("priority -1", "{\"rules\":[{\"queueId\":\"support\",\"priority\":-1}]}", 400, "rules[0].priority");
    c.add("unknown field colour", "{\"colour\":\"red\",\"rules\":[{\"queueId\":\"support\"}]}", 400, "colour");
    c.at("PUT", POLICIES + "/no-such-policy").add("an unknown policy", "{\"rules\":[{\"queueId\":\"support\"}]}", 404);
    c.at("PUT", POLICIES + "/Bad%20Id").add("a path id with illegal characters", "{\"rules\":[{\"queueId\":\"support\"}]}", 400, "id");
    return c.group(ADMIN, List.of(POLICIES, POLICIES + "/main"));
  }

  // ---- assign ----

  private static Group assignPost() {
    Cases c = new Cases("POST", "/api/v1/supervisor/calls/no-such-call/assign");
    c.unreadable("{\"agentId\":\"ann\"}");
    c.add("empty object", "{}", 400, "agentId");
    c.add("agentId null", "{\"agentId\":null}", 400, "agentId");
    c.add("agentId empty", "{\"agentId\":\"\"}", 400, "agentId");
    c.add("agentId blank", "{\"agentId\":\"  \"}", 400, "agentId");
    c.add("agentId is a number", "{\"agentId\":5}", 400, "agentId");
    c.add("agentId is an array", "{\"agentId\":[\"ann\"]}", 400, "agentId");
    c.add("unknown field priority", "{\"agentId\":\"ann\",\"priority\":1}", 400, "priority");
    c.add("an unknown call", "{\"agentId\":\"ann\"}", 404);
    return c.group(supervisor, List.of("/api/v1/supervisor/agents", "/api/v1/supervisor/stats", "/api/v1/supervisor/calls"));
  }

  // ---- building cases ----

  /** The cases of one endpoint; {@link #at} switches the target for the cases added after it. */
  private static final class Cases {
    final String name;
    String method;
    String path;
    final List<Case> cases = new ArrayList<>();

    Cases(String method, String path) {
      this.name = method + " " + path;
      this.method = method;
      this.path = path;
    }

    Cases at(String newMethod, String newPath) {
      method = newMethod;
      path = newPath;
      return this;
    }

    Cases add(String name, String body, int status, String... fields) {
      return add(name, "application/json", body, status, fields);
    }

    Cases add(String name, String contentType, String body, int status, String... fields) {
      String where = path.equals(this.name.substring(this.name.indexOf(' ') + 1)) ? "" : " (" + method + " " + path + ")";
      cases.add(new Case(name + where, method, path, contentType, body, status, new TreeSet<>(Arrays.asList(fields))));
      return this;
    }

    /** What every body-reading endpoint refuses, whatever its shape; {@code valid} is a good body to break. */
    void unreadable(String valid) {
      add("truncated JSON", valid.substring(0, valid.length() / 2), 400);
      add("not JSON at all", "id=q1&name=x", 400);
      add("single quotes", valid.replace('"', '\''), 400);
      add("a trailing comma", valid.substring(0, valid.length() - 1) + ",}", 400);
      add("two JSON values", valid + " " + valid, 400);
      add("an empty body", "", 400);
      add("the literal null", "null", 400);
      add("a bare string", "\"hello\"", 400);
      add("a body over 64 KiB", valid.startsWith("[")
          ? "[{\"name\":\"" + OVER_LIMIT + "\",\"level\":3}]"
          : "{\"name\":\"" + OVER_LIMIT + "\"}", 413);
      add("text/plain instead of JSON", "text/plain", valid, 415);
    }

    Group group(String token, List<String> watched) {
      return new Group(name, token, watched, cases, List.of());
    }
  }

  /** {@code json} with {@code field} set to the raw JSON {@code value}. */
  private static String with(String json, String field, String value) {
    try {
      ObjectNode node = (ObjectNode) JSON.readTree(json);
      node.set(field, JSON.readTree(value));
      return JSON.writeValueAsString(node);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static String without(String json, String field) {
    try {
      ObjectNode node = (ObjectNode) JSON.readTree(json);
      node.remove(field);
      return JSON.writeValueAsString(node);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static String quoted(String s) {
    try {
      return JSON.writeValueAsString(s);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static String shown(String s) {
    return s.length() > 20 ? "of " + s.length() + " characters" : "\"" + s + "\"";
  }

  private static void created(Reply reply) {
    assertEquals(201, reply.status(), reply.raw().body());
  }
}
