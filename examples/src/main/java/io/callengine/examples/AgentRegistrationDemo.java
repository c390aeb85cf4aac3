package io.callengine.examples;

import static io.callengine.examples.Examples.await;
import static io.callengine.examples.Examples.check;
import static io.callengine.examples.Examples.get;

import io.callengine.core.agent.AgentView;
import io.callengine.core.agent.Presence;
import io.callengine.core.agent.Skill;
import io.callengine.core.api.AdminApi;
import io.callengine.core.api.AgentSpec;
import io.callengine.core.api.CallCenterClient;
import io.callengine.core.api.QueueSpec;
import io.callengine.core.api.SupervisorApi;
import io.callengine.core.queue.QueueConfig;
import java.time.Duration;
import java.util.List;
import javax.sip.message.Response;

/**
 * An agent signs in: an admin creates a queue and two agents with skills, alice's phone registers
 * over real SIP with digest authentication (and a phone with a wrong password is refused), alice
 * says she is available, and the engine's view of her is printed.
 */
public final class AgentRegistrationDemo {
  private AgentRegistrationDemo() {}

  public static void main(String[] args) {
    Examples.run("AgentRegistrationDemo", Duration.ofSeconds(120), AgentRegistrationDemo::demo);
  }

  private static void demo() throws Exception {
    try (ExampleDatabase database = ExampleDatabase.h2InTemporaryDirectory();
        ExampleNode node = ExampleNode.start(database)) {
      System.out.println("engine up: SIP on " + node.sipAddress() + ", database " + database.description());

      AdminApi admin = node.engine().admin();
      get(admin.createQueue(QueueSpec.of("support", "Support")
          .withRequiredSkills(List.of(new QueueConfig.RequiredSkill("english", 2)))));
      System.out.println("admin: queue support created (needs english 2 or more)");
      get(admin.createAgent(AgentSpec.of("alice", "sip:alice@127.0.0.1", "Alice", "alice-pw")
          .withSkills(List.of(new Skill("english", 4), new Skill("billing", 2)))));
      get(admin.createAgent(AgentSpec.of("bob", "sip:bob@127.0.0.1", "Bob", "bob-pw")
          .withSkills(List.of(new Skill("english", 3)))));
      System.out.println("admin: agents alice (english 4, billing 2) and bob (english 3) created");

      try (SipPhone intruder = node.phone("bob", "not-bobs-password", Duration.ZERO);
          SipPhone alicePhone = node.phone("alice", "alice-pw", Duration.ZERO)) {
        Response refused = intruder.register(300);
        System.out.println("a phone with bob's name and a wrong password: REGISTER -> " + refused.getStatusCode());
        check(refused.getStatusCode() == Response.UNAUTHORIZED, "a wrong password gets 401 again");

        Response registered = alicePhone.register(300);
        System.out.println("alice's phone " + alicePhone.contact() + ": REGISTER -> 401 challenge, REGISTER with digest -> "
            + registered.getStatusCode() + " (expires " + SipPhone.expires(registered) + " s)");
        check(registered.getStatusCode() == Response.OK, "alice's phone is registered");

        CallCenterClient alice = node.engine().agent("alice");
        get(alice.updateStatus(Presence.AVAILABLE, null));
        AgentView me = get(alice.me());
        System.out.println("alice " + me.presence() + " (as the engine sees her: activity " + me.activity() + ", registered "
            + me.registered() + " at " + me.contact() + " until " + me.registrationExpiresAt() + ", skills " + skills(me) + ")");
        check(me.presence() == Presence.AVAILABLE && me.registered(), "alice is available and registered");

        SupervisorApi supervisor = node.engine().supervisor();
        await("the Router counts alice available for support", Duration.ofSeconds(10),
            () -> get(supervisor.queueStats()).get(0).availableAgents() == 1);
        SupervisorApi.QueueSummary support = get(supervisor.queueStats()).get(0);
        System.out.println("queue " + support.queueId() + ": " + support.availableAgents() + " agent available, "
            + support.waiting() + " calls waiting");
        AgentView bob = get(admin.getAgent("bob"));
        System.out.println("bob " + bob.presence() + " (registered " + bob.registered() + ")");
      }
    }
  }

  static String skills(AgentView agent) {
    return agent.skills().stream().map(s -> s.name() + " " + s.level()).toList().toString();
  }
}
