package io.callengine.sip;

import io.callengine.core.api.CallCenterEngine;
import io.callengine.sip.media.HoldAudio;
import io.callengine.sip.media.MediaRelay;
import io.callengine.sip.registrar.DigestNonces;
import io.callengine.sip.registrar.NonceKey;
import java.net.InetAddress;
import java.time.Clock;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the SIP side of a node on a started engine: the JAIN-SIP stack on UDP and TCP, the
 * RTP relay, and the gateway actor; stops them in the engine's coordinated shutdown.
 */
public final class SipService {
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
    SipSettings settings = SipSettings.from(engine.config());
    SipMetrics metrics = new SipMetrics(engine.metrics());
    SipEventListener listener = new SipEventListener(metrics);
    SipStackHolder stack = new SipStackHolder(settings, listener);
    MediaRelay relay = new MediaRelay(InetAddress.getByName(settings.host()), settings.rtpPorts(), settings.rtpThreads());
    SipMessages messages = new SipMessages(stack, settings, metrics);
    // Built here, not in the gateway actor: a restart of that actor keeps the nonce key, so the
    // nonces already handed out stay valid.
    GatewayParts parts = new GatewayParts(engine, messages, settings, relay, HoldAudio.load(engine.config()), listener.sessions(),
        new Registrar(engine, messages, settings, nonces(engine, settings)));
    ActorRef<SipGateway.Command> gateway = engine.system().systemActorOf(SipGateway.create(parts), "sip-gateway", Props.empty());
    listener.attach(gateway, stack.provider());
    SipService service = new SipService(stack, relay, settings);
    engine.registerHealthCheck("sip", service::running);
    CoordinatedShutdown.get(Adapter.toClassic(engine.system())).addTask(
        CoordinatedShutdown.PhaseServiceUnbind(), "sip-stop", service::stop);
    return service;
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
    return new DigestNonces(key, Clock.systemUTC(), settings.nonceLifetime());
  }

  public SipSettings settings() {
    return settings;
  }

  public int rtpPortsInUse() {
    return relay.portsInUse();
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
