package io.callengine.node;

import com.typesafe.config.Config;
import io.callengine.core.api.CallCenterEngine;
import io.callengine.http.HttpApi;
import io.callengine.sip.SipService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One running node: the engine, its SIP gateway and its HTTP API, started in that order. */
public final class Node {
  private static final Logger log = LoggerFactory.getLogger(Node.class);
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  private final CallCenterEngine engine;
  private final SipService sip;
  private final String adminToken;

  private Node(CallCenterEngine engine, SipService sip, String adminToken) {
    this.engine = engine;
    this.sip = sip;
    this.adminToken = adminToken;
  }

  public static Node start(Config config) throws Exception {
    Path dataDir = Path.of(config.getString("callengine.data-dir"));
    Files.createDirectories(dataDir);
    String adminToken = AdminToken.resolve(config, dataDir);
    CallCenterEngine engine = CallCenterEngine.builder().config(config).build();
    engine.whenUp().toCompletableFuture().get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    SipService sip = SipService.start(engine);
    String httpHost = config.getString("callengine.http.host");
    int httpPort = config.getInt("callengine.http.port");
    HttpApi.start(engine, httpHost, httpPort, adminToken).toCompletableFuture().get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    log.info("call-engine ready: SIP udp+tcp {}:{}{} (advertised as {}), HTTP {}:{}, database {}",
        sip.settings().host(), sip.settings().port(),
        sip.settings().transport().tls().map(tls -> ", tls " + sip.settings().host() + ":" + tls.port()).orElse(""),
        sip.settings().publicHost(), httpHost, httpPort,
        config.getString("callengine.db.url").replaceAll("(?i)(password=)[^;&]*", "$1***"));
    return new Node(engine, sip, adminToken);
  }

  public CallCenterEngine engine() { return engine; }
  public SipService sip() { return sip; }
  public String adminToken() { return adminToken; }

  /** Stops the node as SIGTERM does: active calls get the drain timeout to finish first. */
  public void stop() throws Exception {
    Duration drain = engine.config().getDuration("callengine.sip.drain-timeout");
    engine.shutdown().toCompletableFuture().get(drain.plusSeconds(60).toSeconds(), TimeUnit.SECONDS);
  }
}
