package io.callengine.core.readside;

import static io.callengine.core.testing.TestEngines.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.callengine.core.EngineException;
import io.callengine.core.Refusal;
import io.callengine.core.Tags;
import io.callengine.core.agent.Activity;
import io.callengine.core.agent.AgentEntity;
import io.callengine.core.agent.AgentView;
import io.callengine.core.agent.Presence;
import io.callengine.core.agent.Reservation;
import io.callengine.core.agent.Skill;
import io.callengine.core.api.AdminApi;
import io.callengine.core.api.AgentSpec;
import io.callengine.core.api.CallCenterEngine;
import io.callengine.core.api.QueueSpec;
import io.callengine.core.policy.RoutingPolicy;
import io.callengine.core.policy.RoutingRule;
import io.callengine.core.queue.QueueConfig;
import io.callengine.core.testing.ManualClock;
import io.callengine.core.testing.TestDatabase;
import io.callengine.core.testing.TestEngines;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.serialization.jackson.JacksonObjectMapperProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The read side on a real engine and a database of its own (an H2 file, and PostgreSQL): agents,
 * queues and policies changed through the facades and the agent's own commands show up in their
 * tables, the history figures come out exact under a clock the test moves, and a fresh engine on
 * the same database neither loses nor repeats a row. The tests run in order and share one
 * timeline of 4 March 2030.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(TestDatabase.Kind.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReadSideProjectionTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @Parameter
  TestDatabase.Kind kind;

  // One instance serves every invocation: each has its own timeline, database and engine.
  private ManualClock clock;
  private TestDatabase db;
  private CallCenterEngine engine;

  /** The invocation's first test starts them, so that a PostgreSQL run without a server shows every test skipped, with the reason. */
  @BeforeEach
  void startOnce() throws Exception {
    if (db != null) return;
    clock = new ManualClock(at("07:00"));
    db = TestDatabase.create(kind);
    engine = startEngine();
  }

  @AfterParameterizedClassInvocation
  void stop() throws Exception {
    try {
      if (engine != null) engine.shutdown().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } finally {
      engine = null;
      if (db != null) db.close();
      db = null;
    }
  }

  private CallCenterEngine startEngine() throws Exception {
    return TestEngines.start(db.config().withFallback(TestEngines.config("")), clock);
  }

  @Test
  @Order(1)
  void agentsQueuesAndPoliciesAreMirroredAndDeletesRemoveRows() throws Exception {
    AdminApi admin = engine.admin();
    List<QueueConfig.RequiredSkill> required = List.of(new QueueConfig.RequiredSkill("sales", 3), new QueueConfig.RequiredSkill("french", 2));
    await(admin.createQueue(QueueSpec.of("sales", "Sales").withRequiredSkills(required)));
    await(admin.updateQueue("sales", QueueSpec.of("sales", "Sales EMEA").withRequiredSkills(required).withLimits(10, 300, null)));
    await(admin.createQueue(QueueSpec.of("doomed", "Doomed")));
    await(admin.deleteQueue("doomed"));
    await(admin.createAgent(AgentSpec.of("ann", "sip:ann@example.com", "Ann", "pw-ann")
        .withSkills(List.of(new Skill("sales", 4), new Skill("french", 2)))));
    await(admin.updateSkills("ann", List.of(new Skill("sales", 5), new Skill("german", 1))));
    await(admin.createAgent(AgentSpec.of("bob", "sip:bobby@example.com", "Bob", "pw-bob")));
    await(admin.createAgent(AgentSpec.of("gone", "sip:gone@example.com", "Gone", "pw-gone").withSkills(List.of(new Skill("sales", 1)))));
    await(admin.deleteAgent("gone"));
    RoutingRule toSales = new RoutingRule("sales", null, List.of(), null, "sales", 5, List.of());
    await(admin.createPolicy(new RoutingPolicy("main", "Main", 2, List.of(toSales), "Europe/Paris")));
    await(admin.updatePolicy("main", new RoutingPolicy("main", "Main line", 3, List.of(toSales), "Europe/Paris")));
    await(admin.createPolicy(new RoutingPolicy("old", "Old", 1, List.of(toSales), null)));
    await(admin.deletePolicy("old"));

    // Each table's projection runs apart: wait for the last change of each.
    eventually(WAIT, "the configuration projected", () -> rows("SELECT id, name FROM routing_policies").equals(List.of("main|Main line"))
        && rows("SELECT id FROM agents ORDER BY id").equals(List.of("ann", "bob"))
        && rows(SKILLS).equals(List.of("ann|german|1", "ann|sales|5"))
        && rows("SELECT id, name FROM call_queues").equals(List.of("sales|Sales EMEA")));
    assertEquals(List.of("ann|Ann|ann|1|null|OFFLINE|null|false|null|null", "bob|Bob|bobby|1|null|OFFLINE|null|false|null|null"),
        rows(AGENTS));
    assertEquals(List.of("ann|german|1", "ann|sales|5"), rows(SKILLS), "skills replaced on every change; the deleted agent's removed");
    assertEquals(List.of("sales|Sales EMEA|sales|0|longest-idle|10|300|null|0|20|20|sales:3,french:2|486|wait|0|null|0"), rows(QUEUES));
    assertEquals(List.of("main|Main line|3|Europe/Paris|1"), rows("SELECT id, name, position, time_zone, rule_count FROM routing_policies"));
    ObjectMapper json = JacksonObjectMapperProvider.get(engine.system()).getOrCreate("jackson-json", Optional.empty());
    assertEquals(await(admin.getPolicy("main")), json.readValue(rows("SELECT policy FROM routing_policies").get(0), RoutingPolicy.class),
        "the JSON column reads back as the policy");
  }

  @Test
  @Order(2)
  void presenceCallsAndWrapUpMakeTheHistory() throws Exception {
    clock.set(at("08:00"));
    this.<AgentView>agent("ann", r -> new AgentEntity.Register("sip:ann@127.0.0.1:5070", 30 * 86_400, null, r));
    await(engine.admin().setPresence("ann", Presence.AVAILABLE, null));
    clock.set(at("08:10"));
    this.<Reservation>agent("ann", r -> new AgentEntity.Reserve("h-1", r));
    this.<Done>agent("ann", r -> new AgentEntity.AnswerCall("h-1", r));
    clock.set(at("08:12"));
    // A queue wrap-up of 1 s arms a 1 s timer; the clock says 45 s have passed when it fires.
    this.<AgentEntity.Finished>agent("ann", r -> new AgentEntity.FinishCall("h-1", 120, 1, r));
    clock.set(at("08:12:45"));
    eventually(WAIT, "the wrap-up over", () -> await(engine.admin().getAgent("ann")).activity() == Activity.IDLE);
    clock.set(at("08:20"));
    this.<Reservation>agent("ann", r -> new AgentEntity.Reserve("h-2", r));
    clock.set(at("08:20:20"));
    this.<Done>agent("ann", r -> new AgentEntity.ReleaseCall("h-2", true, r));
    clock.set(at("08:30"));
    this.<Reservation>agent("ann", r -> new AgentEntity.Reserve("h-3", r));
    this.<Done>agent("ann", r -> new AgentEntity.AnswerCall("h-3", r));
    clock.set(at("08:35"));
    await(engine.admin().setPresence("ann", Presence.BREAK, "coffee"));
    clock.set(at("08:40"));
    this.<AgentEntity.Finished>agent("ann", r -> new AgentEntity.FinishCall("h-3", 300, 0, r));
    presence("ann", "08:50", Presence.AVAILABLE, null);
    presence("ann", "09:00", Presence.BREAK, "lunch");
    presence("ann", "09:30", Presence.AVAILABLE, null);
    presence("ann", "10:00", Presence.OFFLINE, null);
    presence("bob", "10:00", Presence.AVAILABLE, null);
    clock.set(at("10:30"));

    eventually(WAIT, "the history projected", () -> rows(PRESENCE_LOG).size() == 7);
    assertEquals(List.of(
        "ann|AVAILABLE|null|08:00:00|08:40:00",
        "ann|BREAK|coffee|08:40:00|08:50:00",
        "ann|AVAILABLE|null|08:50:00|09:00:00",
        "ann|BREAK|lunch|09:00:00|09:30:00",
        "ann|AVAILABLE|null|09:30:00|10:00:00",
        "ann|OFFLINE|null|10:00:00|null",
        "bob|AVAILABLE|null|10:00:00|null"), rows(PRESENCE_LOG), "the coffee break asked for on a call starts when the call ends");
    assertEquals(List.of("ann|h-1|08:12:00|120|08:12:00|08:12:45|45", "ann|h-3|08:40:00|300|08:40:00|08:40:00|0"), rows(CALL_LOG));
    assertEquals(List.of("ann|h-2|08:20:20"), rows(NO_ANSWERS));
    assertEquals("ann|Ann|ann|1|null|OFFLINE|null|true|null|null", rows(AGENTS).get(0));

    AgentHistoryReport morning = history("ann", "08:00", "11:00");
    assertEquals(new AgentHistoryReport("ann", at("08:00"), at("11:00"), 2, 420, 45, 1, 7200, 4800,
        List.of(new AgentHistoryReport.BreakTime("coffee", 1, 600), new AgentHistoryReport.BreakTime("lunch", 1, 1800)), 0), morning);
    assertEquals(new AgentHistoryReport("ann", at("08:45"), at("09:15"), 0, 0, 0, 0, 1800, 600,
        List.of(new AgentHistoryReport.BreakTime("coffee", 1, 300), new AgentHistoryReport.BreakTime("lunch", 1, 900)), 0),
        history("ann", "08:45", "09:15"), "periods clipped to the range");
    assertEquals(morning, await(engine.agent("ann").getAgentHistory(at("08:00"), at("11:00"))), "the agent reads its own");
  }

  @Test
  @Order(3)
  void anOpenPeriodCountsUntilNowAndTheDefaultRangeIsToday() throws Exception {
    AgentHistoryReport today = await(engine.supervisor().getAgentHistory("bob", null, null));
    assertEquals(new AgentHistoryReport("bob", at("00:00"), at("10:30"), 0, 0, 0, 0, 1800, 1800, List.of(), 0), today);
    assertEquals(1800, history("bob", "10:00", "12:00").loggedInSeconds(), "an open period ends now, not at to");
    assertEquals(Refusal.INVALID, refusal(engine.supervisor().getAgentHistory("bob", at("09:00"), at("09:00"))));
    assertEquals(Refusal.INVALID, refusal(engine.supervisor().getAgentHistory("bob", at("11:00"), null)), "from after now");
    assertEquals(Refusal.NOT_FOUND, refusal(engine.supervisor().getAgentHistory("gone", null, null)));
  }

  @Test
  @Order(4)
  void aFreshEngineOnTheSameDatabaseNeitherRepeatsNorLosesRows() throws Exception {
    Map<String, List<String>> before = snapshot();
    clock.set(at("10:45"));
    await(engine.admin().setPresence("ann", Presence.BREAK, "training"));
    // No wait for the projection: the event may reach the table before or after the restart.
    engine.shutdown().toCompletableFuture().get(30, TimeUnit.SECONDS);
    engine = startEngine();

    List<String> probes = probeAgents();
    for (String probe : probes) await(engine.admin().createAgent(AgentSpec.of(probe, "sip:" + probe + "@example.com", probe, "pw-probe")));
    await(engine.admin().createQueue(QueueSpec.of("probe-q", "Probe")));
    await(engine.admin().createPolicy(new RoutingPolicy("probe-p", "Probe", 9,
        List.of(new RoutingRule("probe", null, List.of(), null, "probe-q", null, List.of())), null)));
    eventually(WAIT, "every projection running again", () -> rows("SELECT id FROM agents WHERE id LIKE 'probe-%'").size() == probes.size()
        && rows("SELECT id FROM call_queues WHERE id = 'probe-q'").size() == 1
        && rows("SELECT id FROM routing_policies WHERE id = 'probe-p'").size() == 1);

    Map<String, List<String>> after = snapshot();
    after.replaceAll((table, rows) -> rows.stream().filter(r -> !r.startsWith("probe-")).toList());
    List<String> presenceBefore = new ArrayList<>(before.get(PRESENCE_LOG));
    presenceBefore.set(5, "ann|OFFLINE|null|10:00:00|10:45:00");
    presenceBefore.add(6, "ann|BREAK|training|10:45:00|null");
    before.put(PRESENCE_LOG, presenceBefore);
    before.put(AGENTS, List.of("ann|Ann|ann|1|null|BREAK|training|true|null|null", before.get(AGENTS).get(1)));
    assertEquals(before, after);
  }

  // ---- the tables as text: one row a line, columns joined by |, times of day in UTC ----

  private static final String AGENTS = "SELECT id, display_name, sip_user, max_calls, wrap_up_seconds, presence, break_reason, "
      + "registered, pending_presence, pending_reason FROM agents ORDER BY id";
  private static final String SKILLS = "SELECT agent_id, skill, level FROM agent_skills ORDER BY agent_id, skill";
  private static final String QUEUES = "SELECT id, name, sip_address, priority, strategy, max_size, max_wait_seconds, overflow_queue_id, "
      + "wrap_up_seconds, ring_timeout_seconds, service_level_seconds, required_skills, full_status, no_agent_action, "
      + "no_agent_delay_seconds, exit_key, announce_every_seconds FROM call_queues ORDER BY id";
  private static final String POLICIES = "SELECT id, name, position, time_zone, rule_count, policy FROM routing_policies ORDER BY id";
  private static final String PRESENCE_LOG = "SELECT agent_id, presence, reason, started_at, ended_at FROM agent_presence_log "
      + "ORDER BY agent_id, started_at, id";
  private static final String CALL_LOG = "SELECT agent_id, call_id, finished_at, talk_seconds, wrap_up_started_at, wrap_up_ended_at, "
      + "wrap_up_seconds FROM agent_call_log ORDER BY agent_id, finished_at";
  private static final String NO_ANSWERS = "SELECT agent_id, call_id, at FROM agent_no_answers ORDER BY agent_id, at, id";
  private static final Set<String> TIMES = Set.of("started_at", "ended_at", "finished_at", "wrap_up_started_at", "wrap_up_ended_at", "at");

  private Map<String, List<String>> snapshot() throws Exception {
    Map<String, List<String>> tables = new TreeMap<>();
    for (String sql : List.of(AGENTS, SKILLS, QUEUES, POLICIES, PRESENCE_LOG, CALL_LOG, NO_ANSWERS)) tables.put(sql, rows(sql));
    return tables;
  }

  private List<String> rows(String sql) throws Exception {
    try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      List<String> rows = new ArrayList<>();
      int columns = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        List<String> cells = new ArrayList<>();
        for (int i = 1; i <= columns; i++) {
          Object value = rs.getObject(i);
          boolean time = value != null && TIMES.contains(rs.getMetaData().getColumnLabel(i).toLowerCase());
          cells.add(time ? Instant.ofEpochMilli(((Number) value).longValue()).toString().substring(11, 19) : String.valueOf(value));
        }
        rows.add(String.join("|", cells));
      }
      return rows;
    }
  }

  // ---- driving the engine ----

  /** One agent per projection slice, so that seeing all of them proves every slice has caught up. */
  private static List<String> probeAgents() {
    Set<String> slices = new HashSet<>();
    List<String> probes = new ArrayList<>();
    for (int i = 0; slices.size() < Tags.AGENT_SLICES; i++) {
      if (slices.add(Tags.agentTag("probe-" + i))) probes.add("probe-" + i);
    }
    return probes;
  }

  private void presence(String agentId, String time, Presence presence, String reason) throws Exception {
    clock.set(at(time));
    await(engine.admin().setPresence(agentId, presence, reason));
  }

  private <T> T agent(String agentId, org.apache.pekko.japi.function.Function<ActorRef<StatusReply<T>>, AgentEntity.Command> command)
      throws Exception {
    return await(engine.asks().ask(engine.sharding().entityRefFor(AgentEntity.ENTITY_KEY, agentId), command));
  }

  private AgentHistoryReport history(String agentId, String from, String to) throws Exception {
    return await(engine.supervisor().getAgentHistory(agentId, at(from), at(to)));
  }

  private static Refusal refusal(CompletionStage<?> stage) {
    ExecutionException e = assertThrows(ExecutionException.class, () -> await(stage));
    return ((EngineException) e.getCause()).refusal();
  }

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static Instant at(String timeOfDay) {
    return Instant.parse("2030-03-04T" + (timeOfDay.length() == 5 ? timeOfDay + ":00" : timeOfDay) + "Z");
  }
}
