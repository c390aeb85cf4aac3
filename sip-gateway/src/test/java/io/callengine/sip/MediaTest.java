package io.callengine.sip;

import static io.callengine.core.testing.TestEngines.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callengine.core.agent.Activity;
import io.callengine.core.agent.Presence;
import io.callengine.core.api.AgentSpec;
import io.callengine.core.api.CallCenterEngine;
import io.callengine.core.api.QueueSpec;
import io.callengine.core.call.Disposition;
import io.callengine.core.events.CallCenterEvent;
import io.callengine.core.events.DtmfPressed;
import io.callengine.core.events.MediaFlow;
import io.callengine.core.events.MediaQuality;
import io.callengine.core.events.Warning;
import io.callengine.core.policy.IvrMenu;
import io.callengine.core.policy.RoutingPolicy;
import io.callengine.core.policy.RoutingRule;
import io.callengine.core.records.CallRecord;
import io.callengine.core.records.CallRecordFilter;
import io.callengine.core.testing.TestEngines;
import io.callengine.sip.testing.OutgoingCall;
import io.callengine.sip.testing.TestPhone;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Media through the engine over loopback: hold audio, RFC 4733 and SIP INFO keys into the IVR, the exit key, quality in the record. */
class MediaTest {
  private static SipTestNode node;
  private static CallCenterEngine engine;
  private static int sipPort;

