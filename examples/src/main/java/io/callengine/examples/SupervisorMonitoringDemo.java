package io.callengine.examples;

import static io.callengine.examples.Examples.await;
import static io.callengine.examples.Examples.check;
import static io.callengine.examples.Examples.get;

import io.callengine.core.agent.Presence;
import io.callengine.core.agent.Skill;
import io.callengine.core.api.AdminApi;
import io.callengine.core.api.AgentSpec;
import io.callengine.core.api.CallCenterEngine;
import io.callengine.core.api.CallCenterListener;
import io.callengine.core.api.QueueSpec;
import io.callengine.core.api.SupervisorApi;
import io.callengine.core.auth.Role;
import io.callengine.core.auth.Tokens;
import io.callengine.core.call.Disposition;
import io.callengine.core.events.AgentStatusChanged;
import io.callengine.core.events.CallCenterEvent;
import io.callengine.core.events.CallEnded;
import io.callengine.core.events.CallEvent;
import io.callengine.core.events.CallStateChanged;
import io.callengine.core.queue.QueueConfig;
import io.callengine.core.records.CallRecordFilter;
import io.callengine.core.routing.SystemStats;
import io.callengine.core.statistics.Figures;
import io.callengine.core.statistics.PerformanceMetrics;
import io.callengine.http.HttpApi;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import javax.sip.message.Response;

/**
 * A supervisor watches a burst: three agents on two queues, eight customers calling at once. A
 * view built on {@code SupervisorApi} prints the live queue and agent figures every second, the
 * public event stream is printed as it arrives, and the day's metrics close the run. The HTTP API
 * runs too, so the wallboard can be watched in a browser at the address printed at the start
 * ({@code EXAMPLE_LINGER_SECONDS} keeps the node up that much longer at the end).
 */
public final class SupervisorMonitoringDemo {
  private static final int CALLERS = 8;

  private SupervisorMonitoringDemo() {}

  public static void main(String[] args) {
    int linger = lingerSeconds();
    Examples.run("SupervisorMonitoringDemo", Duration.ofSeconds(150 + linger), () -> demo(linger));
  }

