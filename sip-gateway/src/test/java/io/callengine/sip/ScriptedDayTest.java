package io.callengine.sip;

import static io.callengine.core.testing.TestEngines.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.callengine.core.agent.Activity;
import io.callengine.core.agent.AgentView;
import io.callengine.core.agent.Presence;
import io.callengine.core.api.AgentSpec;
import io.callengine.core.api.CallCenterEngine;
import io.callengine.core.api.QueueSpec;
import io.callengine.core.call.CallStatus;
import io.callengine.core.queue.WaitingCall;
import io.callengine.core.readside.AgentHistoryReport;
import io.callengine.core.records.CallRecord;
import io.callengine.core.records.CallRecordFilter;
import io.callengine.core.statistics.Figures;
import io.callengine.core.statistics.PerformanceMetrics;
import io.callengine.core.testing.ManualClock;
import io.callengine.core.testing.TestEngines;
import io.callengine.sip.testing.OutgoingCall;
import io.callengine.sip.testing.TestPhone;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A scripted morning of ten calls over SIP, on a clock the test moves, with a restart of the
 * engine in the middle; every figure is then checked against values worked out by hand below.
 *
 * <pre>
 * queues: sales (threshold 20 s, max wait 60 s, then backup), backup (20 s),
 *         support (30 s, max wait 90 s, no overflow), night (refuses callers when nobody is logged in);
 *         1 s wrap-up everywhere. ann serves sales and backup, bob serves support.
 * seconds after 09:00
 * c1  sales    enters 0, ann answers at 10 (wait 10), talk 120
 * c2  sales    enters 200, ann answers at 240 (wait 40), talk 60
 * c3  sales    enters 210, hangs up at 213 (wait 3: a short abandon)
 * c4  sales    enters 400, hangs up at 430 (wait 30)
 * c5  sales    enters 500, overflows to backup at 560, ann answers at 580 (20 in backup, 80 in all), talk 60
 * c6  sales    enters 560 (its arrival lets the queue notice c5's max wait), hangs up at 562 (short)
 *     --- the engine restarts ---
 * c7  support  enters 1000, times out at 1090 (c8's arrival lets the queue notice)
 * c8  support  enters 1090, bob answers at 1100 (wait 10), talk 300
 * c9  night    enters 1500, refused (480)
 * c10 sales    enters 1900, ann (available, idle since 1800) answers at once, talk 100
 * ann available 10-131, 240-301, 580-641, 1800-2001, then lunch until 2601; bob available 1100-1401.
 * </pre>
 */
class ScriptedDayTest {
  private static final Instant NINE = Instant.parse("2026-03-02T09:00:00Z");
  /** How long a step of the day may take to show (a call answered, a wrap-up over) on a busy machine. */
  private static final Duration STEP = Duration.ofSeconds(20);
  private static final Instant TEN = NINE.plus(Duration.ofHours(1));

  private final ManualClock clock = new ManualClock(NINE.minusSeconds(60));
  private final Map<String, TestPhone> phones = new HashMap<>();
  private Path dataDirectory;
  private SipTestNode node;
  private CallCenterEngine engine;

  @AfterEach
  void stop() throws Exception {
    closePhones();
    if (node != null) node.close();
  }

  @Test
  void everyFigureOfTheMorningMatchesTheHandCount() throws Exception {
    dataDirectory = Files.createTempDirectory("scripted-day");
    start();
    engine.admin().createQueue(QueueSpec.of("backup", "Backup").withServiceLevelSeconds(20).withWrapUpSeconds(1)).toCompletableFuture().get(5, TimeUnit.SECONDS);
    engine.admin().createQueue(QueueSpec.of("sales", "Sales").withServiceLevelSeconds(20).withWrapUpSeconds(1)
        .withLimits(null, 60, "backup")).toCompletableFuture().get(5, TimeUnit.SECONDS);
    engine.admin().createQueue(QueueSpec.of("support", "Support").withServiceLevelSeconds(30).withWrapUpSeconds(1)
        .withLimits(null, 90, null)).toCompletableFuture().get(5, TimeUnit.SECONDS);
    engine.admin().createQueue(QueueSpec.of("night", "Night").withNoAgentRule("refuse", null)).toCompletableFuture().get(5, TimeUnit.SECONDS);
    engine.admin().createAgent(AgentSpec.of("ann", "sip:ann@127.0.0.1", "Ann", "pw-ann").withQueues(List.of("sales", "backup")))
        .toCompletableFuture().get(5, TimeUnit.SECONDS);
    engine.admin().createAgent(AgentSpec.of("bob", "sip:bob@127.0.0.1", "Bob", "pw-bob").withQueues(List.of("support")))
        .toCompletableFuture().get(5, TimeUnit.SECONDS);
    registerAgents();

    Call c1 = enter("c1", "sales", 0);
    available("ann", 10);
    talking("ann");
    hangUp(c1, "ann", 130, Presence.OFFLINE, null);

    Call c2 = enter("c2", "sales", 200);
    Call c3 = enter("c3", "sales", 210);
    abandon(c3, 213);
    available("ann", 240);
    talking("ann");
    hangUp(c2, "ann", 300, Presence.OFFLINE, null);

    abandon(enter("c4", "sales", 400), 430);

    Call c5 = enter("c5", "sales", 500);
    Call c6 = enter("c6", "sales", 560);
    eventually(STEP, "c5 moves to backup", () -> waiting("backup").contains(c5.id()));
    abandon(c6, 562);
    available("ann", 580);
    talking("ann");
    hangUp(c5, "ann", 640, Presence.OFFLINE, null);

    awaitRecords(6, 3);
    awaitAgentLog("ann", 3, 121 + 61 + 61);
    PerformanceMetrics beforeRestart = metrics(null, Duration.ofMinutes(15));
    restart();
    assertEquals(beforeRestart, metrics(null, Duration.ofMinutes(15)), "a restart changes no figure");

    Call c7 = enter("c7", "support", 1000);
    Call c8 = enter("c8", "support", 1090);
    eventually(STEP, "c7 times out", () -> status(c7) == CallStatus.ENDED);
    available("bob", 1100);
    talking("bob");
    hangUp(c8, "bob", 1400, Presence.OFFLINE, null);

    at(1500);
    assertEquals(480, phone("c9").call("night").awaitFinal().getStatusCode());
    awaitRecords(9, 4); // the refusal is recorded at 1500, before the clock moves on

    available("ann", 1800);
    Call c10 = enterAndAnswer("c10", "sales", 1900, "ann");
    hangUp(c10, "ann", 2000, Presence.BREAK, "lunch");
    at(2601);
    engine.agent("ann").updateStatus(Presence.OFFLINE, null).toCompletableFuture().get(5, TimeUnit.SECONDS);
    at(3000);
    awaitRecords(10, 5);
    awaitAgentLog("ann", 4, 121 + 61 + 61 + 201);
    awaitAgentLog("bob", 1, 301);

    checkSales(metrics("sales", null).figures());
    checkOtherQueues();
    checkOverall(metrics(null, Duration.ofMinutes(15)));
    checkAnnsHistory();
  }

  private void checkSales(Figures sales) {
    assertEquals(7, sales.offered());
    assertEquals(3, sales.answered());
    assertEquals(3, sales.abandoned());
    assertEquals(2, sales.shortAbandoned());
    assertEquals(1, sales.overflowed());
    assertEquals(0, sales.timedOut());
    assertEquals(0, sales.rejected());
    assertEquals(20, sales.serviceLevelSeconds());
    assertEquals(50.0, sales.serviceLevelPercentage()); // c1, c10 / (3 answered + c4 after 20 s)
    assertEquals(66.67, sales.serviceLevelAsteriskPercentage()); // c1, c10 / 3 answered
    assertEquals(66.67, sales.serviceLevelAsterisk2Percentage()); // (c1, c10 + c3, c6) / (3 + 3)
    assertEquals(16.67, sales.averageSpeedOfAnswerSeconds()); // (10 + 40 + 0) / 3
    assertEquals(93.33, sales.averageTalkSeconds()); // (120 + 60 + 100) / 3
    assertEquals(1.0, sales.averageWrapUpSeconds());
    assertEquals(94.33, sales.averageHandleTimeSeconds());
    assertEquals(20.0, sales.abandonRate()); // (3 - 2 short) / (7 - 2 short)
    assertEquals(60.0, sales.longestWaitSeconds()); // c5 before it overflowed
    assertNull(sales.occupancy());
  }

  private void checkOtherQueues() throws Exception {
    Figures backup = metrics("backup", null).figures();
    assertEquals(List.of(1L, 1L, 0L), List.of(backup.offered(), backup.answered(), backup.abandoned()));
    assertEquals(100.0, backup.serviceLevelPercentage()); // c5 waited 20 s in backup
    assertEquals(20.0, backup.averageSpeedOfAnswerSeconds());
    assertEquals(61.0, backup.averageHandleTimeSeconds());

    Figures support = metrics("support", null).figures();
    assertEquals(List.of(2L, 1L, 1L), List.of(support.offered(), support.answered(), support.timedOut()));
    assertEquals(100.0, support.serviceLevelPercentage()); // a timeout is neither answered nor abandoned
    assertEquals(10.0, support.averageSpeedOfAnswerSeconds());
    assertEquals(301.0, support.averageHandleTimeSeconds());
    assertEquals(0.0, support.abandonRate());
    assertEquals(90.0, support.longestWaitSeconds());

    Figures night = metrics("night", null).figures();
    assertEquals(List.of(1L, 1L, 0L), List.of(night.offered(), night.rejected(), night.answered()));
    assertNull(night.serviceLevelPercentage());
    assertNull(night.averageSpeedOfAnswerSeconds());
  }

  private void checkOverall(PerformanceMetrics all) {
    Figures f = all.figures();
    assertEquals(10, f.offered());
    assertEquals(5, f.answered()); // c1 c2 c5 c8 c10
    assertEquals(3, f.abandoned());
    assertEquals(2, f.shortAbandoned());
    assertEquals(1, f.overflowed());
    assertEquals(1, f.timedOut());
    assertEquals(1, f.rejected());
    assertEquals(0, f.failed());
    assertNull(f.serviceLevelSeconds());
    // Within: c1 (10/20), c8 (10/30), c10 (0/20); c5 waited 80 s in all. Abandoned after: c4.
    assertEquals(50.0, f.serviceLevelPercentage()); // 3 / (5 + 1)
    assertEquals(60.0, f.serviceLevelAsteriskPercentage()); // 3 / 5
    assertEquals(62.5, f.serviceLevelAsterisk2Percentage()); // (3 + 2) / (5 + 3)
    assertEquals(28.0, f.averageSpeedOfAnswerSeconds()); // (10 + 40 + 80 + 10 + 0) / 5
    assertEquals(128.0, f.averageTalkSeconds()); // (120 + 60 + 60 + 300 + 100) / 5
    assertEquals(129.0, f.averageHandleTimeSeconds());
    assertEquals(12.5, f.abandonRate()); // (3 - 2) / (10 - 2)
    assertEquals(90.0, f.longestWaitSeconds()); // c7
    // Handling 640 s talk + 5 s wrap-up; staffed: ann 121 + 61 + 61 + 201, bob 301 = 745 s.
    assertEquals(86.58, f.occupancy());
    assertEquals(List.of("backup", "night", "sales", "support"),
        all.queues().stream().map(PerformanceMetrics.QueueFigures::queueId).toList());
    assertEquals(List.of(6L, 3L, 1L, 0L), all.intervals().stream().map(i -> i.figures().offered()).toList());
    // Per quarter hour: 243 s handled / 243 s staffed; bob 301 / 301; c10 101 / ann idle-then-busy 201; nobody.
    assertEquals(Arrays.asList(100.0, 100.0, 50.25, null), all.intervals().stream().map(i -> i.figures().occupancy()).toList());
  }

  private void checkAnnsHistory() throws Exception {
    AgentHistoryReport ann = engine.supervisor().getAgentHistory("ann", NINE, TEN).toCompletableFuture().get(5, TimeUnit.SECONDS);
    assertEquals(4, ann.callsHandled()); // c1 c2 c5 c10
    assertEquals(340, ann.talkSeconds());
    assertEquals(4, ann.wrapUpSeconds());
    assertEquals(0, ann.noAnswers());
    assertEquals(121 + 61 + 61 + 201, ann.availableSeconds());
    assertEquals(121 + 61 + 61 + 201 + 600, ann.loggedInSeconds());
    assertEquals(List.of(new AgentHistoryReport.BreakTime("lunch", 1, 600)), ann.breaks());
  }

  // --- the script's steps ---

  private record Call(OutgoingCall sip, String id) {}

  private void at(long secondsAfterNine) {
    clock.set(NINE.plusSeconds(secondsAfterNine));
  }

  /** A caller dials the queue at {@code t}; returns once the call waits there, with its id. */
  private Call enter(String caller, String queue, long t) throws Exception {
    at(t);
    Set<String> before = Set.copyOf(waiting(queue));
    OutgoingCall sip = phone(caller).call(queue);
    assertEquals(200, sip.awaitFinal().getStatusCode());
    String[] id = new String[1];
    eventually(STEP, caller + " waits in " + queue, () -> {
      id[0] = waiting(queue).stream().filter(c -> !before.contains(c)).findFirst().orElse(null);
      return id[0] != null;
    });
    return new Call(sip, id[0]);
  }

  /** A caller dials the queue at {@code t} while {@code agent} is idle: answered at once. */
  private Call enterAndAnswer(String caller, String queue, long t, String agent) throws Exception {
    at(t);
    OutgoingCall sip = phone(caller).call(queue);
    assertEquals(200, sip.awaitFinal().getStatusCode());
    talking(agent);
    return new Call(sip, agent(agent).currentCalls().get(0));
  }

  private void abandon(Call call, long t) throws Exception {
    at(t);
    call.sip().hangUp();
    eventually(STEP, "the abandoned call ends", () -> status(call) == CallStatus.ENDED);
  }

  private void available(String agent, long t) throws Exception {
    at(t);
    engine.agent(agent).updateStatus(Presence.AVAILABLE, null).toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  private void talking(String agent) throws Exception {
    eventually(STEP, agent + " answers", () -> agent(agent).activity() == Activity.ON_CALL);
  }

  /**
   * The caller hangs up at {@code t}; the agent's 1 s wrap-up is over at {@code t + 1}, when the
   * presence asked for during it ({@code then}) applies.
   */
  private void hangUp(Call call, String agent, long t, Presence then, String reason) throws Exception {
    at(t);
    call.sip().hangUp();
    eventually(STEP, agent + " wraps up", () -> agent(agent).activity() == Activity.WRAP_UP);
    at(t + 1);
    engine.agent(agent).updateStatus(then, reason).toCompletableFuture().get(5, TimeUnit.SECONDS);
    eventually(STEP, agent + " is done", () -> {
      AgentView view = agent(agent);
      return view.activity() == Activity.IDLE && view.presence() == then;
    });
  }

  /** Waits until the read side holds {@code calls} ended calls, {@code answered} of them with their wrap-up. */
  private void awaitRecords(int calls, int answered) throws Exception {
    eventually(Duration.ofSeconds(20), "the call records are complete", () -> {
      List<CallRecord> records = get(engine.supervisor().calls(CallRecordFilter.all()));
      return records.stream().filter(r -> r.disposition() != null).count() == calls
          && records.stream().filter(r -> r.wrapUpSeconds() != null).count() == answered;
    });
  }

  /** Waits until the agents' read side holds {@code calls} calls of the agent and its available time. */
  private void awaitAgentLog(String agent, int calls, long availableSeconds) throws Exception {
    eventually(Duration.ofSeconds(20), agent + "'s log is complete", () -> {
      AgentHistoryReport history = get(engine.supervisor().getAgentHistory(agent, NINE, TEN));
      return history.callsHandled() == calls && history.availableSeconds() == availableSeconds;
    });
  }

  private PerformanceMetrics metrics(String queueId, Duration interval) throws Exception {
    return get(engine.supervisor().getPerformanceMetrics(NINE, TEN, queueId, interval));
  }

  private List<String> waiting(String queue) throws Exception {
    return get(engine.supervisor().waitingCalls(queue)).stream().map(WaitingCall::callId).collect(Collectors.toList());
  }

  private CallStatus status(Call call) throws Exception {
    return get(engine.supervisor().call(call.id())).status();
  }

  private AgentView agent(String id) throws Exception {
    return get(engine.admin().getAgent(id));
  }

  private static <T> T get(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  // --- the node, its restart and the phones ---

  private void start() throws Exception {
    int port = TestEngines.freePort();
    Config config = ConfigFactory.parseString("callengine.db.url = \"jdbc:h2:file:" + dataDirectory.resolve("db")
            + ";DATABASE_TO_UPPER=false\"")
        .withFallback(TestEngines.config("callengine.sip { host = 127.0.0.1, port = " + port
            + ", rtp-ports = \"45000-45999\", max-expires = 86400 }\n"
            + "callengine.media { no-rtp-timeout = 10m, no-rtp-timeout-on-hold = 10m, first-rtp-timeout = 10m }\n"
            + "callengine.sip.security.trusted-sources = \"127.0.0.1\""));
    engine = CallCenterEngine.builder().config(config).clock(clock).build();
    engine.whenUp().toCompletableFuture().get(30, TimeUnit.SECONDS);
    node = new SipTestNode(engine, SipService.start(engine), port);
  }

  private void restart() throws Exception {
    closePhones();
    node.close();
    node = null;
    start();
    registerAgents();
  }

  private void registerAgents() throws Exception {
    for (String agent : List.of("ann", "bob")) {
      assertEquals(200, phone(agent).register("pw-" + agent, 86400, "MD5"));
    }
  }

  private TestPhone phone(String user) throws Exception {
    TestPhone phone = phones.get(user);
    if (phone == null) {
      phone = node.phone(user);
      phones.put(user, phone);
    }
    return phone;
  }

  private void closePhones() {
    phones.values().forEach(TestPhone::close);
    phones.clear();
  }
}
