package io.callengine.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.callengine.core.agent.Skill;
import io.callengine.core.api.AgentSpec;
import io.callengine.core.testing.ManualClock;
import io.callengine.sip.testing.TestPhone;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.sip.header.WWWAuthenticateHeader;
import javax.sip.message.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The registrar's way from MD5 to SHA-256 over real SIP: a phone registers with the default
 * challenge (MD5 alone); when its nonce is stale it is offered SHA-256 alone; a phone that
 * answers keeps SHA-256, one that cannot comes back and gets MD5 again, for good.
 */
class DigestUpgradeTest {
  private static final Duration PAST_THE_NONCE = Duration.ofSeconds(301);

  private static final ManualClock clock = new ManualClock(Instant.parse("2026-01-05T09:00:00Z"));
  private static SipTestNode node;

  @BeforeAll
  static void start() throws Exception {
    node = SipTestNode.start("39800-39899", "", clock);
    for (String agent : List.of("modern", "legacy")) {
      node.engine().admin().createAgent(AgentSpec.of(agent, "sip:" + agent + "@127.0.0.1", agent, "pw-" + agent)
              .withSkills(List.of(new Skill("english", 3))))
          .toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  @Test
  void aPhoneThatKnowsSha256IsMovedToItWhenItsNonceGoesStale() throws Exception {
    try (TestPhone phone = node.phone("modern")) {
      Response first = phone.registerOnce(600, null);
      assertEquals(List.of("MD5"), algorithms(first));
      String md5 = phone.authorization(first, "pw-modern", "MD5");
      assertEquals(200, phone.registerOnce(600, md5).getStatusCode());

      clock.advance(PAST_THE_NONCE);
      Response stale = phone.registerOnce(600, md5);
      assertEquals(401, stale.getStatusCode(), "the refresh's nonce is stale");
      assertEquals(List.of("SHA-256"), algorithms(stale), "a phone that proved its password is offered SHA-256");
      assertEquals(List.of(true), staleFlags(stale));
      String sha256 = phone.authorization(stale, "pw-modern", "SHA-256");
      assertEquals(200, phone.registerOnce(600, sha256).getStatusCode());

      clock.advance(PAST_THE_NONCE);
      assertEquals(List.of("SHA-256"), algorithms(phone.registerOnce(600, sha256)), "and keeps it");
    }
  }

  @Test
  void aPhoneThatCannotAnswerSha256ComesBackAndStaysOnMd5() throws Exception {
    try (TestPhone phone = node.phone("legacy")) {
      String md5 = phone.authorization(phone.registerOnce(600, null), "pw-legacy", "MD5");
      assertEquals(200, phone.registerOnce(600, md5).getStatusCode());

      clock.advance(PAST_THE_NONCE);
      assertEquals(List.of("SHA-256"), algorithms(phone.registerOnce(600, md5)));
      // What Debian 12's baresip does with a challenge it cannot answer: start over, unauthenticated.
      Response again = phone.registerOnce(600, null);
      assertEquals(List.of("MD5"), algorithms(again));
      md5 = phone.authorization(again, "pw-legacy", "MD5");
      assertEquals(200, phone.registerOnce(600, md5).getStatusCode());

      clock.advance(PAST_THE_NONCE);
      Response stale = phone.registerOnce(600, md5);
      assertEquals(List.of("MD5"), algorithms(stale), "no second try: the phone is known to need MD5");
      assertEquals(List.of(true), staleFlags(stale));
    }
  }

  @Test
  void aWrongPasswordWithAStaleNonceIsNotOfferedTheUpgrade() throws Exception {
    try (TestPhone phone = node.phone("modern")) {
      Response first = phone.registerOnce(600, null);
      clock.advance(PAST_THE_NONCE);
      Response refused = phone.registerOnce(600, phone.authorization(first, "wrong", "MD5"));
      assertEquals(List.of("MD5"), algorithms(refused), "the same challenge as any stranger gets");
      assertEquals(List.of(false), staleFlags(refused));
    }
  }

  private static List<String> algorithms(Response challenge) {
    assertEquals(401, challenge.getStatusCode());
    List<String> algorithms = new ArrayList<>();
    challenge.getHeaders(WWWAuthenticateHeader.NAME)
        .forEachRemaining(h -> algorithms.add(((WWWAuthenticateHeader) h).getAlgorithm()));
    return algorithms;
  }

  private static List<Boolean> staleFlags(Response challenge) {
    List<Boolean> flags = new ArrayList<>();
    challenge.getHeaders(WWWAuthenticateHeader.NAME)
        .forEachRemaining(h -> flags.add("true".equalsIgnoreCase(((WWWAuthenticateHeader) h).getParameter("stale"))));
    return flags;
  }
}
