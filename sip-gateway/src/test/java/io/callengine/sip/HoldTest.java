package io.callengine.sip;

import static io.callengine.core.testing.TestEngines.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callengine.core.EngineException;
import io.callengine.core.Refusal;
import io.callengine.core.agent.Activity;
import io.callengine.core.agent.Presence;
import io.callengine.core.api.AgentSpec;
import io.callengine.core.api.CallCenterEngine;
import io.callengine.core.api.QueueSpec;
import io.callengine.core.call.HoldView;
import io.callengine.core.events.CallCenterEvent;
import io.callengine.core.events.CallHeld;
import io.callengine.core.events.CallResumed;
import io.callengine.core.readside.AgentHistoryReport;
import io.callengine.core.records.CallRecord;
import io.callengine.core.records.CallRecordFilter;
import io.callengine.core.statistics.Figures;
import io.callengine.core.testing.ManualClock;
import io.callengine.core.testing.TestEngines;
import io.callengine.sip.media.HoldMusicFrames;
import io.callengine.sip.testing.OutgoingCall;
import io.callengine.sip.testing.TestPhone;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.sip.message.Response;
import org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Hold and resume over loopback: from the agent's phone (re-INVITE sendonly/inactive, then
 * sendrecv) and through the agent's client, with what the customer hears checked by content
 * (the hold music's frames, not the agent's audio), and the hold time in the call's record, the
 * agent's history and the metrics. The engine's clock stands still unless a test moves it, so
 * the hold seconds are exact.
 */
class HoldTest {
  private static final ManualClock clock = new ManualClock(Instant.parse("2026-03-02T10:00:00Z"));
  private static final List<String> AGENTS = List.of("hana", "hugo", "hedy", "hank", "hera", "hope", "hugh");
  private static SipTestNode node;
  private static CallCenterEngine engine;
  private static Set<String> music;

