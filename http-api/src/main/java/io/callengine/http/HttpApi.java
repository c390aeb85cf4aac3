package io.callengine.http;

import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.extractMethod;
import static org.apache.pekko.http.javadsl.server.Directives.extractUnmatchedPath;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.handleExceptions;
import static org.apache.pekko.http.javadsl.server.Directives.handleRejections;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;
import static org.apache.pekko.http.javadsl.server.Directives.withSizeLimit;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import io.callengine.core.api.AdminApi;
import io.callengine.core.api.CallCenterEngine;
import io.callengine.core.api.SupervisorApi;
import io.callengine.core.auth.Principal;
import io.callengine.core.auth.Role;
import io.callengine.core.auth.Tokens;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The engine's HTTP API (the contract is API.md): binds every route on a host and port, unbinds
 * in coordinated shutdown and reports "http" in the engine's health. The node's main (and the
 * tests) call {@link #start}; the routes themselves live in one class per resource.
 */
public final class HttpApi {
  /** What a supervisor reads below {@code /api/v1/admin}: the queue and agent lists and one queue or agent. */
  private static final Pattern SUPERVISOR_READS = Pattern.compile("/(queues|agents)(/[^/]+)?");

  private HttpApi() {}

  /** Binds the API; the stage fails when the port cannot be bound. */
  public static CompletionStage<ServerBinding> start(CallCenterEngine engine, String host, int port, String adminToken) {
    if (adminToken == null || adminToken.isBlank()) throw new IllegalArgumentException("an admin token is required");
    AtomicBoolean bound = new AtomicBoolean();
    engine.registerHealthCheck("http", bound::get);
    Duration headTimeout = engine.config().getDuration("callengine.http.request-head-timeout");
    return Http.get(engine.system()).newServerAt(host, port)
        .adaptSettings(settings -> EventRoutes.pingIdleWebSockets(settings, engine.config()))
        .bindFlow(HeadTimeout.around(routes(engine, adminToken).flow(engine.system()), headTimeout))
        .thenApply(binding -> {
          bound.set(true);
          engine.recordingLookup().servedAt(reachableAt(engine, host, binding.localAddress().getPort()));
          unbindOnShutdown(engine, binding, bound);
          return binding;
        });
  }

  static Route routes(CallCenterEngine engine, String adminToken) {
    AdminApi admin = engine.admin();
    SupervisorApi supervisor = engine.supervisor();
    Executor blocking = engine.system().dispatchers().lookup(DispatcherSelector.fromConfig("callengine.blocking-dispatcher"));
    Authenticator auth = new Authenticator(Tokens.hash(adminToken), engine.lookups(), engine.securityLog());
    HealthRoutes health = new HealthRoutes(engine::health);
    ClusterRoutes cluster = new ClusterRoutes(engine.node()::snapshot);
    QueueRoutes queues = new QueueRoutes(admin);
    AdminAgentRoutes agents = new AdminAgentRoutes(admin);
    TokenRoutes tokens = new TokenRoutes(admin);
    RoutingPolicyRoutes policies = new RoutingPolicyRoutes(admin);
    AgentRoutes agent = new AgentRoutes(engine::agent, supervisor);
    SupervisorRoutes supervising = new SupervisorRoutes(supervisor);
    RecordingRoutes recordings = new RecordingRoutes(supervisor, engine.recordingLookup(), new RecordingProxy(engine.system()));
    InternalRecordingRoutes internalRecordings = new InternalRecordingRoutes(engine.recordingLookup());
    MonitorRoutes monitoring = new MonitorRoutes(new io.callengine.core.api.MonitorApi(engine));
    EventRoutes events = new EventRoutes(EventFeeds.start(engine));
    WebRoutes web = new WebRoutes();
    // Built here, once: the lambdas below run for every request.
    MetricsRoutes metrics = new MetricsRoutes(engine.metrics(), blocking);
    OpenApiRoutes openApi = new OpenApiRoutes();
    long maxBody = engine.config().getBytes("callengine.http.max-body-size");

    return handleExceptions(Problems.exceptionHandler(), () -> handleRejections(Problems.rejectionHandler(), () ->
        withSizeLimit(maxBody, () -> concat(
            health.route(),
            metrics.route(),
            openApi.route(),
            web.route(),
            internalRecordings.route(),
            pathPrefix(segment("api").slash("v1"), () -> auth.authenticated(principal -> concat(
                pathPrefix("admin", () -> admin(principal,
                    () -> concat(queues.route(), agents.route(), tokens.route(), policies.route(), health.adminRoute(),
                        cluster.route()))),
                pathPrefix("supervisor", () -> Authenticator.allow(principal.role() != Role.AGENT,
                    "an agent token may not use /api/v1/supervisor", () -> concat(monitoring.route(principal), supervising.route(), recordings.route()))),
                agent.route(principal),
                events.route(principal),
                path("me", () -> get(() -> Json.ok(MeResponse.of(principal)))))))))));
  }

  /**
   * {@code /api/v1/admin} is the admin's; a supervisor may also read the queues and agents there
   * (API.md: "read access to agents and queues"), and nothing else.
   */
  private static Route admin(Principal principal, Supplier<Route> inner) {
    if (principal.role() == Role.ADMIN) return inner.get();
    if (principal.role() != Role.SUPERVISOR) return Problems.complete(StatusCodes.FORBIDDEN, "only the admin token may use /api/v1/admin");
    return extractMethod(method -> extractUnmatchedPath(rest -> Authenticator.allow(
        method.equals(HttpMethods.GET) && SUPERVISOR_READS.matcher(rest).matches(),
        "a supervisor token may only read /api/v1/admin/queues and /api/v1/admin/agents", inner)));
  }

  /**
   * Where the other nodes reach this API: its host, or when bound on every interface the host
   * the cluster knows this node by.
   */
  private static String reachableAt(CallCenterEngine engine, String host, int port) {
    boolean wildcard = host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]");
    String reachable = wildcard ? Cluster.get(engine.system()).selfMember().address().getHost().orElse("127.0.0.1") : host;
    return "http://" + (reachable.contains(":") && !reachable.startsWith("[") ? "[" + reachable + "]" : reachable) + ":" + port;
  }

  private static void unbindOnShutdown(CallCenterEngine engine, ServerBinding binding, AtomicBoolean bound) {
    Duration deadline = engine.config().getDuration("callengine.http.termination-deadline");
    CoordinatedShutdown shutdown = CoordinatedShutdown.get(engine.system());
    shutdown.addTask(CoordinatedShutdown.PhaseServiceUnbind(), "http-unbind", () -> {
      bound.set(false);
      return binding.unbind();
    });
    shutdown.addTask(CoordinatedShutdown.PhaseServiceRequestsDone(), "http-requests-done",
        () -> binding.terminate(deadline).thenApply(terminated -> Done.getInstance()));
  }
}
