package io.callengine.core.api;

import io.callengine.core.Asks;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.callengine.core.agent.AgentEntity;
import io.callengine.core.auth.TokenStore;
import io.callengine.core.call.CallEntity;
import io.callengine.core.call.RestartSweep;
import io.callengine.core.cluster.NodeStatus;
import io.callengine.core.directory.Directory;
import io.callengine.core.events.CallCenterEvent;
import io.callengine.core.metrics.CallCenterMetrics;
import io.callengine.core.security.SecurityLog;
import io.callengine.core.persistence.Database;
import io.callengine.core.persistence.PlainJdbcSession;
import io.callengine.core.policy.RouteDecision;
import io.callengine.core.policy.RouteRequest;
import io.callengine.core.policy.RoutingPolicies;
import io.callengine.core.queue.QueueEntity;
import io.callengine.core.readside.AgentHistory;
import io.callengine.core.readside.AgentProjection;
import io.callengine.core.readside.QueueProjection;
import io.callengine.core.readside.RoutingPolicyProjection;
import io.callengine.core.records.CallRecordProjection;
import io.callengine.core.statistics.PerformanceQuery;
import io.callengine.core.records.CallRecords;
import io.callengine.core.recording.RecordingLookup;
import io.callengine.core.recording.RecordingRetention;
import io.callengine.core.recording.Recordings;
import io.callengine.core.routing.Router;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import com.github.benmanes.caffeine.cache.Ticker;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.cluster.typed.SingletonActor;
import org.apache.pekko.projection.jdbc.javadsl.JdbcProjection;

/**
 * One node of the engine, for a JVM service to embed: starts the actor system, joins the
 * cluster (itself, when no seed nodes are configured), creates the schema, and runs the
 * entities, the Router, the Directory and the read-side projections. The SIP gateway and the
 * HTTP layer attach to a started engine; everything else goes through the facades
 * {@link #admin()}, {@link #supervisor()} and {@link #agent(String)}.
 */
public final class CallCenterEngine {
  private final ActorSystem<Void> system;
  private final Config config;
  private final Database database;
  private final Clock clock;
  private final Instant startedAt;
  private final Asks asks;
  private final ActorRef<Directory.Command> directory;
  private final ActorRef<Router.Command> router;
  private final ActorRef<TokenStore.Command> tokens;
  private final ActorRef<RoutingPolicies.Command> routingPolicies;
  private final Lookups lookups;
  private final CallHandlers callHandlers;
  private final CallRecords callRecords;
  private final AgentHistory agentHistory;
  private final PerformanceQuery performance;
  private final Recordings recordings;
  private final RecordingLookup recordingLookup;
  private final ActorRef<Topic.Command<CallCenterEvent>> events;
  private final NodeStatus node;
  private final SecurityLog securityLog;
  private final PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Map<String, BooleanSupplier> healthChecks = new ConcurrentHashMap<>();
  private final CompletableFuture<CallCenterEngine> up = new CompletableFuture<>();
  /** Refreshed off the request path: a health request never waits on JDBC. */
  private volatile boolean databaseAnswers = true;

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Configuration for an engine: the application config (unresolved, as {@code
   * ConfigFactory.defaultApplication()} gives it; every module's reference.conf is added under
   * it) and optional overrides.
   */
  public static final class Builder {
    private Config config = ConfigFactory.defaultApplication();
    private Clock clock = Clock.systemUTC();
    private final Map<String, Object> overrides = new java.util.HashMap<>();

    public Builder config(Config config) {
      this.config = config;
      return this;
    }

    /** The database for journal and read side: a JDBC URL ({@code jdbc:h2:...} or {@code jdbc:postgresql:...}). */
    public Builder database(String url, String user, String password) {
      for (String prefix : new String[] {"callengine.db.", "pekko-persistence-jdbc.shared-databases.slick.db."}) {
        overrides.put(prefix + "url", url);
        overrides.put(prefix + "user", user);
        overrides.put(prefix + "password", password);
      }
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    /** Starts the node; the engine is usable once {@link CallCenterEngine#whenUp()} completes. */
    public CallCenterEngine build() {
      return new CallCenterEngine(resolve(ConfigFactory.parseMap(overrides).withFallback(config)), clock);
    }
  }