  @BeforeAll
  static void start() throws Exception {
    node = SipTestNode.start("38000-38999", "callengine.media.quality-interval = 1s");
    engine = node.engine();
    sipPort = node.port();
    for (String q : List.of("holding", "sales2", "support2", "general2", "exitq", "afterexit", "talk", "announcing")) {
      QueueSpec spec = QueueSpec.of(q, q);
      if (q.equals("exitq")) spec = spec.withLimits(null, null, "afterexit").withCallerOptions("0", null);
      if (q.equals("announcing")) spec = spec.withCallerOptions(null, 2);
      engine.admin().createQueue(spec).toCompletableFuture().get(5, TimeUnit.SECONDS);
    }
    engine.admin().createPolicy(new RoutingPolicy("menu", "Main menu", 1, List.of(
            new RoutingRule("menu", null, null, "1", "sales2", null, null),
            new RoutingRule("menu", null, null, "2", "support2", null, null),
            new RoutingRule("menu", null, null, null, "general2", null, null)), "UTC", new IvrMenu(null, 1, 3, 1)))
        .toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  private static TestPhone customer(String number) throws Exception {
    return node.phone(number);
  }

  /** The stream, not its pacing: bench/hold-audio-pacing.sh measures the 20 ms on a quiet machine. */
  @Test
  void aQueuedCallerHearsHoldMusicAsOneStreamOf20MsFrames() throws Exception {
    try (TestPhone caller = customer("5557001")) {
      OutgoingCall call = caller.call("holding");
      assertEquals(200, call.awaitFinal().getStatusCode());
      List<byte[]> packets = new ArrayList<>();
      while (packets.size() < 100) {
        byte[] packet = caller.rtp.receivePacket(5000);
        assertNotNull(packet, "hold music stopped after " + packets.size() + " packets");
        packets.add(packet);
      }
      int firstSeq = sequence(packets.get(0));
      for (int i = 1; i < packets.size(); i++) {
        assertEquals((firstSeq + i) & 0xffff, sequence(packets.get(i)), "consecutive sequence numbers");
        assertEquals(160L * i, timestamp(packets.get(i)) - timestamp(packets.get(0)), "timestamps advance 160 per frame");
        assertEquals(0, packets.get(i)[1] & 0x7f, "PCMU, as negotiated");
      }
      assertEquals(172, packets.get(0).length, "12-byte header and 160 bytes of audio");
      call.hangUp();
    }
  }

  @Test
  void aWaitingCallerHearsHisPlaceInLineEveryFewSeconds() throws Exception {
    try (TestPhone caller = customer("5557010")) {
      OutgoingCall call = caller.call("announcing");
      assertEquals(200, call.awaitFinal().getStatusCode());
      // The music, then an announcement: a new talk spurt, with the marker bit. The queue announces every 2 s,
      // 100 packets of hold audio; 1,000 packets (20 s of audio) bound the wait.
      int talkSpurts = 0;
      for (int packets = 0; talkSpurts < 2 && packets < 1_000; packets++) {
        byte[] packet = caller.rtp.receivePacket(5000);
        assertNotNull(packet, "hold audio stopped after " + packets + " packets");
        if ((packet[1] & 0x80) != 0) talkSpurts++;
      }
      assertEquals(2, talkSpurts, "the music, then an announcement (a new talk spurt with the marker bit)");
      call.hangUp();
    }
  }

  @Test
  void rfc4733KeysChooseTheQueueInTheIvrMenu() throws Exception {
    try (TestPhone caller = customer("5557002")) {
      OutgoingCall call = caller.call("menu");
      assertEquals(200, call.awaitFinal().getStatusCode(), "answered at once for the menu");
      call.useAnswer();
      caller.rtp.sendDtmf('2'); // the engine listens for keys before it answers
      eventually(Duration.ofSeconds(8), "key 2 routes the caller to support2", () -> waiting("support2") == 1);
      call.hangUp();
      eventually(Duration.ofSeconds(5), "the key is in the call record",
          () -> records("5557002").stream().anyMatch(r -> "2".equals(r.dtmf()) && "support2".equals(r.queueId())));
    }
  }

  @Test
  void sipInfoKeysChooseTheQueueToo() throws Exception {
    try (TestPhone caller = customer("5557003")) {
      OutgoingCall call = caller.call("menu");
      assertEquals(200, call.awaitFinal().getStatusCode());
      assertEquals(200, call.info("dtmf-relay", "Signal=1\r\nDuration=160\r\n").getStatusCode());
      eventually(Duration.ofSeconds(8), "key 1 routes the caller to sales2", () -> waiting("sales2") == 1);
      call.hangUp();
    }
  }

  @Test
  void noChoiceAfterTheRetriesTakesTheDefaultRule() throws Exception {
    try (TestPhone caller = customer("5557004")) {
      OutgoingCall call = caller.call("menu");
      assertEquals(200, call.awaitFinal().getStatusCode());
      eventually(Duration.ofSeconds(25), "silence twice: the default queue", () -> waiting("general2") == 1);
      call.hangUp();
    }
  }

  @Test
  void theExitKeyTakesAWaitingCallerToTheOverflowQueue() throws Exception {
    try (TestPhone caller = customer("5557005")) {
      OutgoingCall call = caller.call("exitq");
      assertEquals(200, call.awaitFinal().getStatusCode());
      call.useAnswer();
      eventually(Duration.ofSeconds(5), "waiting in exitq", () -> waiting("exitq") == 1);
      TestProbe<CallCenterEvent> events = TestProbe.create(engine.system());
      TestEngines.subscribe(engine, events.ref());
      caller.rtp.sendDtmf('0');
      events.fishForMessage(Duration.ofSeconds(5), e -> e instanceof DtmfPressed d && d.digit().equals("0")
          ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore());
      eventually(Duration.ofSeconds(5), "the exit key moves him on", () -> waiting("afterexit") == 1 && waiting("exitq") == 0);
      call.hangUp();
    }
  }

  @Test
  void aBridgedCallsQualityIsPublishedAndSummarisedInItsRecord() throws Exception {
    TestProbe<CallCenterEvent> events = TestProbe.create(engine.system());
    TestEngines.subscribe(engine, events.ref());
    engine.admin().createAgent(AgentSpec.of("tess", "sip:tess@127.0.0.1", "Tess", "pw-tess").withQueues(List.of("talk")))
        .toCompletableFuture().get(5, TimeUnit.SECONDS);
    try (TestPhone tess = node.phone("tess"); TestPhone caller = customer("5557006")) {
      assertEquals(200, tess.register("pw-tess", 300, "MD5"));
      engine.agent("tess").updateStatus(Presence.AVAILABLE, null).toCompletableFuture().get(5, TimeUnit.SECONDS);
      OutgoingCall call = caller.call("talk");
      assertEquals(200, call.awaitFinal().getStatusCode());
      call.useAnswer();
      eventually(Duration.ofSeconds(8), "tess answers", () -> engine.admin().getAgent("tess").toCompletableFuture().get().activity() == Activity.ON_CALL);
      for (int i = 0; i < 200; i++) { // 4 s of audio both ways at 50 packets a second; a quarter of tess's is lost
        caller.rtp.send("c" + i);
        if (i % 4 == 0) tess.rtp.lose();
        else tess.rtp.send("a" + i);
        Thread.sleep(20);
      }
      // Fished in the order they come: audio starts, the clean leg is measured, the lossy one is warned about.
      events.fishForMessage(Duration.ofSeconds(10), e -> e instanceof MediaFlow f && f.leg().equals("customer") && f.flowing()
          ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore());
      events.fishForMessage(Duration.ofSeconds(10), e -> e instanceof MediaQuality q && q.leg().equals("customer") && q.mos() > 4.0
          ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore());
      events.fishForMessage(Duration.ofSeconds(10), e -> e instanceof Warning w && w.code().equals("low-mos")
          ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore());
      call.hangUp();
      eventually(Duration.ofSeconds(5), "the record has the average and the worst MOS", () -> records("5557006").stream()
          .anyMatch(r -> r.disposition() == Disposition.COMPLETED && r.mos() != null && r.worstMos() != null
              && r.worstMos() < 3.1 && r.lossPercent() != null && r.lossPercent() > 15));
    }
  }

  private static int waiting(String queue) throws Exception {
    return engine.supervisor().waitingCalls(queue).toCompletableFuture().get(5, TimeUnit.SECONDS).size();
  }

  private static List<CallRecord> records(String caller) throws Exception {
    return engine.supervisor().calls(CallRecordFilter.all()).toCompletableFuture().get(5, TimeUnit.SECONDS).stream()
        .filter(r -> r.caller().contains(":" + caller + "@")).toList();
  }

  private static int sequence(byte[] packet) {
    return ByteBuffer.wrap(packet).getShort(2) & 0xffff;
  }

  private static long timestamp(byte[] packet) {
    return ByteBuffer.wrap(packet).getInt(4) & 0xffffffffL;
  }
}
