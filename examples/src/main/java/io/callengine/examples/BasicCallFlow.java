package io.callengine.examples;

import static io.callengine.examples.Examples.await;
import static io.callengine.examples.Examples.check;
import static io.callengine.examples.Examples.get;

import io.callengine.core.agent.Presence;
import io.callengine.core.agent.Skill;
import io.callengine.core.api.AgentSpec;
import io.callengine.core.api.CallCenterEngine;
import io.callengine.core.api.CallCenterListener;
import io.callengine.core.api.QueueSpec;
import io.callengine.core.call.Disposition;
import io.callengine.core.events.CallCenterEvent;
import io.callengine.core.events.CallEnded;
import io.callengine.core.queue.QueueConfig;
import io.callengine.core.records.CallRecord;
import io.callengine.core.records.CallRecordFilter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.sip.message.Response;

/**
 * One customer call from start to end over real SIP and RTP: alice's phone registers and she is
 * available; a customer calls the support queue; the engine answers, queues the call, picks alice
 * by skill and rings her phone, which answers; audio flows both ways through the engine; the
 * customer hangs up. Every public event is printed as it arrives, then the call's record.
 */
public final class BasicCallFlow {
  private BasicCallFlow() {}

  public static void main(String[] args) {
    Examples.run("BasicCallFlow", Duration.ofSeconds(120), BasicCallFlow::demo);
  }

  private static void demo() throws Exception {
    try (ExampleDatabase database = ExampleDatabase.h2InTemporaryDirectory();
        ExampleNode node = ExampleNode.start(database)) {
      CallCenterEngine engine = node.engine();
      System.out.println("engine up: SIP on " + node.sipAddress() + ", database " + database.description());
      get(engine.admin().createQueue(QueueSpec.of("support", "Support")
          .withRequiredSkills(List.of(new QueueConfig.RequiredSkill("english", 2))).withWrapUpSeconds(2)));
      get(engine.admin().createAgent(AgentSpec.of("bob", "sip:bob@127.0.0.1", "Bob", "bob-pw")
          .withSkills(List.of(new Skill("french", 5)))));
      get(engine.admin().createAgent(AgentSpec.of("alice", "sip:alice@127.0.0.1", "Alice", "alice-pw")
          .withSkills(List.of(new Skill("english", 4)))));
      System.out.println("admin: queue support (needs english 2), agents alice (english 4) and bob (french 5)");

      BlockingQueue<CallEnded> ended = new LinkedBlockingQueue<>();
      CallCenterListener printer = new CallCenterListener() {
        @Override
        public void onEvent(CallCenterEvent event) {
          System.out.println("event " + event);
          CallCenterListener.super.onEvent(event);
        }

        @Override
        public void onCallEnded(CallEnded event) {
          ended.add(event);
        }
      };
      try (CallCenterListener.Subscription events = engine.addListener(printer);
          SipPhone alicePhone = node.phone("alice", "alice-pw", Duration.ofMillis(500));
          SipPhone bobPhone = node.phone("bob", "bob-pw", Duration.ZERO);
          SipCaller customer = node.caller("customer1")) {
        check(alicePhone.register(300).getStatusCode() == Response.OK, "alice's phone is registered");
        check(bobPhone.register(300).getStatusCode() == Response.OK, "bob's phone is registered");
        get(engine.agent("alice").updateStatus(Presence.AVAILABLE, null));
        get(engine.agent("bob").updateStatus(Presence.AVAILABLE, null));
        System.out.println("alice and bob registered and AVAILABLE");

        Response answer = customer.call("support");
        System.out.println("customer1: INVITE sip:support -> " + answer.getStatusCode() + " (queued, hold music plays)");
        check(answer.getStatusCode() == Response.OK, "the engine answers the customer");
        check("INVITE".equals(alicePhone.nextEvent(Duration.ofSeconds(10))), "the engine rings alice, who has the skill");
        System.out.println("alice's phone: INVITE from the engine, ringing, answers 500 ms later");
        check("ACK".equals(alicePhone.nextEvent(Duration.ofSeconds(10))), "the engine acknowledges alice's answer");

        await("audio both ways: 50 packets (1 s) of each phone's tone at the other", Duration.ofSeconds(15),
            () -> customer.rtp.heard() >= 50 && alicePhone.rtp.heard() >= 50);
        System.out.printf("RTP customer -> alice: alice's phone got %d packets of the customer's tone%n", alicePhone.rtp.heard());
        System.out.printf("RTP alice -> customer: the customer's phone got %d packets of alice's tone (%d packets in all with the hold music)%n",
            customer.rtp.heard(), customer.rtp.received());
        check(bobPhone.events.isEmpty(), "bob, without the skill, was never rung");

        System.out.println("customer1: BYE -> " + customer.hangUp().getStatusCode());
        check("BYE".equals(alicePhone.nextEvent(Duration.ofSeconds(10))), "the engine hangs up alice's leg");
        System.out.println("alice's phone: BYE from the engine");
        CallEnded end = ended.poll(10, TimeUnit.SECONDS);
        check(end != null, "a call-ended event");

        CallRecord record = awaitRecord(engine, end.callId());
        System.out.println("call record: " + record.callId() + " queue " + record.queueId() + ", agent " + record.agentId()
            + ", caller " + record.caller() + ", disposition " + record.disposition() + ", waited " + record.waitSeconds()
            + " s, talked " + record.talkSeconds() + " s, rang " + record.ringSeconds() + " s");
        check(record.disposition() == Disposition.COMPLETED && "alice".equals(record.agentId()), "the record says COMPLETED with alice");
      }
    }
  }

  /** The call's record once the read side has its end (it follows the journal within a second or so). */
  private static CallRecord awaitRecord(CallCenterEngine engine, String callId) throws Exception {
    await("the call record of " + callId + " with its disposition", Duration.ofSeconds(15),
        () -> get(engine.supervisor().calls(CallRecordFilter.all())).stream()
            .anyMatch(r -> r.callId().equals(callId) && r.disposition() != null));
    return get(engine.supervisor().calls(CallRecordFilter.all())).stream().filter(r -> r.callId().equals(callId)).findFirst().orElseThrow();
  }
}
