package io.callengine.sip;

import static io.callengine.core.testing.TestEngines.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callengine.core.agent.Activity;
import io.callengine.core.agent.AgentEntity;
import io.callengine.core.agent.AgentView;
import io.callengine.core.agent.Presence;
import io.callengine.core.agent.Skill;
import io.callengine.core.api.AgentSpec;
import io.callengine.core.api.CallCenterEngine;
import io.callengine.core.api.QueueSpec;
import io.callengine.core.queue.QueueConfig;
import io.callengine.core.testing.TestEngines;
import io.callengine.sip.testing.OutgoingCall;
import io.callengine.sip.testing.TestPhone;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Agent phones registered over TCP at an address that never completes a connection (a listening
 * socket whose backlog is full: Linux drops further SYNs, so a connect waits for its timeout)
 * are offered calls, more of them than the actors' dispatcher has threads; meanwhile calls to
 * agents on UDP phones are rung and connected at once. JAIN-SIP connects on the sending thread
 * and waits 8 s: were the INVITEs sent on the actors' threads, the live calls would wait too.
 */
class DeadTcpPhoneTest {
  /** More than the default dispatcher's 8 threads on a small machine. */
  private static final int DEAD_AGENTS = 10;
  private static final int LIVE_CALLS = 3;
  /** Well under JAIN-SIP's 8 s connect timeout, which a send on an actor's thread would wait out. */
  private static final Duration PROMPT = Duration.ofSeconds(5);

  private static SipTestNode node;
  private static CallCenterEngine engine;
  private static ServerSocket blackhole;
  private static final List<Socket> backlog = new ArrayList<>();
  private static TestPhone live;

