package io.callengine.examples;

import static io.callengine.examples.Examples.await;
import static io.callengine.examples.Examples.check;
import static io.callengine.examples.Examples.get;

import io.callengine.core.EngineException;
import io.callengine.core.Refusal;
import io.callengine.core.agent.AgentView;
import io.callengine.core.agent.Presence;
import io.callengine.core.agent.Skill;
import io.callengine.core.api.AdminApi;
import io.callengine.core.api.AgentSpec;
import io.callengine.core.api.CallCenterEngine;
import io.callengine.core.api.QueueSpec;
import io.callengine.core.policy.CallerMatch;
import io.callengine.core.policy.RoutingPolicy;
import io.callengine.core.policy.RoutingRule;
import io.callengine.core.queue.QueueConfig;
import io.callengine.core.records.CallRecord;
import io.callengine.core.records.CallRecordFilter;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;
import javax.sip.message.Response;

/**
 * What the engine keeps in its database and finds again after a restart. It runs on PostgreSQL
 * when {@code CALLENGINE_DB_URL} (with {@code CALLENGINE_DB_USER} and {@code
 * CALLENGINE_DB_PASSWORD}) names one, else on H2 in a temporary directory. An admin sets up
 * queues, agents and a routing policy; three customers call; the read-side tables the
 * projections keep are printed; the engine stops, starts again on the same database, and finds
 * its agents, queues, policy and call records again. Run it again on the same PostgreSQL
 * database and it keeps what an earlier run created.
 */
public final class CallCenterWithDatabase {
  /** The read side's tables (core/src/main/resources/schema), with the columns printed of each. */
  private static final List<List<String>> TABLES = List.of(
      List.of("agents", "id, display_name, sip_user, presence, registered"),
      List.of("agent_skills", "agent_id, skill, level"),
      List.of("call_queues", "id, name, sip_address, strategy, required_skills, wrap_up_seconds"),
      List.of("routing_policies", "id, name, position, rule_count"),
      List.of("call_records", "call_id, queue_id, agent_id, caller, disposition, wait_seconds, talk_seconds"));

  private CallCenterWithDatabase() {}

  public static void main(String[] args) {
    Examples.run("CallCenterWithDatabase", Duration.ofSeconds(180), CallCenterWithDatabase::demo);
  }

  private static void demo() throws Exception {
    try (ExampleDatabase database = ExampleDatabase.fromEnvironment()) {
      System.out.println("database: " + database.description());
      Snapshot before;
      List<String> callIds = new ArrayList<>();
      try (ExampleNode node = ExampleNode.start(database)) {
        System.out.println("engine up: SIP on " + node.sipAddress());
        setUp(node.engine().admin());
        callIds.addAll(placeCalls(node));
        awaitReadSide(node.engine(), callIds);
        printTables(node.engine());
        before = Snapshot.of(node.engine());
        System.out.println("before the stop: " + before);
      }
      System.out.println("engine stopped");

      try (ExampleNode node = ExampleNode.start(database)) {
        System.out.println("engine started again on the same database: SIP on " + node.sipAddress());
        Snapshot after = Snapshot.of(node.engine());
        System.out.println("after the restart: " + after);
        System.out.println("found again: " + found(before.agents(), after.agents()) + " agents, " + found(before.queues(), after.queues())
            + " queues, " + found(before.policies(), after.policies()) + " routing policies, "
            + found(before.records(), after.records()) + " call records");
        check(after.agents().containsAll(before.agents()) && after.queues().containsAll(before.queues())
            && after.policies().containsAll(before.policies()) && after.records().containsAll(before.records()),
            "everything known before the stop is found after the restart");
        check(after.records().containsAll(callIds), "this run's calls are among the records");
        AgentView alice = get(node.engine().admin().getAgent("alice"));
        System.out.println("alice after the restart: " + alice.presence() + ", skills " + AgentRegistrationDemo.skills(alice)
            + ", " + alice.callsHandled() + " calls handled");
      }
    }
  }

