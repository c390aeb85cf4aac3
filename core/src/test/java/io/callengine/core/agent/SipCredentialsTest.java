package io.callengine.core.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.callengine.core.testing.EntityTestConfig;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.jackson.JacksonCborSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class SipCredentialsTest {
  private static final ActorTestKit testKit = ActorTestKit.create(EntityTestConfig.config());

  // RFC 2617 section 3.5. The SHA-256 value comes from
  // `printf 'Mufasa:testrealm@host.com:Circle Of Life' | sha256sum`.
  private static final String MD5_HA1 = "939e7578ed9e3c518a452acee763bce9";
  private static final String SHA256_HA1 =
      "3ba6cd94661c5ef34598040c868f13b8775df29109986be50ad35ae537dd3aa4";

  @Test
  void derivesHa1FromTheRfc2617Example() {
    SipCredentials credentials =
        SipCredentials.derive("Mufasa", "testrealm@host.com", "Circle Of Life");

    assertEquals("Mufasa", credentials.user());
    assertEquals("testrealm@host.com", credentials.realm());
    assertEquals(MD5_HA1, credentials.ha1Md5());
    assertEquals(SHA256_HA1, credentials.ha1Sha256());
  }

  @Test
  void realmIsPartOfTheSecret() {
    SipCredentials a = SipCredentials.derive("Mufasa", "testrealm@host.com", "Circle Of Life");
    SipCredentials b = SipCredentials.derive("Mufasa", "other.example.com", "Circle Of Life");

    assertNotEquals(a.ha1Md5(), b.ha1Md5());
    assertNotEquals(a.ha1Sha256(), b.ha1Sha256());
  }

  @Test
  void toStringDoesNotRevealTheHashes() {
    String text =
        SipCredentials.derive("Mufasa", "testrealm@host.com", "Circle Of Life").toString();

    assertFalse(text.contains(MD5_HA1));
    assertFalse(text.contains(SHA256_HA1));
  }

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  @Test
  void crossesNodesAsCbor() {
    // The reply to AgentEntity.GetCredentials goes to whichever node took the REGISTER.
    SipCredentials credentials = SipCredentials.derive("Mufasa", "testrealm@host.com", "Circle Of Life");

    assertEquals(JacksonCborSerializer.class,
        SerializationExtension.get(testKit.system().classicSystem()).findSerializerFor(credentials).getClass());
    assertEquals(credentials, testKit.serializationTestKit().verifySerialization(credentials, true));
  }

  @Test
  void jsonHoldsExactlyTheFourComponentsAndRoundTrips() throws Exception {
    ObjectMapper mapper = new ObjectMapper();
    SipCredentials credentials =
        SipCredentials.derive("Mufasa", "testrealm@host.com", "Circle Of Life");

    String json = mapper.writeValueAsString(credentials);

    assertEquals(4, mapper.readTree(json).size(), json);
    assertFalse(json.contains("Circle Of Life"));
    assertEquals(credentials, mapper.readValue(json, SipCredentials.class));
  }
}
