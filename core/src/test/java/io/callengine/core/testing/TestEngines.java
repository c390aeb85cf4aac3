package io.callengine.core.testing;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.callengine.core.api.CallCenterEngine;
import io.callengine.core.events.CallCenterEvent;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.pubsub.Topic;

/** Engines and ports for tests: loopback only, a fresh in-memory database each, bounded waits. */
public final class TestEngines {
  private TestEngines() {}

  /** Test settings over the defaults (unresolved, so substitutions follow): ephemeral remoting port, a database of its own. */
  public static Config config(String extra) {
    return ConfigFactory.parseString(extra + "\n"
            + "pekko.remote.artery.canonical.hostname = 127.0.0.1\n"
            + "pekko.remote.artery.canonical.port = 0\n"
            + "pekko.loglevel = WARNING\n"
            // Every message is serialized as if it crossed a node, so a reply type that cannot cross fails here.
            + "pekko.actor.serialize-messages = on\n"
            + "callengine.db.url = \"jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1;DATABASE_TO_UPPER=false\"\n")
        .withFallback(ConfigFactory.defaultApplication());
  }

  public static CallCenterEngine start(Config config) throws Exception {
    return start(config, Clock.systemUTC());
  }

  /** An engine that reads the time from {@code clock} (a {@link ManualClock} makes recorded durations exact). */
  public static CallCenterEngine start(Config config, Clock clock) throws Exception {
    CallCenterEngine engine = CallCenterEngine.builder().config(config).clock(clock).build();
    engine.whenUp().toCompletableFuture().get(30, TimeUnit.SECONDS);
    return engine;
  }

  /**
   * Test ports come from 18000-31999, below the kernel's ephemeral range (32768 and up on Linux),
   * so that no outgoing connection or port-0 socket of this or another JVM lands on one between
   * the moment it is handed out and the moment it is bound. Each surefire fork takes its own half,
   * and hands its ports out in turn, so two forks never pick the same one.
   */
  private static final int PORTS_PER_FORK = 7000;
  private static final int FIRST_PORT = 18000 + PORTS_PER_FORK * ((Integer.getInteger("test.fork", 1) - 1) % 2);
  private static final AtomicInteger nextPort = new AtomicInteger(ThreadLocalRandom.current().nextInt(PORTS_PER_FORK));

  /** A port free for both UDP and TCP on 127.0.0.1 right now, that this JVM has not handed out lately. */
  public static int freePort() throws IOException {
    for (int attempt = 0; attempt < PORTS_PER_FORK; attempt++) {
      int port = FIRST_PORT + Math.floorMod(nextPort.getAndIncrement(), PORTS_PER_FORK);
      try (ServerSocket tcp = new ServerSocket(port, 1, InetAddress.getLoopbackAddress());
          DatagramSocket udp = new DatagramSocket(port, InetAddress.getLoopbackAddress())) {
        return port;
      } catch (IOException taken) {
        // in use: try the next
      }
    }
    throw new IOException("no free port on 127.0.0.1 in " + FIRST_PORT + "-" + (FIRST_PORT + PORTS_PER_FORK - 1));
  }

  /**
   * Subscribes {@code subscriber} to the engine's events and returns once the subscription holds:
   * the topic answers a question sent after the subscription only when it has taken it in.
   */
  public static void subscribe(CallCenterEngine engine, ActorRef<CallCenterEvent> subscriber) throws Exception {
    engine.events().tell(Topic.subscribe(subscriber));
    AskPattern.<Topic.Command<CallCenterEvent>, Topic.TopicStats>ask(engine.events(), Topic::getTopicStats,
        Duration.ofSeconds(10), engine.system().scheduler()).toCompletableFuture().get(15, TimeUnit.SECONDS);
  }

  /** Polls {@code check} until it returns true or {@code timeout} passes; fails with {@code what}. */
  public static void eventually(Duration timeout, String what, Callable<Boolean> check) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    Exception last = null;
    while (System.nanoTime() < deadline) {
      try {
        if (Boolean.TRUE.equals(check.call())) return;
      } catch (Exception e) {
        last = e;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("not within " + timeout + ": " + what, last);
  }
}
