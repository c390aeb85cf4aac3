package io.callengine.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callengine.core.agent.AgentView;
import io.callengine.core.api.AgentSpec;
import io.callengine.sip.testing.TestPhone;
import java.util.concurrent.TimeUnit;
import javax.sip.message.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A captured REGISTER sent again from another socket cannot move or remove the agent's binding:
 * the agent keeps the nonce count of the last answer it accepted (RFC 7616 3.4), on any node.
 * And an answer computed for another Request-URI is refused.
 */
class RegisterReplayTest {
  private static SipTestNode node;

  @BeforeAll
  static void start() throws Exception {
    node = SipTestNode.start("39900-39949", "");
    node.engine().admin().createAgent(AgentSpec.of("alice", "sip:alice@127.0.0.1", "Alice", "pw-alice"))
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  @Test
  void aReplayedAnswerFromAnotherSocketGets401AndChangesNothing() throws Exception {
    try (TestPhone alice = node.phone("alice"); TestPhone mallory = node.phone("alice")) {
      Response challenge = alice.registerOnce(600, null);
      String captured = alice.authorization(challenge, "pw-alice", "MD5");
      assertEquals(200, alice.registerOnce(600, captured).getStatusCode());

      assertEquals(401, mallory.registerOnce(600, captured).getStatusCode(), "another Contact with the same answer");
      assertEquals(401, mallory.registerOnce(0, captured).getStatusCode(), "an unregister with the same answer");
      assertEquals(alice.contact(), agent().contact(), "the binding is alice's phone's, as before");
      assertTrue(agent().registered());

      String next = alice.authorization(challenge, "pw-alice", "MD5", 2);
      assertEquals(200, alice.registerOnce(600, next).getStatusCode(), "the phone's own next request on the nonce");
    }
  }

  @Test
  void anAnswerForAnotherRequestUriGets400() throws Exception {
    try (TestPhone alice = node.phone("alice")) {
      String answer = alice.authorization(alice.registerOnce(600, null), "pw-alice", "MD5");
      String forElsewhere = answer.replace("uri=\"sip:127.0.0.1:" + node.port() + "\"", "uri=\"sip:elsewhere.example.com\"");
      assertTrue(!forElsewhere.equals(answer));
      assertEquals(400, alice.registerOnce(600, forElsewhere).getStatusCode());
    }
  }

  private static AgentView agent() throws Exception {
    return node.engine().admin().getAgent("alice").toCompletableFuture().get(5, TimeUnit.SECONDS);
  }
}
