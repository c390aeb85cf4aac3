package io.callengine.sip;

import static io.callengine.core.testing.TestEngines.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.callengine.core.api.CallCenterEngine;
import io.callengine.core.api.QueueSpec;
import io.callengine.core.call.Disposition;
import io.callengine.core.records.CallRecord;
import io.callengine.core.records.CallRecordFilter;
import io.callengine.sip.testing.OutgoingCall;
import io.callengine.sip.testing.TestPhone;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A caller who never sends RTP after the answer gives his port back after the first-RTP limit
 * (2 s here), long before the on-hold no-RTP limit (10 min here); a caller who sent audio once
 * is not touched by it.
 */
class FirstRtpTimeoutTest {
  private static SipTestNode node;
  private static CallCenterEngine engine;

  @BeforeAll
  static void start() throws Exception {
    node = SipTestNode.start("41300-41399", "callengine.media { first-rtp-timeout = 2s, no-rtp-timeout-on-hold = 10m }");
    engine = node.engine();
    engine.admin().createQueue(QueueSpec.of("hold", "Hold")).toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  @Test
  void aCallerWhoNeverSendsRtpIsEndedAndItsPortFreedWhileOneWhoDidStays() throws Exception {
    try (TestPhone silent = node.phone("5559001"); TestPhone talking = node.phone("5559002")) {
      OutgoingCall talkingCall = talking.call("hold");
      assertEquals(200, talkingCall.awaitFinal().getStatusCode());
      talkingCall.useAnswer();
      talking.rtp.send("hello"); // one packet is enough: the caller's phone works
      assertEquals(1, node.sip().rtpPortsInUse(), "the waiting caller holds one RTP port");
      OutgoingCall silentCall = silent.call("hold");
      assertEquals(200, silentCall.awaitFinal().getStatusCode());

      eventually(Duration.ofSeconds(8), "the engine hangs up the silent caller", () -> silent.events.contains("BYE"));
      eventually(Duration.ofSeconds(5), "recorded FAILED, saying why", () -> silentRecord().size() == 1);
      assertEquals("media-timeout: no RTP from the caller in the 2 s after the answer", silentRecord().get(0).endReason());
      eventually(Duration.ofSeconds(5), "its RTP port is free again", () -> node.sip().rtpPortsInUse() == 1);
      // Both calls' first-RTP timers have fired by now (the talking call's first).
      assertFalse(talking.events.contains("BYE"), "the caller who sent audio is still waiting, on hold");
      assertEquals(200, talkingCall.hangUp().getStatusCode());
    }
  }

  private static List<CallRecord> silentRecord() throws Exception {
    return engine.supervisor().calls(CallRecordFilter.all()).toCompletableFuture().get().stream()
        .filter(r -> r.caller() != null && r.caller().contains("5559001") && r.disposition() == Disposition.FAILED).toList();
  }
}