  private static void demo(int lingerSeconds) throws Exception {
    try (ExampleDatabase database = ExampleDatabase.h2InTemporaryDirectory();
        ExampleNode node = ExampleNode.start(database)) {
      CallCenterEngine engine = node.engine();
      String base = startHttp(engine);
      String supervisorToken = get(engine.admin().issueToken(Role.SUPERVISOR, null, "wallboard")).token();
      System.out.println("engine up: SIP on " + node.sipAddress() + ", HTTP on " + base + ", database " + database.description());
      System.out.println("wallboard: " + base + "/wallboard#token=" + supervisorToken + " (open it in a browser while this runs)");
      HttpClient http = HttpClient.newHttpClient();
      System.out.println("HTTP GET /wallboard -> " + fetch(http, base + "/wallboard", null).statusCode());
      await("GET /health/ready answers 200", Duration.ofSeconds(10), () -> fetch(http, base + "/health/ready", null).statusCode() == 200);
      System.out.println("HTTP GET /health/ready -> 200");

      createQueuesAndAgents(engine.admin());
      List<SipPhone> phones = new ArrayList<>();
      ScheduledExecutorService view = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "supervisor-view"));
      ExecutorService customers = Executors.newFixedThreadPool(CALLERS);
      AtomicInteger mostWaiting = new AtomicInteger();
      try (CallCenterListener.Subscription events = engine.addListener(new CallCenterListener() {
        @Override
        public void onEvent(CallCenterEvent event) {
          if (!event.type().startsWith("media-")) System.out.println("event " + describe(event));
        }
      })) {
        for (String agent : List.of("alice", "bob", "carol")) {
          SipPhone phone = node.phone(agent, agent + "-pw", Duration.ofSeconds(1));
          phones.add(phone);
          check(phone.register(300).getStatusCode() == Response.OK, agent + "'s phone is registered");
          get(engine.agent(agent).updateStatus(Presence.AVAILABLE, null));
        }
        System.out.println("alice, bob and carol registered and AVAILABLE; " + CALLERS + " customers call at once");

        SupervisorApi supervisor = engine.supervisor();
        view.scheduleAtFixedRate(() -> printView(supervisor, mostWaiting), 0, 1, TimeUnit.SECONDS);
        List<Future<String>> calls = new ArrayList<>();
        for (int i = 1; i <= CALLERS; i++) {
          String customer = "customer" + i;
          String queue = i <= 5 ? "support" : "billing";
          calls.add(customers.submit(() -> talk(node, customer, queue)));
        }
        for (Future<String> call : calls) System.out.println(call.get(90, TimeUnit.SECONDS));

        await("the " + CALLERS + " calls recorded COMPLETED", Duration.ofSeconds(15), () -> get(supervisor.calls(CallRecordFilter.all()))
            .stream().filter(r -> r.disposition() == Disposition.COMPLETED).count() == CALLERS);
        view.shutdown();
        view.awaitTermination(10, TimeUnit.SECONDS);
        System.out.println("most calls waiting at once: " + mostWaiting.get());
        check(mostWaiting.get() > 0, "with more callers than agents, some calls waited");
        System.out.println("HTTP GET /api/v1/supervisor/stats -> " + fetch(http, base + "/api/v1/supervisor/stats", supervisorToken).body());
        printMetrics(supervisor);
        if (lingerSeconds > 0) {
          System.out.println("the node stays up " + lingerSeconds + " s more (EXAMPLE_LINGER_SECONDS) for the wallboard");
          Thread.sleep(lingerSeconds * 1000L);
        }
      } finally {
        view.shutdownNow();
        customers.shutdownNow();
        for (SipPhone phone : phones) phone.close();
      }
    }
  }

  private static String startHttp(CallCenterEngine engine) throws Exception {
    int port = ExampleNode.freePort();
    get(HttpApi.start(engine, "127.0.0.1", port, Tokens.mint()));
    return "http://127.0.0.1:" + port;
  }

  private static void createQueuesAndAgents(AdminApi admin) throws Exception {
    get(admin.createQueue(QueueSpec.of("support", "Support")
        .withRequiredSkills(List.of(new QueueConfig.RequiredSkill("english", 2))).withWrapUpSeconds(1)));
    get(admin.createQueue(QueueSpec.of("billing", "Billing")
        .withRequiredSkills(List.of(new QueueConfig.RequiredSkill("billing", 2))).withWrapUpSeconds(1)));
    get(admin.createAgent(AgentSpec.of("alice", "sip:alice@127.0.0.1", "Alice", "alice-pw")
        .withSkills(List.of(new Skill("english", 5), new Skill("billing", 3)))));
    get(admin.createAgent(AgentSpec.of("bob", "sip:bob@127.0.0.1", "Bob", "bob-pw").withSkills(List.of(new Skill("english", 3)))));
    get(admin.createAgent(AgentSpec.of("carol", "sip:carol@127.0.0.1", "Carol", "carol-pw").withSkills(List.of(new Skill("billing", 4)))));
    System.out.println("admin: queues support (english 2) and billing (billing 2), 1 s wrap-up; "
        + "agents alice (english 5, billing 3), bob (english 3), carol (billing 4)");
  }

  /** One customer's call: waits in line, talks until two seconds of the agent's voice have come through, hangs up. */
  private static String talk(ExampleNode node, String customer, String queue) throws Exception {
    try (SipCaller caller = node.caller(customer)) {
      long start = System.nanoTime();
      check(caller.call(queue).getStatusCode() == Response.OK, customer + " is answered by the engine");
      await(customer + " hears an agent", Duration.ofSeconds(60), () -> caller.rtp.heard() > 0);
      long waited = Duration.ofNanos(System.nanoTime() - start).toMillis();
      await(customer + " hears two seconds of the agent", Duration.ofSeconds(15), () -> caller.rtp.heard() >= 100);
      check(caller.hangUp().getStatusCode() == Response.OK, customer + " hangs up");
      return String.format("%s (%s): an agent after %.1f s in line, %d packets of the agent's voice, hung up",
          customer, queue, waited / 1000.0, caller.rtp.heard());
    }
  }

  private static void printView(SupervisorApi supervisor, AtomicInteger mostWaiting) {
    try {
      SystemStats now = get(supervisor.stats());
      mostWaiting.accumulateAndGet(now.queuedCalls(), Math::max);
      System.out.printf("[supervisor] calls: %d active, %d waiting (longest %d s) | agents: %d available, %d busy, %d on break, %d offline%n",
          now.activeCalls(), now.queuedCalls(), now.longestWaitSeconds(), now.availableAgents(), now.busyAgents(), now.agentsOnBreak(),
          now.agentsOffline());
      for (SupervisorApi.QueueSummary queue : get(supervisor.queueStats())) {
        System.out.printf("[supervisor]   queue %-8s %d waiting, longest %d s, %d agents available, %d active, %d today%n",
            queue.queueId(), queue.waiting(), queue.longestWaitSeconds(), queue.availableAgents(), queue.activeCalls(), queue.totalCalls());
      }
      System.out.println("[supervisor]   agents: " + get(supervisor.agents()).stream()
          .map(a -> a.id() + " " + a.activity() + " (" + a.callsHandled() + " handled)").collect(Collectors.joining(", ")));
    } catch (Exception e) {
      System.out.println("[supervisor] no figures this time: " + e);
    }
  }

  private static void printMetrics(SupervisorApi supervisor) throws Exception {
    await("today's metrics count the " + CALLERS + " answered calls", Duration.ofSeconds(15),
        () -> get(supervisor.getPerformanceMetrics(null, null, null, null)).figures().answered() == CALLERS);
    PerformanceMetrics today = get(supervisor.getPerformanceMetrics(null, null, null, null));
    System.out.println("metrics today, all queues: " + figures(today.figures()));
    for (PerformanceMetrics.QueueFigures queue : today.queues()) {
      System.out.println("metrics today, " + queue.queueId() + ": " + figures(queue.figures()));
    }
  }

  private static String figures(Figures f) {
    return String.format("offered %d, answered %d, abandoned %d, service level %s, ASA %s, AHT %s, occupancy %s",
        f.offered(), f.answered(), f.abandoned(), unit(f.serviceLevelPercentage(), " %"), unit(f.averageSpeedOfAnswerSeconds(), " s"),
        unit(f.averageHandleTimeSeconds(), " s"), unit(f.occupancy(), " %"));
  }

  /** A figure with its unit; "-" for one that has no value (occupancy is per agent, not per queue). */
  private static String unit(Double value, String unit) {
    return value == null ? "-" : value + unit;
  }

  static String describe(CallCenterEvent event) {
    String what = event.type();
    if (event instanceof AgentStatusChanged a) return what + " " + a.agentId() + " " + a.presence() + " " + a.activity();
    CallEvent call = (CallEvent) event;
    String head = what + " call " + call.callId().substring(0, 8) + " " + call.queueId() + (call.agentId() == null ? "" : " " + call.agentId());
    if (event instanceof CallStateChanged s) return head + " " + s.from() + " -> " + s.to();
    if (event instanceof CallEnded e) return head + " " + e.disposition() + ", waited " + e.waitSeconds() + " s, talked " + e.talkSeconds() + " s";
    return head;
  }

  private static HttpResponse<String> fetch(HttpClient http, String url, String token) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
    if (token != null) request.header("Authorization", "Bearer " + token);
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static int lingerSeconds() {
    String value = System.getenv("EXAMPLE_LINGER_SECONDS");
    return value == null || value.isBlank() ? 0 : Integer.parseInt(value.trim());
  }
}
