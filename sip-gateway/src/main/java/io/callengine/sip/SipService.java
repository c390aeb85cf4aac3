package io.callengine.sip;

import com.github.benmanes.caffeine.cache.Ticker;
import io.callengine.core.api.CallCenterEngine;
import io.callengine.sip.media.HoldAudio;
import io.callengine.sip.media.MediaRelay;
import io.callengine.sip.registrar.DigestNonces;
import io.callengine.sip.registrar.NonceKey;
import io.callengine.sip.security.AuthLockout;
import io.callengine.core.security.SecurityLog;
import io.callengine.sip.security.SecuritySettings;
import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the SIP side of a node on a started engine: the JAIN-SIP stack on UDP and TCP, the
 * RTP relay, and the gateway actor; in the engine's coordinated shutdown, drains the calls (waits
 * for them up to the drain timeout, then hangs up the rest) and stops them.
 */
public final class SipService {
  /** Phases of Pekko's coordinated shutdown, defined in this module's reference.conf, before {@code before-service-unbind}. */
  static final String DRAIN_PHASE = "callengine-drain";
  static final String HANG_UP_PHASE = "callengine-drain-hang-up";
  private static final Logger log = LoggerFactory.getLogger(SipService.class);

  private final SipStackHolder stack;
  private final MediaRelay relay;
  private final SipSettings settings;
  private volatile boolean running = true;

  private SipService(SipStackHolder stack, MediaRelay relay, SipSettings settings) {
    this.stack = stack;
    this.relay = relay;
    this.settings = settings;
  }

  public static SipService start(CallCenterEngine engine) throws Exception {
    return start(engine, null);
  }

  /** As {@link #start(CallCenterEngine)}; {@code recordingDraw}, when not null, replaces the random draw (0-99) of PERCENT queues. */
  static SipService start(CallCenterEngine engine, java.util.function.IntSupplier recordingDraw) throws Exception {
    SipSettings settings = SipSettings.from(engine.config());
    SipMetrics metrics = new SipMetrics(engine.metrics());
    SecuritySettings security = SecuritySettings.from(engine.config());
    SecurityLog securityLog = engine.securityLog();
    SipEventListener listener = new SipEventListener(metrics,
        new CallAdmission(settings.maxCallsInSetup(), security.maxCallsInSetupPerSource(), metrics));
    SipStackHolder stack = new SipStackHolder(settings, listener);
    metrics.connections(stack);
    MediaRelay relay = new MediaRelay(InetAddress.getByName(settings.host()), settings.rtpPorts(), settings.rtpThreads());
    metrics.rtpPortsInUse(relay::portsInUse);
    SipMessages messages = new SipMessages(stack, settings, metrics, engine.system().dispatchers().lookup(
        DispatcherSelector.fromConfig("callengine.sip-send-dispatcher")));
    // Built here, not in the gateway actor: a restart of that actor keeps the nonce key, so the
    // nonces already handed out stay valid.
    ActorRef<PhoneProbe.Command> probe =
        engine.system().systemActorOf(PhoneProbe.create(engine, messages, settings), "sip-phone-probe", Props.empty());
    GatewayParts parts = new GatewayParts(engine, messages, settings, relay, HoldAudio.load(engine.config()), listener.sessions(),
        new Registrar(engine, messages, settings, nonces(engine, settings),
            new AuthLockout(security.lockout(), security.trusted(), securityLog, Ticker.systemTicker()), probe),
        recorders(engine, recordingDraw), new java.util.concurrent.ConcurrentHashMap<>());
    ActorRef<SipGateway.Command> gateway = engine.system().systemActorOf(SipGateway.create(parts), "sip-gateway", Props.empty());
    io.callengine.core.call.CallbackDialer.get(engine.system()).register(engine.system().systemActorOf(
        CallbackDialers.create(parts, OutboundProxy.from(engine.config())), "sip-callback-dialer", Props.empty()));
    listener.attach(gateway, probe, messages, settings.overloadRetryAfter(),
        new FloodGuard(security, securityLog, Ticker.systemTicker(), messages));
    SipService service = new SipService(stack, relay, settings);
    engine.registerHealthCheck("sip", service::running);
    CoordinatedShutdown shutdown = CoordinatedShutdown.get(Adapter.toClassic(engine.system()));
    shutdown.addTask(DRAIN_PHASE, "sip-drain", () -> drain(engine, gateway, settings.drainTimeout()));
    shutdown.addTask(HANG_UP_PHASE, "sip-drain-hang-up", () -> hangUp(engine, gateway, settings.drainTimeout()));
    shutdown.addTask(CoordinatedShutdown.PhaseServiceUnbind(), "sip-stop", service::stop);
    return service;
  }

