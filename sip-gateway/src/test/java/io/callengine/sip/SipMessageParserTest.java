package io.callengine.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.message.SIPRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The corrections {@link SipMessageParser} makes to JAIN-SIP's parser, on the RFC 4475 messages and a few of their own. */
class SipMessageParserTest {
  private static final Path CORPUS = Path.of("src", "test", "resources", "rfc4475");
  private final SipMessageParser parser = new SipMessageParser();

  static Stream<Path> corpus() throws Exception {
    return Files.list(CORPUS).filter(p -> p.toString().endsWith(".dat")).sorted();
  }

  /** Whatever the bytes, the parser returns a message or throws ParseException: nothing else escapes. */
  @ParameterizedTest
  @MethodSource("corpus")
  void onlyParseExceptionsEscape(Path file) throws Exception {
    byte[] bytes = Files.readAllBytes(file);
    try {
      parser.parseSIPMessage(bytes, true, false, null);
    } catch (ParseException expected) {
      // malformed: the stack answers 400 or drops it
    }
  }

  @Test
  void theRequestLineVersionIsKept() throws Exception {
    SIPRequest request = (SIPRequest) parse("badvers.dat");
    assertEquals("SIP/7.0", request.getRequestLine().getSipVersion());
    assertEquals("SIP/2.0", ((SIPRequest) parse("wsinv.dat")).getRequestLine().getSipVersion());
  }

  @Test
  void aSecondValueOfASingleValueHeaderIsAParseError() {
    assertThrows(ParseException.class, () -> parse("multi01.dat")); // CSeq, Call-ID, From, To, Max-Forwards twice
    assertThrows(ParseException.class, () -> parse("mcl01.dat")); // Content-Length twice
  }

  @Test
  void aUdpBodyWithoutContentLengthRunsToTheEndOfTheDatagram() throws Exception {
    SIPMessage invite = parse("inv2543.dat");
    assertEquals(105, invite.getRawContent().length);
    assertEquals("v=0", new String(invite.getRawContent(), StandardCharsets.US_ASCII).substring(0, 3));
  }

  @Test
  void contentLengthStillFramesTheBody() throws Exception {
    assertNull(parse("dblreq.dat").getRawContent(), "Content-Length: 0: the trailing INVITE is not a body");
    String keepAliveFirst = "\r\n\r\nOPTIONS sip:a@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK1\r\n"
        + "Max-Forwards: 70\r\nFrom: <sip:b@127.0.0.1>;tag=1\r\nTo: <sip:a@127.0.0.1>\r\nCall-ID: k\r\nCSeq: 1 OPTIONS\r\n"
        + "Content-Length: 0\r\n\r\ntrailing";
    assertNull(parser.parseSIPMessage(keepAliveFirst.getBytes(StandardCharsets.US_ASCII), true, false, null).getRawContent());
  }

  @Test
  void anRfc2543InviteGetsMaxForwardsAndItsFromAsContact() throws Exception {
    SIPRequest invite = (SIPRequest) parse("inv2543.dat");
    assertEquals(70, invite.getMaxForwards().getMaxForwards());
    assertNotNull(invite.getContactHeader());
    assertEquals(invite.getFrom().getAddress().getURI(), invite.getContactHeader().getAddress().getURI());
  }

  private SIPMessage parse(String file) throws Exception {
    return parser.parseSIPMessage(Files.readAllBytes(CORPUS.resolve(file)), true, false, null);
  }
}