  /**
   * The engine's complete configuration: the application's settings over, for a {@code
   * jdbc:postgresql:} database URL, the PostgreSQL profile (callengine-postgres.conf), over the
   * engine's needs of its libraries (callengine-engine.conf) over every reference.conf, resolved.
   */
  public static Config resolve(Config application) {
    Config engine = ConfigFactory.parseResources("callengine-engine.conf");
    Config resolved = ConfigFactory.load(application.withFallback(engine));
    if (!resolved.getString("callengine.db.url").startsWith("jdbc:postgresql:")) return resolved;
    return ConfigFactory.load(application.withFallback(ConfigFactory.parseResources("callengine-postgres.conf")).withFallback(engine));
  }

  private CallCenterEngine(Config config, Clock clock) {
    this.config = config;
    this.clock = clock;
    this.startedAt = clock.instant();
    this.recordings = Recordings.from(config); // first: a bad setting stops the start before anything runs
    this.database = new Database(config.getConfig("callengine.db"));
    try {
      database.createSchema();
    } catch (java.sql.SQLException e) {
      database.close();
      throw new IllegalStateException("the database schema could not be created: " + e.getMessage(), e);
    }
    this.system = ActorSystem.create(Behaviors.empty(), "callengine", config);
    this.asks = new Asks(config.getDuration("callengine.ask-timeout"), system.scheduler());
    bindJvmMetrics();
    this.node = NodeStatus.start(system, clock, metrics, this::ready);
    this.securityLog = new SecurityLog(metrics, config.getDuration("callengine.security.log-window"),
        config.getInt("callengine.security.max-tracked-sources"), Ticker.systemTicker(), this::publish, clock);
    joinCluster();
    this.lookups = new Lookups(system);
    this.callHandlers = new CallHandlers(system, lookups, callHandlerTimeout(config), metrics);
    ClusterSingleton singletons = ClusterSingleton.get(system);
    this.directory = singletons.init(SingletonActor.of(Directory.create(), "directory"));
    this.tokens = singletons.init(SingletonActor.of(TokenStore.create(), "tokens"));
    this.routingPolicies = singletons.init(SingletonActor.of(RoutingPolicies.create(), "routing-policies"));
    this.router = singletons.init(SingletonActor.of(Router.create(() -> lookups.loaded().thenApply(loaded -> lookups.listing()),
        io.callengine.core.Peers.sharded(system), clock,
        config.getInt("callengine.routing.ring-all-max"), metrics), "router"));
    this.events = system.systemActorOf(Topic.create(CallCenterEvent.class, "call-center-events"), "events", Props.empty());
    system.systemActorOf(CallCenterMetrics.create(events,
        new CallCenterMetrics.Sources(() -> asks.<Router.Command, Router.QueueStatsList>plain(router, Router.GetQueueStats::new).thenApply(Router.QueueStatsList::queues), () -> admin().listAgents()), metrics,
        config.getDuration("callengine.metrics.refresh-interval"), config.getDuration("callengine.metrics.agents-resync-interval")),
        "call-center-metrics", Props.empty());
    AgentEntity.init(system, router, clock, this::publish);
    QueueEntity.init(system, router, clock);
    CallEntity.init(system, router, clock, this::publish, lookups::staffed);
    var blocking = system.dispatchers().lookup(DispatcherSelector.fromConfig("callengine.blocking-dispatcher"));
    this.callRecords = new CallRecords(database.dataSource(), blocking, clock);
    this.agentHistory = new AgentHistory(database.dataSource(), blocking, clock);
    this.performance = new PerformanceQuery(database.dataSource(), blocking, clock,
        config.getInt("callengine.statistics.short-abandon-seconds"));
    system.scheduler().scheduleWithFixedDelay(Duration.ofSeconds(5), Duration.ofSeconds(5),
        () -> databaseAnswers = database.answers(), blocking);
    this.recordingLookup = RecordingLookup.start(system, recordings, blocking, config.getDuration("callengine.ask-timeout"));
    system.systemActorOf(RecordingRetention.create(recordings, clock, metrics, blocking), "recording-retention", Props.empty());
    JdbcProjection.createTablesIfNotExists(() -> new PlainJdbcSession(database.dataSource()), system)
        .thenRun(() -> CallRecordProjection.init(system, database.dataSource()))
        .thenRun(() -> AgentProjection.init(system, database.dataSource()))
        .thenRun(() -> QueueProjection.init(system, database.dataSource()))
        .thenRun(() -> RoutingPolicyProjection.init(system, database.dataSource()))
        .thenRun(() -> Adapter.toClassic(system).registerOnTermination(database::close))
        .thenCompose(started -> lookups.loaded())
        .whenComplete((done, error) -> {
          if (error != null) up.completeExceptionally(error);
          else org.apache.pekko.cluster.Cluster.get(Adapter.toClassic(system)).registerOnMemberUp(() -> {
            startRestartSweep();
            up.complete(this);
          });
        });
  }