  /**
   * The first step of a stop: the node turns not ready (new INVITEs and REGISTERs get 503 with
   * Retry-After, so do the dispatchers' OPTIONS probes, and {@code /health/ready} answers 503),
   * and the calls up now may finish. The phase's own timeout, the drain timeout, ends the wait.
   * A node that is no longer Up (downed, or removed from its cluster) does not wait: its calls'
   * entities live elsewhere now.
   */
  private static CompletionStage<Done> drain(CallCenterEngine engine, ActorRef<SipGateway.Command> gateway, Duration limit) {
    engine.node().startDraining();
    if (Cluster.get(engine.system()).selfMember().status() != MemberStatus.up()) return CompletableFuture.completedFuture(Done.getInstance());
    log.info("Draining: new calls are refused with 503; active calls have up to {} s to finish", limit.toSeconds());
    // The ask outlives the phase on purpose: the phase's timeout is the limit.
    return AskPattern.<SipGateway.Command, Done>ask(gateway, r -> new SipGateway.Drain(null, r), limit.plusSeconds(5),
        engine.system().scheduler()).exceptionally(e -> Done.getInstance());
  }

  /** The second step: the calls still up get BYE on both legs and end FAILED, recorded before the node goes on stopping. */
  private static CompletionStage<Done> hangUp(CallCenterEngine engine, ActorRef<SipGateway.Command> gateway, Duration limit) {
    String reason = "node-drain: the node was stopped and the call outlasted the drain limit of " + limit.toSeconds() + " s";
    Duration wait = engine.config().getDuration("callengine.ask-timeout").plusSeconds(2);
    return AskPattern.<SipGateway.Command, Done>ask(gateway, r -> new SipGateway.Drain(reason, r), wait, engine.system().scheduler())
        .exceptionally(e -> Done.getInstance());
  }

  /**
   * The nonces, signed with the configured key or the one in the shared database. Read here, on the
   * starting thread, because the database read blocks. The key stays out of {@link SipSettings},
   * whose values may be logged.
   */
  private static DigestNonces nonces(CallCenterEngine engine, SipSettings settings) throws java.sql.SQLException {
    String configured = engine.config().getString("callengine.sip.nonce-key");
    byte[] key = NonceKey.resolve(configured, engine.dataSource());
    log.info("SIP digest nonces are signed with {}", configured.isBlank()
        ? "the key shared through the database (table sip_nonce_key)" : "the configured key (callengine.sip.nonce-key)");
    return new DigestNonces(key, engine.clock(), settings.nonceLifetime());
  }

  private static CallRecorders recorders(CallCenterEngine engine, java.util.function.IntSupplier draw) {
    CallRecorders recorders = CallRecorders.from(engine.config(), engine.recordings(),
        engine.system().dispatchers().lookup(DispatcherSelector.fromConfig("callengine.recording-dispatcher")),
        Cluster.get(engine.system()).selfMember().address().toString());
    return draw == null ? recorders : recorders.withDraw(draw);
  }

  public SipSettings settings() {
    return settings;
  }

  public int rtpPortsInUse() {
    return relay.portsInUse();
  }

  /** Inbound SIP connections (TCP and TLS) open now. */
  public int openConnections() {
    return stack.openConnections();
  }

  public boolean running() {
    return running;
  }

  public CompletionStage<Done> stop() {
    running = false;
    stack.stop();
    return relay.shutdown().thenApply(v -> Done.getInstance());
  }
}
