package io.callengine.sip;

import static io.callengine.core.testing.TestEngines.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.callengine.core.api.CallCenterEngine;
import io.callengine.core.api.QueueSpec;
import io.callengine.core.call.CallEntity;
import io.callengine.core.call.CallStatus;
import io.callengine.core.call.CallView;
import io.callengine.core.queue.WaitingCall;
import io.callengine.sip.media.ClipFrames;
import io.callengine.sip.media.HoldAudio;
import io.callengine.sip.testing.OutgoingCall;
import io.callengine.sip.testing.TestPhone;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A caller's callback request that the CallEntity stored while its answer never reached the
 * session (a timed-out ask): the session's ask again for the same number is answered as the first
 * was, so the caller hears the goodbye and is hung up, and the call waits in line as a callback,
 * instead of keeping the caller in line while the engine will also call him back.
 */
class CallbackRepeatTest {
  private static SipTestNode node;
  private static CallCenterEngine engine;

  @BeforeAll
  static void start() throws Exception {
    node = SipTestNode.start("45350-45399", "");
    engine = node.engine();
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  private static List<String> waiting(String queue) throws Exception {
    return engine.supervisor().waitingCalls(queue).toCompletableFuture().get(5, TimeUnit.SECONDS).stream()
        .map(WaitingCall::callId).toList();
  }

  /** Waits (bounded in packets) for a frame of the callback offer. */
  private static void hearOffer(TestPhone caller) throws Exception {
    byte[] offerFrame = ClipFrames.ulaw(HoldAudio.Prompt.CALLBACK_OFFER, 20);
    for (int packets = 0; packets < 1_500; packets++) {
      byte[] packet = caller.rtp.receivePacket(5000);
      assertNotNull(packet, "the caller hears the queue");
      if (Arrays.equals(Arrays.copyOfRange(packet, 12, packet.length), offerFrame)) return;
    }
    throw new AssertionError("the caller never heard the callback offer");
  }

  @Test
  void aRequestStoredWhoseAnswerWasLostIsAnsweredAgainAndTheCallerIsHungUp() throws Exception {
    engine.admin().createQueue(QueueSpec.of("cbr", "cbr").withCallback(new QueueSpec.CallbackSpec("9", 0, false, 2, 60)))
        .toCompletableFuture().get(5, TimeUnit.SECONDS);
    try (TestPhone caller = node.phone("5558801")) {
      OutgoingCall call = caller.call("cbr");
      assertEquals(200, call.awaitFinal().getStatusCode());
      call.useAnswer();
      hearOffer(caller);
      eventually(Duration.ofSeconds(5), "the caller waits", () -> waiting("cbr").size() == 1);
      String callId = waiting("cbr").get(0);
      // The request as the session's first ask stored it; its answer is lost (the session never hears it).
      CallView stored = engine.asks().<CallEntity.Command, CallView>ask(engine.sharding().entityRefFor(CallEntity.ENTITY_KEY, callId),
          r -> new CallEntity.RequestCallback("sip:5558801@127.0.0.1", 2, 60, r)).toCompletableFuture().get(5, TimeUnit.SECONDS);
      assertNotNull(stored.callback());

      caller.rtp.sendDtmf('9');
      caller.rtp.sendDtmf('#');
      boolean hungUp = false;
      for (int i = 0; i < 20 && !hungUp; i++) hungUp = "BYE".equals(caller.events.poll(1, TimeUnit.SECONDS));
      assertEquals(true, hungUp, "the session's ask again is answered as the first: the caller is hung up");
      CallView view = engine.supervisor().call(callId).toCompletableFuture().get(5, TimeUnit.SECONDS);
      assertEquals(CallStatus.QUEUED, view.status(), "the call keeps its place as a callback");
      assertEquals("sip:5558801@127.0.0.1", view.callback().number());
      assertEquals(List.of(callId), waiting("cbr"));
    }
  }
}