  @BeforeAll
  static void start() throws Exception {
    blackhole = fullListener();
    node = SipTestNode.start("42450-42599", "");
    engine = node.engine();
    var admin = engine.admin();
    admin.createQueue(QueueSpec.of("dead", "Dead phones").withRingTimeoutSeconds(60)
        .withRequiredSkills(List.of(new QueueConfig.RequiredSkill("dead", 1)))).toCompletableFuture().get(10, TimeUnit.SECONDS);
    admin.createQueue(QueueSpec.of("live", "Live phones").withRingTimeoutSeconds(10)
        .withRequiredSkills(List.of(new QueueConfig.RequiredSkill("live", 1)))).toCompletableFuture().get(10, TimeUnit.SECONDS);
    String deadContact = "@127.0.0.1:" + blackhole.getLocalPort() + ";transport=tcp";
    for (int i = 1; i <= DEAD_AGENTS; i++) {
      String id = String.format("dead%02d", i);
      admin.createAgent(AgentSpec.of(id, "sip:" + id + "@127.0.0.1", id, "pw-" + id).withSkills(List.of(new Skill("dead", 1))))
          .toCompletableFuture().get(10, TimeUnit.SECONDS);
      // Bound as the registrar binds a REGISTER's Contact; the phone behind it never answers.
      engine.asks().<AgentEntity.Command, AgentView>askRetrying(engine.sharding().entityRefFor(AgentEntity.ENTITY_KEY, id),
          r -> new AgentEntity.Register("sip:" + id + deadContact, 600, null, r)).toCompletableFuture().get(10, TimeUnit.SECONDS);
      engine.agent(id).updateStatus(Presence.AVAILABLE, null).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    admin.createAgent(AgentSpec.of("live", "sip:live@127.0.0.1", "Live", "pw-live").withSkills(List.of(new Skill("live", 1))))
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
    live = node.phone("live");
    assertEquals(200, live.register("pw-live", 600, "MD5"));
    engine.agent("live").updateStatus(Presence.AVAILABLE, null).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    // Closed first: the connects still waiting are refused at their next SYN instead of timing out.
    for (Socket s : backlog) s.close();
    if (blackhole != null) blackhole.close();
    if (live != null) live.close();
    if (node != null) node.close();
  }

  @Test
  void callsToUdpPhonesConnectWhileTcpPhonesThatNeverAnswerAreRung() throws Exception {
    List<TestPhone> deadCallers = new ArrayList<>();
    try {
      for (int i = 1; i <= DEAD_AGENTS; i++) {
        TestPhone caller = node.phone("dead-caller" + i);
        deadCallers.add(caller);
        assertEquals(200, caller.call("dead").awaitFinal().getStatusCode(), "answered once queued");
      }
      eventually(Duration.ofSeconds(20), "every dead phone is being offered a call", () -> {
        for (int i = 1; i <= DEAD_AGENTS; i++) {
          if (agent(String.format("dead%02d", i)).activity() == Activity.IDLE) return false;
        }
        return true;
      });
      for (int i = 1; i <= LIVE_CALLS; i++) {
        try (TestPhone customer = node.phone("live-caller" + i)) {
          long start = System.nanoTime();
          OutgoingCall call = customer.call("live");
          assertEquals(200, call.awaitFinal().getStatusCode());
          call.useAnswer();
          assertEquals("INVITE", live.events.poll(PROMPT.toMillis(), TimeUnit.MILLISECONDS), "the live phone is rung at once");
          eventually(PROMPT, "the live agent is on the call", () -> agent("live").activity() == Activity.ON_CALL);
          Duration took = Duration.ofNanos(System.nanoTime() - start);
          assertTrue(took.compareTo(PROMPT) < 0, "call " + i + " to the live phone took " + took);
          assertEquals(200, call.hangUp().getStatusCode());
          assertEquals("ACK", live.events.poll(PROMPT.toMillis(), TimeUnit.MILLISECONDS));
          assertEquals("BYE", live.events.poll(PROMPT.toMillis(), TimeUnit.MILLISECONDS));
          eventually(PROMPT, "the live agent is free again", () -> agent("live").activity() == Activity.IDLE);
        }
      }
      for (int i = 1; i <= DEAD_AGENTS; i++) {
        assertNotEquals(Activity.ON_CALL, agent(String.format("dead%02d", i)).activity(), "no dead phone ever answered");
      }
    } finally {
      for (TestPhone caller : deadCallers) caller.close();
    }
  }

  @Test
  void aPhoneThatRefusesConnectionsIsPutOnBreakInsteadOfBeingOfferedCallsForever() throws Exception {
    engine.admin().createQueue(QueueSpec.of("refused", "Refusing phone").withRingTimeoutSeconds(10)
        .withRequiredSkills(List.of(new QueueConfig.RequiredSkill("refused", 1)))).toCompletableFuture().get(10, TimeUnit.SECONDS);
    engine.admin().createAgent(AgentSpec.of("gone", "sip:gone@127.0.0.1", "Gone", "pw-gone").withSkills(List.of(new Skill("refused", 1))))
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
    // Nobody listens on a port just freed: each INVITE's TCP connect is refused at once.
    String contact = "sip:gone@127.0.0.1:" + TestEngines.freePort() + ";transport=tcp";
    engine.asks().<AgentEntity.Command, AgentView>askRetrying(engine.sharding().entityRefFor(AgentEntity.ENTITY_KEY, "gone"),
        r -> new AgentEntity.Register(contact, 600, null, r)).toCompletableFuture().get(10, TimeUnit.SECONDS);
    engine.agent("gone").updateStatus(Presence.AVAILABLE, null).toCompletableFuture().get(10, TimeUnit.SECONDS);
    try (TestPhone caller = node.phone("refused-caller")) {
      assertEquals(200, caller.call("refused").awaitFinal().getStatusCode(), "answered once queued");
      eventually(Duration.ofSeconds(20), "after max-consecutive-no-answers (3) failed offers the agent is on BREAK no-answer", () -> {
        AgentView gone = agent("gone");
        return gone.presence() == Presence.BREAK && "no-answer".equals(gone.breakReason());
      });
    }
  }

  private static AgentView agent(String id) throws Exception {
    return engine.admin().getAgent(id).toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  /**
   * A loopback listener that never accepts, its backlog filled until a connect is not completed
   * within a second: from then on every SYN to it is dropped. Fails if it cannot be made so.
   */
  private static ServerSocket fullListener() throws IOException {
    ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    for (int i = 0; i < 10; i++) {
      Socket socket = new Socket();
      try {
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.getLocalPort()), 1000);
        backlog.add(socket);
      } catch (SocketTimeoutException e) {
        socket.close();
        return listener;
      }
    }
    listener.close();
    throw new IllegalStateException("10 connections to a listener with backlog 1 all completed: this kernel does not drop SYNs");
  }
}