  /** An engine node verifies the calls left open from before its start (a client node holds none). */
  private void startRestartSweep() {
    org.apache.pekko.cluster.Member self = Cluster.get(system).selfMember();
    String role = config.getString("pekko.cluster.sharding.role");
    if (!role.isEmpty() && !self.hasRole(role)) return;
    io.callengine.core.Peers peers = io.callengine.core.Peers.sharded(system);
    system.systemActorOf(RestartSweep.create(callRecords, peers::call, self.address().toString(), startedAt, clock,
        RestartSweep.Settings.from(config)), "restart-sweep", Props.empty());
  }

  private static Duration callHandlerTimeout(Config config) {
    Duration timeout = config.getDuration("callengine.call-handler.timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("callengine.call-handler.timeout must be positive, e.g. 500ms: " + timeout);
    }
    return timeout;
  }

  private void bindJvmMetrics() {
    new JvmMemoryMetrics().bindTo(metrics);
    new JvmThreadMetrics().bindTo(metrics);
    new ProcessorMetrics().bindTo(metrics);
    new UptimeMetrics().bindTo(metrics);
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(metrics);
    Adapter.toClassic(system).registerOnTermination(gc::close);
  }

  private void joinCluster() {
    Cluster cluster = Cluster.get(system);
    if (config.getStringList("pekko.cluster.seed-nodes").isEmpty()) {
      cluster.manager().tell(Join.create(cluster.selfMember().address()));
    }
  }

  /** Completes once this node is Up in its cluster, the read side is running and the data every call looks up is here. */
  public CompletionStage<CallCenterEngine> whenUp() {
    return up;
  }

  /**
   * Whether this node takes calls now: Up, the database and every component up, and nothing in
   * {@link NodeStatus} against it (losing side of a partition, draining). What {@code GET
   * /health/ready} and the SIP gateway ask; cheap, for it is asked on every new SIP transaction.
   */
  public boolean ready() {
    return isUp() && databaseAnswers && node.notReadyReasons().isEmpty()
        && healthChecks.values().stream().allMatch(BooleanSupplier::getAsBoolean);
  }

  public boolean isUp() {
    return up.isDone() && !up.isCompletedExceptionally()
        && Cluster.get(system).selfMember().status() == MemberStatus.up();
  }

  public AdminApi admin() {
    return new AdminApi(this);
  }

  public SupervisorApi supervisor() {
    return new SupervisorApi(this);
  }

  /** The facade an agent's desktop uses, bound to one agent. */
  public CallCenterClient agent(String agentId) {
    return new CallCenterClient(this, agentId);
  }

  /**
   * Where the routing policies send an inbound call (queue, priority, extra skills), or empty
   * when no rule matches; a request without {@code at} is routed at the engine clock's now.
   */
  public Optional<RouteDecision> route(RouteRequest request) {
    RouteRequest timed = request.at() != null ? request
        : new RouteRequest(request.dialed(), request.caller(), clock.instant(), request.digits());
    return lookups.route(timed);
  }

  /**
   * Registers {@code handler} to decide where new calls go, on every node of the cluster (see
   * {@link CallHandler}): each node asks a handler on its own node when it has one, else one on
   * another node, and lets the routing policies decide when the handler does not answer within
   * {@code callengine.call-handler.timeout}, fails, or names a queue or menu that does not
   * exist. Several handlers may be registered; a node takes its own in turn. Close the returned
   * registration to unregister.
   */
  public CallHandler.Registration registerCallHandler(CallHandler handler) {
    return callHandlers.register(java.util.Objects.requireNonNull(handler, "handler"));
  }

