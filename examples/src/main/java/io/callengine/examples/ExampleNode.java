package io.callengine.examples;

import com.typesafe.config.ConfigFactory;
import io.callengine.core.api.CallCenterEngine;
import io.callengine.sip.SipService;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The engine as the examples embed it: one node in this JVM on the given database, its SIP
 * gateway on UDP and TCP at a free port of 127.0.0.1, RTP on 127.0.0.1 too. {@link #close()}
 * shuts it down as a service would, after which nothing of it keeps the JVM alive.
 */
final class ExampleNode implements AutoCloseable {
  private static final String HOST = "127.0.0.1";
  private static final Duration START_LIMIT = Duration.ofSeconds(60);

  private final CallCenterEngine engine;
  private final SipService sip;
  private final int sipPort;

  private ExampleNode(CallCenterEngine engine, SipService sip, int sipPort) {
    this.engine = engine;
    this.sip = sip;
    this.sipPort = sipPort;
  }

  static ExampleNode start(ExampleDatabase database) throws Exception {
    int sipPort = freePort();
    CallCenterEngine engine = CallCenterEngine.builder()
        .config(ConfigFactory.parseString("""
            pekko.remote.artery.canonical { hostname = "127.0.0.1", port = 0 }
            pekko.loglevel = WARNING
            callengine.sip { host = "%s", port = %d, rtp-ports = "17000-17999", drain-timeout = 2s }
            """.formatted(HOST, sipPort)).withFallback(ConfigFactory.defaultApplication()))
        .database(database.url(), database.user(), database.password())
        .build();
    try {
      engine.whenUp().toCompletableFuture().get(START_LIMIT.toSeconds(), TimeUnit.SECONDS);
      return new ExampleNode(engine, SipService.start(engine), sipPort);
    } catch (Exception e) {
      engine.shutdown().toCompletableFuture().get(START_LIMIT.toSeconds(), TimeUnit.SECONDS);
      throw e;
    }
  }

  CallCenterEngine engine() {
    return engine;
  }

  SipService sip() {
    return sip;
  }

  String sipAddress() {
    return HOST + ":" + sipPort;
  }

  /** An agent's phone for SIP user {@code user}, pointed at this node; it answers {@code answerAfter} after it starts ringing. */
  SipPhone phone(String user, String password, Duration answerAfter) throws Exception {
    return new SipPhone(user, password, HOST, sipPort, answerAfter);
  }

  /** A customer's phone, pointed at this node. */
  SipCaller caller(String user) throws Exception {
    return new SipCaller(user, HOST, sipPort);
  }

  /**
   * A port of 127.0.0.1 free for both UDP and TCP right now, below the range the system hands out
   * for port 0 and outgoing connections (32768 and up on Linux): the SIP port is bound only once
   * the engine is up, seconds later, and no socket of this or another program takes it meanwhile.
   */
  static int freePort() throws IOException {
    for (int attempt = 0; attempt < 100; attempt++) {
      int port = ThreadLocalRandom.current().nextInt(12000, 17000);
      try (ServerSocket tcp = new ServerSocket(port, 1, InetAddress.getByName(HOST));
          DatagramSocket udp = new DatagramSocket(new InetSocketAddress(HOST, port))) {
        return port;
      } catch (IOException taken) {
        // in use: try another
      }
    }
    throw new IOException("no port of " + HOST + " in 12000-16999 free for both UDP and TCP");
  }

  @Override
  public void close() throws Exception {
    engine.shutdown().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}
