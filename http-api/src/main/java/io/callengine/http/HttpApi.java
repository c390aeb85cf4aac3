package io.callengine.http;

import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.handleExceptions;
import static org.apache.pekko.http.javadsl.server.Directives.handleRejections;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;
import static org.apache.pekko.http.javadsl.server.Directives.withSizeLimit;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import io.callengine.core.api.AdminApi;
import io.callengine.core.api.CallCenterEngine;
import io.callengine.core.api.SupervisorApi;
import io.callengine.core.auth.Role;
import io.callengine.core.auth.Tokens;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The engine's HTTP API (the contract is API.md): binds every route on a host and port, unbinds
 * in coordinated shutdown and reports "http" in the engine's health. The node's main (and the
 * tests) call {@link #start}; the routes themselves live in one class per resource.
 */
public final class HttpApi {
  private HttpApi() {}

  /** Binds the API; the stage fails when the port cannot be bound. */
  public static CompletionStage<ServerBinding> start(CallCenterEngine engine, String host, int port, String adminToken) {
    if (adminToken == null || adminToken.isBlank()) throw new IllegalArgumentException("an admin token is required");
    AtomicBoolean bound = new AtomicBoolean();
    engine.registerHealthCheck("http", bound::get);
    return Http.get(engine.system()).newServerAt(host, port).bind(routes(engine, adminToken))
        .thenApply(binding -> {
          bound.set(true);
          unbindOnShutdown(engine, binding, bound);
          return binding;
        });
  }

  static Route routes(CallCenterEngine engine, String adminToken) {
    AdminApi admin = engine.admin();
    SupervisorApi supervisor = engine.supervisor();
    Executor blocking = engine.system().dispatchers().lookup(DispatcherSelector.fromConfig("callengine.blocking-dispatcher"));
    Authenticator auth = new Authenticator(Tokens.hash(adminToken), engine.asks(), engine.tokens());
    HealthRoutes health = new HealthRoutes(engine::health, blocking);
    QueueRoutes queues = new QueueRoutes(admin);
    AdminAgentRoutes agents = new AdminAgentRoutes(admin);
    TokenRoutes tokens = new TokenRoutes(admin);
    RoutingPolicyRoutes policies = new RoutingPolicyRoutes(admin);
    AgentRoutes agent = new AgentRoutes(engine::agent, supervisor);
    SupervisorRoutes supervising = new SupervisorRoutes(supervisor);
    long maxBody = engine.config().getBytes("callengine.http.max-body-size");

    return handleExceptions(Problems.exceptionHandler(), () -> handleRejections(Problems.rejectionHandler(), () ->
        withSizeLimit(maxBody, () -> concat(
            health.route(),
            pathPrefix(segment("api").slash("v1"), () -> auth.authenticated(principal -> concat(
                pathPrefix("admin", () -> Authenticator.allow(principal.role() == Role.ADMIN,
                    "only the admin token may use /api/v1/admin",
                    () -> concat(queues.route(), agents.route(), tokens.route(), policies.route(), health.adminRoute()))),
                pathPrefix("supervisor", () -> Authenticator.allow(principal.role() != Role.AGENT,
                    "an agent token may not use /api/v1/supervisor", supervising::route)),
                agent.route(principal))))))));
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
