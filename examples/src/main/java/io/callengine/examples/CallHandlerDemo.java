package io.callengine.examples;

import static io.callengine.examples.Examples.await;
import static io.callengine.examples.Examples.check;
import static io.callengine.examples.Examples.get;

import io.callengine.core.agent.Presence;
import io.callengine.core.agent.Skill;
import io.callengine.core.api.AgentSpec;
import io.callengine.core.api.CallCenterEngine;
import io.callengine.core.api.CallDecision;
import io.callengine.core.api.CallHandler;
import io.callengine.core.api.IncomingCall;
import io.callengine.core.api.QueueSpec;
import io.callengine.core.call.Disposition;
import io.callengine.core.queue.QueueConfig;
import io.callengine.core.records.CallRecord;
import io.callengine.core.records.CallRecordFilter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import javax.sip.message.Response;

/**
 * An embedding service decides where each call goes: a {@link CallHandler} looks the caller up in
 * its "CRM" (a switch here) and blocks mallory with 603, sends the VIP anna to support at the
 * front of the line with German required, and fails for everyone else, as a CRM that is down
 * would; the routing policies then route the call as without a handler (to the dialed queue).
 */
public final class CallHandlerDemo {
  private CallHandlerDemo() {}

  public static void main(String[] args) {
    Examples.run("CallHandlerDemo", Duration.ofSeconds(120), CallHandlerDemo::demo);
  }

  /** What the service answers for each call; it must not block (the engine's thread runs it). */
  private static CompletionStage<CallDecision> crm(IncomingCall call) {
    System.out.println("handler: call " + call.callId() + " from " + call.caller() + " to " + call.dialed());
    return switch (call.caller()) {
      case "sip:mallory@127.0.0.1" -> CompletableFuture.completedFuture(new CallDecision.Reject(603, "Account blocked"));
      case "sip:vip-anna@127.0.0.1" -> CompletableFuture.completedFuture(
          new CallDecision.ToQueue("support", 50, List.of(new QueueConfig.RequiredSkill("german", 3))));
      default -> CompletableFuture.failedFuture(new IllegalStateException("the CRM is down"));
    };
  }

  private static void demo() throws Exception {
    try (ExampleDatabase database = ExampleDatabase.h2InTemporaryDirectory();
        ExampleNode node = ExampleNode.start(database)) {
      CallCenterEngine engine = node.engine();
      get(engine.admin().createQueue(QueueSpec.of("support", "Support")
          .withRequiredSkills(List.of(new QueueConfig.RequiredSkill("english", 2))).withWrapUpSeconds(1)));
      get(engine.admin().createAgent(AgentSpec.of("alice", "sip:alice@127.0.0.1", "Alice", "alice-pw")
          .withSkills(List.of(new Skill("english", 4)))));
      get(engine.admin().createAgent(AgentSpec.of("bruno", "sip:bruno@127.0.0.1", "Bruno", "bruno-pw")
          .withSkills(List.of(new Skill("english", 4), new Skill("german", 4)))));
      System.out.println("admin: queue support (needs english 2), agents alice (english) and bruno (english, german)");

      try (CallHandler.Registration handler = engine.registerCallHandler(CallHandlerDemo::crm);
          SipPhone alicePhone = node.phone("alice", "alice-pw", Duration.ofMillis(200));
          SipPhone brunoPhone = node.phone("bruno", "bruno-pw", Duration.ofMillis(200))) {
        get(handler.whenActive());
        System.out.println("call handler registered");
        check(alicePhone.register(300).getStatusCode() == Response.OK, "alice's phone is registered");
        check(brunoPhone.register(300).getStatusCode() == Response.OK, "bruno's phone is registered");
        get(engine.agent("alice").updateStatus(Presence.AVAILABLE, null));
        get(engine.agent("bruno").updateStatus(Presence.AVAILABLE, null));

        try (SipCaller mallory = node.caller("mallory")) {
          Response refused = mallory.call("support");
          System.out.println("mallory: INVITE sip:support -> " + refused.getStatusCode() + " " + refused.getReasonPhrase());
          check(refused.getStatusCode() == 603 && "Account blocked".equals(refused.getReasonPhrase()), "the handler's rejection");
        }
        CallRecord anna = talk(node, "vip-anna", brunoPhone);
        System.out.println("vip-anna: answered by " + anna.agentId() + " (german), " + anna.disposition());
        check("bruno".equals(anna.agentId()) && anna.disposition() == Disposition.COMPLETED, "the VIP reached the German speaker");
        CallRecord other = talk(node, "customer1", null);
        System.out.println("customer1: the handler failed, the policies sent the call to " + other.queueId()
            + ", answered by " + other.agentId() + ", " + other.disposition());
        check("support".equals(other.queueId()) && other.disposition() == Disposition.COMPLETED, "the policies' route");
      }
    }
  }

  /** A call to support that an agent answers; the caller hangs up after a second of their voice; its record. */
  private static CallRecord talk(ExampleNode node, String caller, SipPhone expectedPhone) throws Exception {
    try (SipCaller customer = node.caller(caller)) {
      check(customer.call("support").getStatusCode() == Response.OK, caller + " is answered and queued");
      await(caller + " hears an agent", Duration.ofSeconds(15), () -> customer.rtp.heard() >= 50);
      if (expectedPhone != null) await(caller + "'s voice reaches the agent", Duration.ofSeconds(15), () -> expectedPhone.rtp.heard() >= 50);
      customer.hangUp();
    }
    CallCenterEngine engine = node.engine();
    String from = "sip:" + caller + "@127.0.0.1";
    await("the record of " + caller + "'s call", Duration.ofSeconds(15), () -> get(engine.supervisor().calls(CallRecordFilter.all()))
        .stream().anyMatch(r -> from.equals(r.caller()) && r.disposition() != null));
    return get(engine.supervisor().calls(CallRecordFilter.all())).stream()
        .filter(r -> from.equals(r.caller())).findFirst().orElseThrow();
  }
}
