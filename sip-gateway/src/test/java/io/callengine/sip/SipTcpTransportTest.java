package io.callengine.sip;

import static io.callengine.core.testing.TestEngines.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callengine.core.agent.Activity;
import io.callengine.core.agent.Presence;
import io.callengine.core.api.AgentSpec;
import io.callengine.core.api.CallCenterEngine;
import io.callengine.core.api.QueueSpec;
import io.callengine.core.testing.TestEngines;
import io.callengine.sip.testing.OutgoingCall;
import io.callengine.sip.testing.TestPhone;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SIP over TCP on the whole node: idle connections cost no thread each, and a phone registered
 * over TCP gets its call over TCP.
 */
class SipTcpTransportTest {
  private static final int IDLE_CONNECTIONS = 300;
  private static SipTestNode node;
  private static CallCenterEngine engine;

  @BeforeAll
  static void start() throws Exception {
    // Every test connection comes from 127.0.0.1: the cap per address must let them all in.
    node = SipTestNode.start("42000-42099", "callengine.sip.max-connections-per-address = 400");
    engine = node.engine();
    engine.admin().createQueue(QueueSpec.of("tcp-support", "TCP support").withRingTimeoutSeconds(5))
        .toCompletableFuture().get(5, TimeUnit.SECONDS);
    engine.admin().createAgent(AgentSpec.of("tara", "sip:tara@127.0.0.1", "Tara", "tcp-secret"))
        .toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  @Test
  void threeHundredIdleConnectionsAddFarFewerThreadsThanConnections() throws Exception {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    int openBefore = node.sip().openConnections();
    int threadsBefore = threads.getThreadCount();
    List<Socket> sockets = new ArrayList<>();
    try {
      for (int i = 0; i < IDLE_CONNECTIONS; i++) sockets.add(new Socket(InetAddress.getLoopbackAddress(), node.port()));
      eventually(Duration.ofSeconds(20), "the node has taken the " + IDLE_CONNECTIONS + " connections",
          () -> node.sip().openConnections() >= openBefore + IDLE_CONNECTIONS);
      int grown = threads.getThreadCount() - threadsBefore;
      java.util.regex.Matcher gauge = java.util.regex.Pattern.compile("(?m)^callengine_sip_connections (\\S+)$")
          .matcher(engine.metrics().scrape());
      assertTrue(gauge.find() && Double.parseDouble(gauge.group(1)) >= openBefore + IDLE_CONNECTIONS, "the gauge counts them");
      System.out.printf("threads: %d before, %d with %d idle SIP connections open%n", threadsBefore, threadsBefore + grown,
          IDLE_CONNECTIONS);
      assertTrue(grown < 30, IDLE_CONNECTIONS + " idle connections added " + grown + " threads");
    } finally {
      for (Socket socket : sockets) socket.close();
    }
    eventually(Duration.ofSeconds(20), "the node closes its ends of the connections the clients closed",
        () -> node.sip().openConnections() <= openBefore);
  }

  @Test
  void aPhoneRegisteredOverTcpGetsItsCallOverTcp() throws Exception {
    // The phone listens on TCP only: an INVITE can reach it over nothing else.
    try (TestPhone tara = new TestPhone("tara", TestEngines.freePort(), "127.0.0.1", node.port(), "tcp");
        TestPhone customer = node.phone("tcp-customer")) {
      assertEquals(200, tara.register("tcp-secret", 300, "MD5"));
      assertTrue(tara.contact().endsWith(";transport=tcp"), tara.contact());
      engine.agent("tara").updateStatus(Presence.AVAILABLE, null).toCompletableFuture().get(5, TimeUnit.SECONDS);

      OutgoingCall call = customer.call("tcp-support");
      assertEquals(200, call.awaitFinal().getStatusCode());
      call.useAnswer();
      assertEquals("INVITE", tara.events.poll(10, TimeUnit.SECONDS), "the engine rings tara over TCP");
      eventually(Duration.ofSeconds(5), "tara is on the call",
          () -> engine.admin().getAgent("tara").toCompletableFuture().get().activity() == Activity.ON_CALL);
      assertTrue(customer.rtp.sendUntilHeard("hello tara", tara.rtp, 50), "the customer's audio reaches tara");

      assertEquals("ACK", tara.events.poll(5, TimeUnit.SECONDS));
      // The engine's Contact on tara's leg names TCP: tara's BYE can reach it over nothing else.
      assertEquals(200, tara.hangUpIncoming().getStatusCode(), "tara hangs up over TCP");
      assertEquals("BYE", customer.events.poll(5, TimeUnit.SECONDS), "the customer's leg gets BYE");
      eventually(Duration.ofSeconds(5), "tara is idle again",
          () -> engine.admin().getAgent("tara").toCompletableFuture().get().activity() == Activity.IDLE);
    }
  }
}