  @BeforeAll
  static void start() throws Exception {
    node = SipTestNode.start("43000-43079", "", clock);
    engine = node.engine();
    music = HoldMusicFrames.pcmu();
    for (String agent : AGENTS) {
      engine.admin().createQueue(QueueSpec.of("q-" + agent, "q-" + agent)).toCompletableFuture().get(5, TimeUnit.SECONDS);
      engine.admin().createAgent(AgentSpec.of(agent, "sip:" + agent + "@127.0.0.1", agent, "pw-" + agent)
          .withQueues(List.of("q-" + agent))).toCompletableFuture().get(5, TimeUnit.SECONDS);
    }
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  /** An agent's phone and a customer's, connected through the engine. */
  private record Connected(TestPhone agent, TestPhone customer, OutgoingCall call, String callId) implements AutoCloseable {
    @Override
    public void close() {
      agent.close();
      customer.close();
    }
  }

  private static Connected connect(String agentId, String caller) throws Exception {
    TestPhone agent = node.phone(agentId);
    TestPhone customer = node.phone(caller);
    assertEquals(200, agent.register("pw-" + agentId, 300, "MD5"));
    engine.agent(agentId).updateStatus(Presence.AVAILABLE, null).toCompletableFuture().get(5, TimeUnit.SECONDS);
    OutgoingCall call = customer.call("q-" + agentId);
    assertEquals(200, call.awaitFinal().getStatusCode());
    call.useAnswer();
    eventually(Duration.ofSeconds(10), agentId + " answers", () -> activity(agentId) == Activity.ON_CALL);
    String[] callId = new String[1];
    eventually(Duration.ofSeconds(5), "the call's record names " + agentId, () -> {
      callId[0] = records(caller).stream().filter(r -> agentId.equals(r.agentId())).map(CallRecord::callId).findFirst().orElse(null);
      return callId[0] != null;
    });
    Connected connected = new Connected(agent, customer, call, callId[0]);
    assertTrue(agent.rtp.sendUntilHeard("agent-hello", customer.rtp, 300), "the customer hears the agent once connected");
    return connected;
  }

  @Test
  void theAgentsPhoneHoldsWithSendonlyOrInactiveAndResumesWithSendrecv() throws Exception {
    TestProbe<CallCenterEvent> events = TestProbe.create(engine.system());
    TestEngines.subscribe(engine, events.ref());
    try (Connected c = connect("hana", "5558001")) {
      Response held = c.agent().reInviteIncoming("sendonly");
      assertEquals(200, held.getStatusCode());
      assertTrue(body(held).contains("a=recvonly"), "sendonly is answered recvonly: " + body(held));
      assertEquals(c.agent().rtp.remote().getPort(), audioPort(body(held)), "the answer keeps the agent leg's port");
      assertHearsHoldMusic(c);
      events.fishForMessage(Duration.ofSeconds(5), e -> e instanceof CallHeld h && h.callId().equals(c.callId()) && h.fromPhone()
          ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore());
      assertTrue(view(c).onHold(), "the call is on hold");
      eventually(Duration.ofSeconds(5), "the call's record says so",
          () -> records("5558001").stream().anyMatch(r -> r.onHold() && r.holds() == 1));

      clock.advance(Duration.ofSeconds(7));
      Response refresh = c.agent().reInviteIncoming("sendonly");
      assertTrue(body(refresh).contains("a=recvonly"), "the same direction again is a refresh, answered the same");
      Response resumed = c.agent().reInviteIncoming("sendrecv");
      assertEquals(200, resumed.getStatusCode());
      assertTrue(body(resumed).contains("a=sendrecv"), body(resumed));
      assertTrue(c.agent().rtp.sendUntilHeard("agent-back", c.customer().rtp, 300), "the customer hears the agent again");
      events.fishForMessage(Duration.ofSeconds(5), e -> e instanceof CallResumed r && r.callId().equals(c.callId())
          ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore());
      eventually(Duration.ofSeconds(5), "the resume is recorded", () -> !view(c).onHold());

      Response inactive = c.agent().reInviteIncoming("inactive");
      assertTrue(body(inactive).contains("a=inactive"), "inactive is answered inactive: " + body(inactive));
      assertHearsHoldMusic(c);
      eventually(Duration.ofSeconds(5), "the second hold is recorded", () -> view(c).onHold());
      clock.advance(Duration.ofSeconds(3));
      assertEquals(200, c.agent().reInviteIncoming("sendrecv").getStatusCode());
      assertTrue(c.agent().rtp.sendUntilHeard("agent-again", c.customer().rtp, 300));
      eventually(Duration.ofSeconds(5), "the second resume is recorded", () -> !view(c).onHold());
      c.call().hangUp();
      eventually(Duration.ofSeconds(5), "two holds of 10 s in all in the record",
          () -> records("5558001").stream().anyMatch(r -> r.holds() == 2 && r.holdSeconds() == 10 && r.endedAt() != null));
    }
  }

  @Test
  void theAgentHoldsAndResumesThroughItsClientAndThePhoneIsReInvited() throws Exception {
    try (Connected c = connect("hugo", "5558002")) {
      HoldView held = await(engine.agent("hugo").hold(c.callId()));
      assertTrue(held.onHold());
      String offer = c.agent().reInviteOffers.poll(5, TimeUnit.SECONDS);
      assertNotNull(offer, "the agent's phone gets a re-INVITE");
      assertTrue(offer.contains("a=sendonly"), "the engine holds the phone with sendonly: " + offer);
      assertHearsHoldMusic(c);
      assertEquals(Refusal.CONFLICT, refusal(engine.agent("hugo").hold(c.callId())), "holding twice: 409");
      assertEquals(Refusal.NOT_FOUND, refusal(engine.agent("hana").hold(c.callId())), "another agent's call: 404");
      assertEquals(Refusal.NOT_FOUND, refusal(engine.agent("hugo").hold("no-such-call")), "an unknown call: 404");

      clock.advance(Duration.ofSeconds(5));
      HoldView resumed = await(engine.agent("hugo").resume(c.callId()));
      assertFalse(resumed.onHold());
      assertEquals(5, resumed.holdSeconds());
      String back = c.agent().reInviteOffers.poll(5, TimeUnit.SECONDS);
      assertNotNull(back, "the phone is re-INVITEd to resume");
      assertTrue(back.contains("a=sendrecv"), back);
      assertTrue(c.agent().rtp.sendUntilHeard("agent-resumed", c.customer().rtp, 300), "the customer hears the agent again");
      assertEquals(Refusal.CONFLICT, refusal(engine.agent("hugo").resume(c.callId())), "resuming a call not on hold: 409");
      c.call().hangUp();
      eventually(Duration.ofSeconds(5), "the call has ended", () -> view(c).endedAt() != null);
      assertEquals(Refusal.CONFLICT, refusal(engine.agent("hugo").hold(c.callId())), "a call no longer connected: 409");
    }
  }

  @Test
  void aPhoneThatAnswers491IsReInvitedOnceMore() throws Exception {
    try (Connected c = connect("hedy", "5558003")) {
      c.agent().reInvitesToRefuseAsPending.set(1);
      await(engine.agent("hedy").hold(c.callId()));
      String first = c.agent().reInviteOffers.poll(5, TimeUnit.SECONDS);
      String again = c.agent().reInviteOffers.poll(10, TimeUnit.SECONDS);
      assertNotNull(first);
      assertNotNull(again, "after the 491 the engine sends its re-INVITE once more");
      assertTrue(again.contains("a=sendonly"));
      assertHearsHoldMusic(c);
      c.call().hangUp();
    }
  }

  @Test
  void aResumeAskedWhileTheHoldWaitsForItsRetryGoesInItsPlace() throws Exception {
    try (Connected c = connect("hugh", "5558007")) {
      c.agent().reInvitesToRefuseAsPending.set(1);
      await(engine.agent("hugh").hold(c.callId()));
      String refused = c.agent().reInviteOffers.poll(5, TimeUnit.SECONDS);
      assertNotNull(refused);
      assertTrue(refused.contains("a=sendonly"), refused);
      assertFalse(await(engine.agent("hugh").resume(c.callId())).onHold());
      String next = c.agent().reInviteOffers.poll(10, TimeUnit.SECONDS);
      assertNotNull(next, "one re-INVITE after the 491's pause");
      assertTrue(next.contains("a=sendrecv"), "the latest offer, the resume, goes: " + next);
      assertTrue(c.agent().rtp.sendUntilHeard("hugh-talks", c.customer().rtp, 300), "the customer hears the agent");
      c.call().hangUp();
    }
  }

  @Test
  void aPhoneReInviteThatCrossesTheEnginesOwnGets491() throws Exception {
    try (Connected c = connect("hope", "5558006")) {
      c.agent().reInvitesToAnswer.set(0); // the engine's re-INVITE gets a 180 and stays pending
      await(engine.agent("hope").hold(c.callId()));
      assertNotNull(c.agent().reInviteOffers.poll(5, TimeUnit.SECONDS), "the engine's re-INVITE reached the phone");
      assertEquals(491, c.agent().reInviteIncoming("sendrecv").getStatusCode(), "glare: the phone is to try again later");
      assertHearsHoldMusic(c);
      c.call().hangUp();
    }
  }

  @Test
  void aCallThatEndsOnHoldCountsTheHoldUpToItsEndInRecordHistoryAndMetrics() throws Exception {
    Instant from = clock.instant().minus(Duration.ofHours(1));
    try (Connected c = connect("hank", "5558004")) {
      await(engine.agent("hank").hold(c.callId()));
      clock.advance(Duration.ofSeconds(4));
      c.call().hangUp();
      eventually(Duration.ofSeconds(5), "the record counts the hold up to the end",
          () -> records("5558004").stream().anyMatch(r -> r.holds() == 1 && r.holdSeconds() == 4 && r.endedAt() != null));
      Instant to = clock.instant().plus(Duration.ofHours(1));
      eventually(Duration.ofSeconds(5), "the agent's history has the hold time", () -> {
        AgentHistoryReport history = await(engine.supervisor().getAgentHistory("hank", from, to));
        return history.callsHandled() == 1 && history.holdSeconds() == 4;
      });
      eventually(Duration.ofSeconds(5), "the queue's metrics have the average hold time", () -> {
        Figures figures = await(engine.supervisor().getPerformanceMetrics(from, to, "q-hank", null)).figures();
        return figures.held() == 1 && Double.valueOf(4.0).equals(figures.averageHoldSeconds());
      });
    }
  }

  @Test
  void aCustomerWhoHoldsTheEngineGetsTheMirroredDirection() throws Exception {
    try (Connected c = connect("hera", "5558005")) {
      Response sendonly = c.call().reInvite("sendonly");
      assertEquals(200, sendonly.getStatusCode());
      assertTrue(body(sendonly).contains("a=recvonly"), body(sendonly));
      assertEquals(c.customer().rtp.remote().getPort(), audioPort(body(sendonly)), "the answer keeps the customer leg's port");
      assertTrue(body(c.call().reInvite("inactive")).contains("a=inactive"));
      assertTrue(body(c.call().reInvite("sendrecv")).contains("a=sendrecv"));
      assertFalse(view(c).onHold(), "the customer's hold is not the agent's");
      assertTrue(c.agent().rtp.sendUntilHeard("agent-still", c.customer().rtp, 300), "the audio still flows");
      c.call().hangUp();
    }
  }

  /** 50 frames of the hold music in a row reach the customer while the agent keeps talking, and nothing of the agent's once it started. */
  private static void assertHearsHoldMusic(Connected c) throws Exception {
    int musicInARow = 0;
    for (int packets = 0; packets < 500 && musicInARow < 50; packets++) {
      c.agent().rtp.send("agent-talking");
      byte[] packet = c.customer().rtp.receivePacket(2000);
      assertNotNull(packet, "the customer hears something on hold");
      String payload = HexFormat.of().formatHex(Arrays.copyOfRange(packet, 12, packet.length));
      if (music.contains(payload)) musicInARow++;
      else assertEquals(0, musicInARow, "once the music plays nothing else reaches the customer: "
          + new String(packet, 12, packet.length - 12, StandardCharsets.UTF_8));
    }
    assertEquals(50, musicInARow, "the customer hears the hold music");
  }

  private static String body(Response response) {
    return new String(response.getRawContent(), StandardCharsets.UTF_8);
  }

  private static int audioPort(String sdp) {
    return Integer.parseInt(sdp.lines().filter(l -> l.startsWith("m=audio ")).findFirst().orElseThrow().split(" ")[1]);
  }

  private static io.callengine.core.call.CallView view(Connected c) throws Exception {
    return await(engine.supervisor().call(c.callId()));
  }

  private static Activity activity(String agentId) throws Exception {
    return await(engine.admin().getAgent(agentId)).activity();
  }

  private static List<CallRecord> records(String caller) throws Exception {
    return await(engine.supervisor().calls(CallRecordFilter.all())).stream()
        .filter(r -> r.caller().contains(":" + caller + "@")).toList();
  }

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  private static Refusal refusal(CompletionStage<?> stage) {
    ExecutionException e = assertThrows(ExecutionException.class, () -> await(stage));
    return ((EngineException) e.getCause()).refusal();
  }
}
