package io.callengine.core.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.callengine.core.events.AgentStatusChanged;
import io.callengine.core.events.CallCenterEvent;
import io.callengine.core.events.CallEnded;
import io.callengine.core.events.CallQueued;
import io.callengine.core.events.DtmfPressed;
import io.callengine.core.events.Warning;
import io.callengine.core.testing.TestEngines;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A JVM service follows the engine's events through {@link CallCenterEngine#addListener}. */
class CallCenterListenerTest {
  private static final Instant AT = Instant.parse("2024-05-01T08:00:00Z");
  private static CallCenterEngine engine;

  @BeforeAll
  static void start() throws Exception {
    engine = TestEngines.start(TestEngines.config(""));
  }

  @AfterAll
  static void stop() throws Exception {
    engine.shutdown().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Test
  void eachEventReachesTheMethodForItsType() throws Exception {
    BlockingQueue<Object> calls = new LinkedBlockingQueue<>();
    CallCenterListener listener = new CallCenterListener() {
      @Override
      public void onCallQueued(CallQueued event) {
        calls.add("queued " + event.callId());
      }

      @Override
      public void onCallEnded(CallEnded event) {
        calls.add("ended " + event.callId() + " " + event.disposition());
      }

      @Override
      public void onDtmf(DtmfPressed event) {
        calls.add("dtmf " + event.digit());
      }

      @Override
      public void onAgentStatusChanged(AgentStatusChanged event) {
        calls.add("agent " + event.agentId() + " " + event.presence());
      }
    };
    try (CallCenterListener.Subscription subscription = engine.addListener(listener)) {
      engine.publish(new CallQueued(AT, "c1", "support", null, 5));
      engine.publish(new Warning(AT, "c1", "support", null, "low-mos", "poor audio"));
      engine.publish(new DtmfPressed(AT, "c1", "support", null, "customer", "7", 120));
      engine.publish(new AgentStatusChanged(AT, "alice", "AVAILABLE", null, "IDLE", true, List.of()));
      engine.publish(new CallEnded(AT, "c1", "support", "alice", "COMPLETED", "hangup", 3, 60));

      for (String expected : List.of("queued c1", "dtmf 7", "agent alice AVAILABLE", "ended c1 COMPLETED")) {
        assertEquals(expected, calls.poll(10, TimeUnit.SECONDS));
      }
    }
  }

  @Test
  void aFailingListenerKeepsReceivingAndClosingStopsIt() throws Exception {
    BlockingQueue<CallCenterEvent> seen = new LinkedBlockingQueue<>();
    CallCenterListener.Subscription subscription = engine.addListener(new CallCenterListener() {
      @Override
      public void onEvent(CallCenterEvent event) {
        seen.add(event);
        if (event instanceof Warning) throw new IllegalStateException("a listener bug");
      }
    });
    Warning warning = new Warning(AT, "c2", "support", null, "no-rtp", "no audio from the customer");
    CallQueued queued = new CallQueued(AT, "c2", "support", null, 1);
    engine.publish(warning);
    engine.publish(queued);
    assertEquals(warning, seen.poll(10, TimeUnit.SECONDS));
    assertEquals(queued, seen.poll(10, TimeUnit.SECONDS));

    subscription.close();
    subscription.close();
    engine.publish(new CallQueued(AT, "c3", "support", null, 1));
    assertNull(seen.poll(500, TimeUnit.MILLISECONDS));
  }
}