  /** The handlers this node can ask, and how the SIP gateway asks them. */
  public CallHandlers callHandlers() { return callHandlers; }

  /** This node's copies of what every call looks up: dialed addresses, SIP users, tokens, staffing. */
  public Lookups lookups() { return lookups; }

  /** Adds a component to the health report (the SIP gateway adds "sip", the HTTP layer "http"). */
  public void registerHealthCheck(String component, BooleanSupplier check) {
    healthChecks.put(component, check);
  }

  public HealthReport health() {
    Map<String, String> components = new java.util.TreeMap<>();
    java.util.List<String> warnings = new java.util.ArrayList<>(node.notReadyReasons());
    boolean dbUp = databaseAnswers;
    healthChecks.forEach((name, check) -> components.put(name, check.getAsBoolean() ? "UP" : "DOWN"));
    components.forEach((name, state) -> { if (!state.equals("UP")) warnings.add(name + " is down"); });
    if (!dbUp) warnings.add("the database does not answer");
    int nodes = (int) Cluster.get(system).state().getMembers().spliterator().getExactSizeIfKnown();
    String status = !isUp() ? "DOWN" : ready() ? "UP" : "DEGRADED";
    return new HealthReport(status, Duration.between(startedAt, clock.instant()).toSeconds(), nodes,
        dbUp ? "UP" : "DOWN", components, warnings);
  }

  /** Stops the node through Pekko's coordinated shutdown (which also closes the database pool). */
  public CompletionStage<Done> shutdown() {
    return CoordinatedShutdown.get(Adapter.toClassic(system)).runAll(CoordinatedShutdown.unknownReason());
  }

  public ActorSystem<Void> system() { return system; }
  public Config config() { return config; }
  /** The pool on the node's database (shared by the cluster's nodes); JDBC blocks, so never use it from an actor or a route. */
  public javax.sql.DataSource dataSource() { return database.dataSource(); }
  public Clock clock() { return clock; }
  public Asks asks() { return asks; }
  /** This node in its cluster: membership, partition side, draining, and the cluster gauges. */
  public NodeStatus node() { return node; }
  /** The node's security events (authentication failures, lock-outs, rate limits, refused tokens): counted, logged, published. */
  public SecurityLog securityLog() { return securityLog; }
  public ClusterSharding sharding() { return ClusterSharding.get(system); }
  public ActorRef<Directory.Command> directory() { return directory; }
  public ActorRef<Router.Command> router() { return router; }
  public ActorRef<TokenStore.Command> tokens() { return tokens; }
  public ActorRef<RoutingPolicies.Command> routingPolicies() { return routingPolicies; }
  public CallRecords callRecords() { return callRecords; }
  AgentHistory agentHistory() { return agentHistory; }
  /** Where this node writes and keeps call recordings (the data directory, or the shared one). */
  public Recordings recordings() { return recordings; }
  /** Finds a call's recording on this node or another one, for the HTTP layer. */
  public RecordingLookup recordingLookup() { return recordingLookup; }
  PerformanceQuery performance() { return performance; }

  /**
   * This node's meters: the engine's (calls, queues, agents, routing) and the JVM's; the SIP
   * gateway adds its own. {@code GET /metrics} serves {@code scrape()} in Prometheus text format.
   */
  public PrometheusMeterRegistry metrics() { return metrics; }

  /** The cluster-wide topic of public events: {@code Topic.subscribe(ref)} to follow them from any actor. */
  public ActorRef<Topic.Command<CallCenterEvent>> events() { return events; }

  /**
   * Calls {@code listener} with every public event of the cluster from now until the returned
   * subscription is closed; see {@link CallCenterListener} for the threading rules.
   */
  public CallCenterListener.Subscription addListener(CallCenterListener listener) {
    return ListenerActor.start(system, events, listener);
  }

  public void publish(CallCenterEvent event) {
    events.tell(Topic.publish(event));
  }
  public String realm() { return config.getString("callengine.sip.realm"); }
}
