package io.callengine.sip;

import static io.callengine.core.testing.TestEngines.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.callengine.core.api.CallCenterEngine;
import io.callengine.core.api.QueueSpec;
import io.callengine.core.call.Disposition;
import io.callengine.core.records.CallRecordFilter;
import io.callengine.sip.testing.OutgoingCall;
import io.callengine.sip.testing.TestPhone;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A caller whose phone sends no RTP is not left as a ghost call: the watchdog ends it and says why. */
class MediaTimeoutTest {
  private static SipTestNode node;
  private static CallCenterEngine engine;
  private static int sipPort;

  @BeforeAll
  static void start() throws Exception {
    node = SipTestNode.start("39000-39099", "callengine.media { quality-interval = 1s, no-rtp-timeout-on-hold = 2s }");
    engine = node.engine();
    sipPort = node.port();
    engine.admin().createQueue(QueueSpec.of("quiet", "Quiet")).toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  @Test
  void aCallWithoutRtpIsEndedAndRecordedWithItsReason() throws Exception {
    try (TestPhone silent = node.phone("5558001")) {
      OutgoingCall call = silent.call("quiet");
      assertEquals(200, call.awaitFinal().getStatusCode());
      eventually(Duration.ofSeconds(8), "the engine hangs up the silent caller", () -> silent.events.contains("BYE"));
      eventually(Duration.ofSeconds(5), "recorded FAILED for media-timeout", () -> engine.supervisor().calls(CallRecordFilter.all())
          .toCompletableFuture().get().stream().anyMatch(r -> r.disposition() == Disposition.FAILED
              && r.endReason() != null && r.endReason().startsWith("media-timeout")));
      eventually(Duration.ofSeconds(5), "nobody waits any more", () -> engine.supervisor().stats().toCompletableFuture().get().queuedCalls() == 0);
    }
  }
}