  private static void setUp(AdminApi admin) throws Exception {
    keep("queue support", admin.createQueue(QueueSpec.of("support", "Support")
        .withRequiredSkills(List.of(new QueueConfig.RequiredSkill("english", 2))).withWrapUpSeconds(1)));
    keep("queue billing", admin.createQueue(QueueSpec.of("billing", "Billing")
        .withRequiredSkills(List.of(new QueueConfig.RequiredSkill("billing", 2))).withWrapUpSeconds(1)));
    keep("agent alice", admin.createAgent(AgentSpec.of("alice", "sip:alice@127.0.0.1", "Alice", "alice-pw")
        .withSkills(List.of(new Skill("english", 4), new Skill("billing", 3)))));
    keep("agent bob", admin.createAgent(AgentSpec.of("bob", "sip:bob@127.0.0.1", "Bob", "bob-pw")
        .withSkills(List.of(new Skill("english", 5)))));
    keep("agent carol", admin.createAgent(AgentSpec.of("carol", "sip:carol@127.0.0.1", "Carol", "carol-pw")
        .withSkills(List.of(new Skill("french", 5)))));
    RoutingRule vipFirst = new RoutingRule("support", CallerMatch.prefix("vip"), List.of(), null, "support", 10, List.of());
    keep("routing policy vip", admin.createPolicy(new RoutingPolicy("vip", "VIP callers first", 1, List.of(vipFirst), "UTC")));
  }

  /** Creates a thing, or keeps the one an earlier run on the same database created. */
  private static void keep(String what, CompletionStage<?> creation) throws Exception {
    try {
      get(creation);
      System.out.println("admin: " + what + " created");
    } catch (EngineException e) {
      if (e.refusal() != Refusal.CONFLICT) throw e;
      System.out.println("admin: " + what + " exists already (an earlier run): kept");
    }
  }

  /** Alice and bob take three calls, one after the other; each customer hangs up once he has heard his agent for a second. */
  private static List<String> placeCalls(ExampleNode node) throws Exception {
    CallCenterEngine engine = node.engine();
    List<String> callIds = new ArrayList<>();
    try (SipPhone alicePhone = node.phone("alice", "alice-pw", Duration.ZERO);
        SipPhone bobPhone = node.phone("bob", "bob-pw", Duration.ZERO)) {
      check(alicePhone.register(300).getStatusCode() == Response.OK, "alice's phone is registered");
      check(bobPhone.register(300).getStatusCode() == Response.OK, "bob's phone is registered");
      get(engine.agent("alice").updateStatus(Presence.AVAILABLE, null));
      get(engine.agent("bob").updateStatus(Presence.AVAILABLE, null));
      for (List<String> call : List.of(List.of("customer1", "support"), List.of("vip-anna", "support"), List.of("customer2", "billing"))) {
        Set<String> earlier = Snapshot.recordIds(engine);
        try (SipCaller customer = node.caller(call.get(0))) {
          check(customer.call(call.get(1)).getStatusCode() == Response.OK, call.get(0) + " is answered");
          await(call.get(0) + " hears an agent for a second", Duration.ofSeconds(20), () -> customer.rtp.heard() >= 50);
          check(customer.hangUp().getStatusCode() == Response.OK, call.get(0) + " hangs up");
        }
        await("the record of " + call.get(0) + "'s call, ended", Duration.ofSeconds(15), () -> ended(engine, call.get(0), earlier) != null);
        CallRecord record = ended(engine, call.get(0), earlier);
        callIds.add(record.callId());
        System.out.println("call: " + call.get(0) + " -> " + call.get(1) + ", answered by " + record.agentId() + ", " + record.disposition());
        await("the agents are free again", Duration.ofSeconds(15), () -> get(engine.supervisor().stats()).availableAgents() == 2);
      }
    }
    return callIds;
  }

