package io.callengine.sip;

import static io.callengine.core.testing.TestEngines.eventually;
import static io.callengine.sip.testing.PhoneChecks.heard;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callengine.core.agent.Activity;
import io.callengine.core.agent.AgentView;
import io.callengine.core.agent.Presence;
import io.callengine.core.api.AgentSpec;
import io.callengine.core.api.CallCenterEngine;
import io.callengine.core.api.QueueSpec;
import io.callengine.core.call.CallView;
import io.callengine.core.events.CallCenterEvent;
import io.callengine.core.records.CallRecord;
import io.callengine.core.records.CallRecordFilter;
import io.callengine.core.testing.TestEngines;
import io.callengine.sip.testing.OutgoingCall;
import io.callengine.sip.testing.TestPhone;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;

/**
 * An engine with its SIP gateway on 127.0.0.1 for a test class: a free SIP port, an RTP range of
 * the class's own, a database of its own; phones that talk to it, and the queues and agents with
 * registered phones that most call tests begin with.
 */
record SipTestNode(CallCenterEngine engine, SipService sip, int port, List<TestPhone> agentPhones) implements AutoCloseable {

  /** A node of {@code engine} and its gateway on {@code port}, with no agents yet. */
  SipTestNode(CallCenterEngine engine, SipService sip, int port) {
    this(engine, sip, port, new ArrayList<>());
  }

  /**
   * The test phones and callers send most calls from 127.0.0.1, many at a time, and seldom send
   * RTP: the source limits and the first-RTP limit are lifted, and phones are not probed with
   * OPTIONS (which would come between the requests a test waits for), except in the tests of those
   * (which set their own in {@code extraConfig}, laid over these).
   */
  private static final String TEST_DEFAULTS = "callengine.sip.security.trusted-sources = \"127.0.0.1\"\n"
      + "callengine.media.first-rtp-timeout = 10m\ncallengine.sip.options-interval = 0\n";

  /**
   * {@code extraConfig} is HOCON laid over the defaults (e.g. media settings), empty for none. A
   * call a test leaves up delays the node's stop by the drain timeout, 2 s here unless overridden.
   */
  static SipTestNode start(String rtpPorts, String extraConfig) throws Exception {
    return start(rtpPorts, extraConfig, Clock.systemUTC());
  }

  /** As {@link #start(String, String)}, with the engine's (and the registrar's) time read from {@code clock}. */
  static SipTestNode start(String rtpPorts, String extraConfig, Clock clock) throws Exception {
    int port = TestEngines.freePort();
    CallCenterEngine engine = TestEngines.start(TestEngines.config(
        "callengine.sip { host = 127.0.0.1, port = " + port + ", rtp-ports = \"" + rtpPorts + "\", drain-timeout = 2s }\n"
            + TEST_DEFAULTS + extraConfig), clock);
    return new SipTestNode(engine, SipService.start(engine), port);
  }

  /** As {@link #start(String, String)}, with {@code recordingDraw} (0-99) deciding the calls of queues that record a percentage. */
  static SipTestNode start(String rtpPorts, String extraConfig, java.util.function.IntSupplier recordingDraw) throws Exception {
    int port = TestEngines.freePort();
    CallCenterEngine engine = TestEngines.start(TestEngines.config(
        "callengine.sip { host = 127.0.0.1, port = " + port + ", rtp-ports = \"" + rtpPorts + "\", drain-timeout = 2s }\n"
            + TEST_DEFAULTS + extraConfig), Clock.systemUTC());
    return new SipTestNode(engine, SipService.start(engine, recordingDraw), port);
  }

  /** A phone for {@code user} on its own free port, pointed at this node. */
  TestPhone phone(String user) throws Exception {
    return new TestPhone(user, TestEngines.freePort(), "127.0.0.1", port);
  }

  /** A queue {@code id}: its agents wrap up for 120 s and are rung for 10 s. */
  void queue(String id) throws Exception {
    engine.admin().createQueue(QueueSpec.of(id, id).withWrapUpSeconds(120).withRingTimeoutSeconds(10))
        .toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  /** An agent serving {@code queueId}, its phone registered (password {@code secret-<id>}), AVAILABLE; the phone closes with the node. */
  TestPhone agent(String id, String queueId) throws Exception {
    engine.admin().createAgent(AgentSpec.of(id, "sip:" + id + "@127.0.0.1", id, "secret-" + id).withQueues(List.of(queueId)))
        .toCompletableFuture().get(5, TimeUnit.SECONDS);
    TestPhone phone = phone(id);
    agentPhones.add(phone);
    assertEquals(200, phone.register("secret-" + id, 300, "MD5"));
    engine.agent(id).updateStatus(Presence.AVAILABLE, null).toCompletableFuture().get(5, TimeUnit.SECONDS);
    return phone;
  }

  /** A new queue {@code queueId} and an agent serving it, as {@link #agent} makes one. */
  TestPhone agentInNewQueue(String id, String queueId) throws Exception {
    queue(queueId);
    return agent(id, queueId);
  }

  AgentView agentView(String id) throws Exception {
    return engine.admin().getAgent(id).toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  CallView call(String callId) throws Exception {
    return engine.supervisor().call(callId).toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  /** The call's record, or null before the projection has written it. */
  CallRecord record(String callId) throws Exception {
    return engine.callRecords().list(CallRecordFilter.all()).toCompletableFuture()
        .get(5, TimeUnit.SECONDS).stream().filter(r -> r.callId().equals(callId)).findFirst().orElse(null);
  }

  /** The caller's {@code call} is answered, {@code agent}'s phone rings and answers, the caller hears the agent; returns the call id. */
  String connect(TestPhone caller, OutgoingCall call, String agentId, TestPhone agent) throws Exception {
    assertEquals(200, call.awaitFinal().getStatusCode());
    call.useAnswer();
    assertEquals("INVITE", agent.events.poll(10, TimeUnit.SECONDS), "the engine rings " + agentId);
    eventually(Duration.ofSeconds(5), agentId + " is on the call", () -> agentView(agentId).activity() == Activity.ON_CALL);
    assertTrue(heard(agent, "hello from " + agentId, caller), agentId + " is heard by the caller");
    return agentView(agentId).currentCalls().get(0);
  }

  /** The engine's events from now on. */
  TestProbe<CallCenterEvent> events() throws Exception {
    TestProbe<CallCenterEvent> events = TestProbe.create(engine.system());
    TestEngines.subscribe(engine, events.ref());
    return events;
  }

  @Override
  public void close() throws Exception {
    agentPhones.forEach(TestPhone::close);
    engine.shutdown().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }
}
