package io.callengine.sip.registrar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class DigestCredentialsTest {

  private static final String TYPICAL = "Digest username=\"alice\", realm=\"example.com\", "
      + "nonce=\"abc\", uri=\"sip:example.com\", response=\"0123abcd\", algorithm=SHA-256, "
      + "cnonce=\"xyz\", qop=auth, nc=00000001, opaque=\"op\"";

  @Test
  void readsEveryParameter() {
    DigestCredentials c = DigestCredentials.parse(TYPICAL).orElseThrow();

    assertEquals(new DigestCredentials("alice", "example.com", "abc", "sip:example.com",
        "0123abcd", "SHA-256", "xyz", "auth", "00000001", "op"), c);
  }

  @Test
  void optionalParametersAreNullWhenAbsent() {
    DigestCredentials c = DigestCredentials.parse(
        "Digest username=\"bob\",realm=\"r\",nonce=\"n\",uri=\"sip:r\",response=\"f00\"")
        .orElseThrow();

    assertNull(c.algorithm());
    assertNull(c.qop());
    assertNull(c.cnonce());
    assertNull(c.nc());
    assertNull(c.opaque());
  }

  @ParameterizedTest
  @ValueSource(strings = {"digest", "DIGEST", "Digest", "dIgEsT"})
  void schemeIsCaseInsensitive(String scheme) {
    assertTrue(DigestCredentials.parse(TYPICAL.replace("Digest", scheme)).isPresent());
  }

  @Test
  void parameterNamesAreCaseInsensitive() {
    DigestCredentials c = DigestCredentials.parse(
        "Digest USERNAME=\"bob\", Realm=\"r\", NONCE=\"n\", Uri=\"sip:r\", Response=\"f00\"")
        .orElseThrow();

    assertEquals("bob", c.username());
  }

  @Test
  void quotedCommasAndEqualsSignsStayInTheValue() {
    DigestCredentials c = DigestCredentials.parse(
        "Digest username=\"smith, john\", realm=\"a=b, c\", nonce=\"n==\", "
            + "uri=\"sip:x;transport=tcp\", response=\"f00\"")
        .orElseThrow();

    assertEquals("smith, john", c.username());
    assertEquals("a=b, c", c.realm());
    assertEquals("n==", c.nonce());
    assertEquals("sip:x;transport=tcp", c.uri());
  }

  @Test
  void escapedQuotesAndBackslashesAreUnescaped() {
    DigestCredentials c = DigestCredentials.parse(
        "Digest username=\"say \\\"hi\\\", ok\", realm=\"back\\\\slash\", nonce=\"n\", "
            + "uri=\"sip:x\", response=\"f00\"")
        .orElseThrow();

    assertEquals("say \"hi\", ok", c.username());
    assertEquals("back\\slash", c.realm());
  }

  @Test
  void toleratesExtraWhitespaceEmptyElementsQuotedTokensAndUnknownParameters() {
    DigestCredentials c = DigestCredentials.parse(
        "  Digest\t username = \"bob\" ,, realm=\"r\",\r\n nonce=\"n\", uri=sip:r, "
            + "response=\"f00\", qop=\"auth\", userhash=false ,")
        .orElseThrow();

    assertEquals("sip:r", c.uri());
    assertEquals("auth", c.qop());
  }

  @Test
  void missingResponseIsRejected() {
    assertEquals(Optional.empty(), DigestCredentials.parse(
        "Digest username=\"bob\", realm=\"r\", nonce=\"n\", uri=\"sip:r\", qop=auth"));
  }

  @Test
  void missingOtherRequiredParametersAreRejected() {
    for (String name : new String[] {"username", "realm", "nonce", "uri"}) {
      String header = TYPICAL.replaceFirst(name + "=\"[^\"]*\", ", "");
      assertEquals(Optional.empty(), DigestCredentials.parse(header), header);
    }
  }

  @ParameterizedTest
  @NullSource
  @ValueSource(strings = {
      "",
      "   ",
      "Digest",
      "Digest ",
      "Digestusername=\"bob\"",
      "Basic YWxhZGRpbjpvcGVuc2VzYW1l",
      "Bearer abc",
      "Digest username=\"bob",
      "Digest username=\"bob\\",
      "Digest username=\"bob\" realm=\"r\"",
      "Digest username=",
      "Digest =\"bob\"",
      "Digest username",
      "Digest ,,,,",
      "Digest username=\"a\", username=\"b\", realm=\"r\", nonce=\"n\", uri=\"u\", response=\"x\"",
      "Digest username=\"a\u0000b\", realm=\"r\", nonce=\"n\", uri=\"u\", response=\"x\"",
      "Digest username=a\"b, realm=\"r\", nonce=\"n\", uri=\"u\", response=\"x\"",
      "\"\"\"\"\"\",,,,====",
      "Digest \u00e9=\u00e9",
      "Digest username=\"bob\"; realm=\"r\"",
  })
  void garbageIsRejected(String header) {
    assertEquals(Optional.empty(), DigestCredentials.parse(header));
  }

  @Test
  void oversizedHeaderIsRejected() {
    String huge = TYPICAL + ", x=\"" + "a".repeat(AuthParams.MAX_LENGTH) + "\"";

    assertEquals(Optional.empty(), DigestCredentials.parse(huge));
  }

  @Test
  void randomInputNeverThrows() {
    Random random = new Random(42);
    String alphabet = "Digest =,\"\\ \tabc\r\n\u0000\u00ff";
    for (int i = 0; i < 20_000; i++) {
      StringBuilder s = new StringBuilder(random.nextBoolean() ? "Digest " : "");
      int length = random.nextInt(60);
      for (int j = 0; j < length; j++) {
        s.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      DigestCredentials.parse(s.toString());
      DigestCredentials.parse(TYPICAL.substring(0, random.nextInt(TYPICAL.length() + 1)));
    }
  }
}