  /** The ended call record of a caller that is not among {@code earlier}, or null. */
  private static CallRecord ended(CallCenterEngine engine, String caller, Set<String> earlier) throws Exception {
    return get(engine.supervisor().calls(CallRecordFilter.all())).stream()
        .filter(r -> !earlier.contains(r.callId()) && r.caller().startsWith("sip:" + caller + "@") && r.disposition() != null)
        .findFirst().orElse(null);
  }

  /** The projections write the tables a moment after the events: waits until this run's calls and the agents are there. */
  private static void awaitReadSide(CallCenterEngine engine, List<String> callIds) throws Exception {
    await("the read side has the agents, the queues, the policy and this run's calls", Duration.ofSeconds(20), () -> {
      try (Connection connection = engine.dataSource().getConnection(); Statement statement = connection.createStatement()) {
        return count(statement, "SELECT COUNT(*) FROM agents WHERE id IN ('alice', 'bob', 'carol')") == 3
            && count(statement, "SELECT COUNT(*) FROM call_queues WHERE id IN ('support', 'billing')") == 2
            && count(statement, "SELECT COUNT(*) FROM routing_policies WHERE id = 'vip'") == 1
            && count(statement, "SELECT COUNT(*) FROM call_records WHERE disposition = 'COMPLETED' AND call_id IN ("
                + callIds.stream().map(id -> "'" + id + "'").collect(Collectors.joining(", ")) + ")") == callIds.size();
      }
    });
  }

  private static long count(Statement statement, String sql) throws Exception {
    try (ResultSet rows = statement.executeQuery(sql)) {
      rows.next();
      return rows.getLong(1);
    }
  }

  private static void printTables(CallCenterEngine engine) throws Exception {
    try (Connection connection = engine.dataSource().getConnection(); Statement statement = connection.createStatement()) {
      for (List<String> table : TABLES) {
        System.out.println("table " + table.get(0) + " (" + table.get(1) + "):");
        try (ResultSet rows = statement.executeQuery("SELECT " + table.get(1) + " FROM " + table.get(0) + " ORDER BY 1")) {
          ResultSetMetaData columns = rows.getMetaData();
          int count = 0;
          while (rows.next()) {
            List<String> values = new ArrayList<>();
            for (int i = 1; i <= columns.getColumnCount(); i++) values.add(String.valueOf(rows.getObject(i)));
            System.out.println("  " + String.join(" | ", values));
            count++;
          }
          System.out.println("  (" + count + " rows)");
        }
      }
    }
  }

  private static String found(Set<String> before, Set<String> after) {
    return after.stream().filter(before::contains).count() + " of " + before.size();
  }

  /** What the engine knows, read through its facades: ids of agents, queues, policies and call records. */
  private record Snapshot(Set<String> agents, Set<String> queues, Set<String> policies, Set<String> records) {
    static Snapshot of(CallCenterEngine engine) throws Exception {
      return new Snapshot(
          get(engine.admin().listAgents()).stream().map(AgentView::id).collect(Collectors.toCollection(TreeSet::new)),
          get(engine.admin().listQueues()).stream().map(q -> q.config().id()).collect(Collectors.toCollection(TreeSet::new)),
          get(engine.admin().listPolicies()).stream().map(RoutingPolicy::id).collect(Collectors.toCollection(TreeSet::new)),
          recordIds(engine));
    }

    static Set<String> recordIds(CallCenterEngine engine) throws Exception {
      return get(engine.supervisor().calls(CallRecordFilter.all())).stream().map(CallRecord::callId).collect(Collectors.toCollection(TreeSet::new));
    }

    @Override
    public String toString() {
      return agents.size() + " agents " + agents + ", " + queues.size() + " queues " + queues + ", " + policies.size()
          + " routing policies " + policies + ", " + records.size() + " call records";
    }
  }
}
