package io.callengine.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every RFC 4475 torture message (and the archive's extra {@code test.dat}), each sent as one UDP
 * datagram to a running node, gets the answer the RFCs describe for this engine as UAS, registrar
 * and B2BUA, and the node answers an OPTIONS right after it. The node has no queues and no agents,
 * and the registrar authenticates, so every answer is fixed: a well-formed new call to
 * {@code user@example.com} finds no queue (404), a REGISTER is challenged (401). The top Via of
 * each message is pointed at this harness over UDP, so that answers come back here (and a branch
 * the corpus reuses is made unique, see {@link Harness#pointTopViaHere}); nothing else in the
 * message is touched. The plain forms of the valid but odd messages get the same answers as they.
 */
class TortureTest {
  private static final Path CORPUS = Path.of("src", "test", "resources", "rfc4475");
  private static final String NONE = "none";
  private static final Pattern TOP_VIA =
      Pattern.compile("(?im)^(Via|v)\\s*:\\s*SIP\\s*/\\s*2\\.0\\s*/\\s*[A-Za-z]+\\s+[^;,\\s]+");
  private static final Pattern CALL_ID = Pattern.compile("(?im)^(Call-ID|i)[ \\t]*:[ \\t]*(.*?)\\s*$");
  private static final long ANSWER_WAIT_SECONDS = 20;
  /** Top-Via branches that several corpus messages share, each followed by the end of the branch. */
  private static final Pattern REUSED_BRANCH = Pattern.compile("branch=(z9hG4bKkdjuw|z9hG4bKkdjuw39234)(?=[;,\\s]|$)");

  /**
   * A corpus file, the final status it must get (or {@link #NONE}), a pattern the answer must
   * contain where the RFC asks for a header, and why.
   */
  record Case(String file, String expected, String mustContain, String why) {
    @Override
    public String toString() {
      return file + " -> " + expected;
    }
  }

  static Stream<Case> corpus() {
    return Stream.of(
        // 3.1.1: valid messages, treated as their plain form would be
        new Case("wsinv.dat", "481", null, "4475 3.1.1.1 well-formed; its To tag names a dialog the engine does not have: 3261 12.2.2"),
        new Case("intmeth.dat", "501", "(?im)^Allow:.*INVITE", "4475 3.1.1.2 unknown method: 3261 8.2.1, with Allow"),
        new Case("esc01.dat", "404", null, "4475 3.1.1.3 well-formed new call; no queue at the dialed address, as for any call"),
        new Case("escnull.dat", "401", "(?im)^WWW-Authenticate:\\s*Digest", "4475 3.1.1.4 well-formed REGISTER: the registrar challenges, 3261 22.1"),
        new Case("esc02.dat", "501", "(?im)^Allow:.*REGISTER", "4475 3.1.1.5 RE%47IST%45R is an unknown method, not REGISTER: 3261 8.2.1"),
        new Case("lwsdisp.dat", "200", null, "4475 3.1.1.6 accepted as an OPTIONS"),
        new Case("longreq.dat", "404", null, "4475 3.1.1.7 long values admitted; no queue at the dialed address"),
        new Case("dblreq.dat", "401", "(?im)^WWW-Authenticate:\\s*Digest", "4475 3.1.1.8 only the REGISTER counts (3261 18.3); the trailing INVITE is never answered"),
        new Case("semiuri.dat", "200", null, "4475 3.1.1.9 accepted as an OPTIONS"),
        new Case("transports.dat", "200", null, "4475 3.1.1.10 answered over the top Via; the others are not read"),
        new Case("mpart01.dat", "405", "(?im)^Allow:.*INVITE", "4475 3.1.1.11 framed by Content-Length; MESSAGE is known but not taken: 3261 8.2.1"),
        new Case("unreason.dat", NONE, null, "4475 3.1.1.12 a response matching no transaction is dropped: 3261 18.1.2"),
        new Case("noreason.dat", NONE, null, "4475 3.1.1.13 a stray response is dropped: 3261 18.1.2"),
        // 3.1.2: invalid messages
        new Case("badinv01.dat", "400", null, "4475 3.1.2.1 extraneous separators in Via and Contact"),
        new Case("clerr.dat", "400", null, "4475 3.1.2.2 Content-Length past the datagram: 3261 18.3"),
        new Case("ncl.dat", "400", null, "4475 3.1.2.3 negative Content-Length"),
        new Case("scalar02.dat", "400", null, "4475 3.1.2.4 CSeq beyond 2**32-1"),
        new Case("scalarlg.dat", NONE, null, "4475 3.1.2.5 a malformed response is dropped"),
        new Case("quotbal.dat", "400", null, "4475 3.1.2.6 unterminated quoted string"),
        new Case("ltgtruri.dat", "400", null, "4475 3.1.2.7 <> around the Request-URI"),
        new Case("lwsruri.dat", "400", null, "4475 3.1.2.8 LWS inside the Request-URI"),
        new Case("lwsstart.dat", "404", null, "4475 3.1.2.9 extra SP may be ignored (liberal reading): then a new call with no queue"),
        new Case("trws.dat", "200", null, "4475 3.1.2.10 trailing SP may be ignored (liberal reading): then an OPTIONS"),
        new Case("escruri.dat", "400", null, "4475 3.1.2.11 escaped headers in the Request-URI: 3261 19.1.1"),
        new Case("baddate.dat", "404", null, "4475 3.1.2.12 the Date header is not used and is ignored; then a new call with no queue"),
        new Case("regbadct.dat", "400", null, "4475 3.1.2.13 a Contact URI with headers must be in <>: 3261 20.10"),
        new Case("badaspec.dat", "200", null, "4475 3.1.2.14 spaces around the addr-spec may be ignored (liberal reading): then an OPTIONS"),
        new Case("baddn.dat", "200", null, "4475 3.1.2.15 the missing quotes may be inferred (liberal reading): then an OPTIONS"),
        new Case("badvers.dat", "505", null, "4475 3.1.2.16 SIP/7.0: 3261 8.2, 21.5.7"),
        new Case("mismatch01.dat", "400", null, "4475 3.1.2.17 Request-Line and CSeq methods differ: 3261 8.1.1.5"),
        new Case("mismatch02.dat", "400", null, "4475 3.1.2.18 501 preferred, 400 acceptable: the stack rejects the CSeq mismatch before the method is looked at"),
        new Case("bigcode.dat", NONE, null, "4475 3.1.2.19 a response with an overlarge code is dropped"),
        // 3.2 to 3.4
        new Case("badbranch.dat", "400", null, "4475 3.2.1 a branch of the magic cookie alone identifies no transaction; refused statelessly"),
        new Case("insuf.dat", NONE, null, "4475 3.3.1 ideally 400, but without Call-ID, From and To no valid response can be built (3261 8.2.6.2): dropped"),
        new Case("unkscm.dat", "416", null, "4475 3.3.2 unknown Request-URI scheme: 3261 8.2.2.1"),
        new Case("novelsc.dat", "416", null, "4475 3.3.3 soap.beep is no scheme the engine serves: 3261 8.2.2.1"),
        new Case("unksm2.dat", "400", null, "4475 3.3.4 the registrar needs a SIP address of record in To: 3261 10.3"),
        new Case("bext01.dat", "420", "(?im)^Unsupported:.*nothingSupportsThis\\b[\\s\\S]*nothingSupportsThisEither",
            "4475 3.3.5 unknown Require options, listed in Unsupported: 3261 8.2.2.3"),
        new Case("invut.dat", "415", "(?im)^Accept:\\s*application/sdp", "4475 3.3.6 unknown Content-Type: 3261 8.2.3, with Accept"),
        new Case("regaut01.dat", "401", "(?im)^WWW-Authenticate:\\s*Digest", "4475 3.3.7 unknown Authorization scheme: a fresh Digest challenge, 3261 22.1"),
        new Case("multi01.dat", "400", null, "4475 3.3.8 several values in single-value headers: 3261 7.3"),
        new Case("mcl01.dat", "400", null, "4475 3.3.9 two Content-Length values: the body cannot be framed"),
        new Case("bcast.dat", NONE, null, "4475 3.3.10 a stray response is dropped, and nothing goes to 255.255.255.255"),
        new Case("zeromf.dat", "200", null, "4475 3.3.11 Max-Forwards 0 matters to a proxy only; the engine answers its OPTIONS"),
        new Case("cparam01.dat", "401", "(?im)^WWW-Authenticate:\\s*Digest", "4475 3.3.12 well-formed REGISTER: challenged first, 3261 22.1"),
        new Case("cparam02.dat", "401", "(?im)^WWW-Authenticate:\\s*Digest", "4475 3.3.13 well-formed REGISTER: challenged first, 3261 22.1"),
        new Case("regescrt.dat", "401", "(?im)^WWW-Authenticate:\\s*Digest", "4475 3.3.14 escaped Route in a bracketed Contact is legal: challenged first"),
        new Case("sdp01.dat", "406", "(?im)^Warning:\\s*399", "4475 3.3.15 Accept excludes the SDP the answer must carry: 3261 21.4.7"),
        new Case("inv2543.dat", "404", null, "4475 3.4.1 RFC 2543 syntax, body to the end of the datagram (3261 18.3): a new call with no queue"),
        new Case("test.dat", NONE, null, "archive extra: no SIP-Version and no Via, so no response can be addressed (3261 18.2.2): dropped"));
  }

  /** A plain, well-formed request, the status the node gives it, and the corpus messages that are odd forms of it. */
  record Plain(String name, String request, String expected, List<String> oddForms) {
    @Override
    public String toString() {
      return name + " -> " + expected + " as " + oddForms;
    }
  }

  private static final String SDP = "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\nm=audio 49217 RTP/AVP 0\r\n";

  /** {@code VIA}, {@code BRANCH} and {@code CALLID} are filled in when sent. */
  static Stream<Plain> plainForms() {
    String head = "Via: SIP/2.0/UDP VIA;branch=BRANCH\r\nMax-Forwards: 70\r\nCall-ID: CALLID\r\n"
        + "From: <sip:caller@example.net>;tag=plain\r\n";
    return Stream.of(
        new Plain("new call", "INVITE sip:user@example.com SIP/2.0\r\n" + head + "To: <sip:user@example.com>\r\nCSeq: 1 INVITE\r\n"
            + "Contact: <sip:caller@192.0.2.1>\r\nContent-Type: application/sdp\r\nContent-Length: " + SDP.length() + "\r\n\r\n" + SDP,
            "404", List.of("esc01.dat", "longreq.dat", "lwsstart.dat", "baddate.dat", "inv2543.dat")),
        new Plain("INVITE in an unknown dialog", "INVITE sip:user@example.com SIP/2.0\r\n" + head
            + "To: <sip:user@example.com>;tag=unknown\r\nCSeq: 2 INVITE\r\nContact: <sip:caller@192.0.2.1>\r\n"
            + "Content-Type: application/sdp\r\nContent-Length: " + SDP.length() + "\r\n\r\n" + SDP, "481", List.of("wsinv.dat")),
        new Plain("OPTIONS", "OPTIONS sip:user@example.com SIP/2.0\r\n" + head + "To: <sip:user@example.com>\r\nCSeq: 1 OPTIONS\r\n"
            + "Content-Length: 0\r\n\r\n", "200",
            List.of("lwsdisp.dat", "semiuri.dat", "transports.dat", "trws.dat", "badaspec.dat", "baddn.dat", "zeromf.dat")),
        new Plain("REGISTER", "REGISTER sip:example.com SIP/2.0\r\n" + head + "To: <sip:watson@example.com>\r\nCSeq: 1 REGISTER\r\n"
            + "Contact: <sip:watson@192.0.2.1>\r\nContent-Length: 0\r\n\r\n", "401",
            List.of("escnull.dat", "dblreq.dat", "regaut01.dat", "cparam01.dat", "cparam02.dat", "regescrt.dat")),
        new Plain("MESSAGE", "MESSAGE sip:user@example.com SIP/2.0\r\n" + head + "To: <sip:user@example.com>\r\nCSeq: 1 MESSAGE\r\n"
            + "Content-Type: text/plain\r\nContent-Length: 5\r\n\r\nHello", "405", List.of("mpart01.dat")),
        new Plain("unknown method", "FOO sip:user@example.com SIP/2.0\r\n" + head + "To: <sip:user@example.com>\r\nCSeq: 1 FOO\r\n"
            + "Content-Length: 0\r\n\r\n", "501", List.of("intmeth.dat", "esc02.dat")));
  }

  private static SipTestNode node;
  /** Each message's own socket, kept open to the end so that a late answer to a message that must get none is seen. */
  private static final List<Harness> harnesses = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    node = SipTestNode.start("41000-41199", "");
    Harness first = open();
    for (int i = 0; i < 50 && !"200".equals(first.probe()); i++) {
      // a node still starting answers 503: ask again
    }
    assertEquals("200", first.probe(), "the node answers an OPTIONS with 200 once it serves");
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      for (Harness harness : harnesses) harness.assertSilent();
    } finally {
      for (Harness harness : harnesses) harness.close();
      node.close();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corpus")
  void answeredAsTheRfcSays(Case c) throws Exception {
    Harness harness = open();
    byte[] message = harness.pointTopViaHere(Files.readAllBytes(CORPUS.resolve(c.file())));
    String callId = callId(new String(message, StandardCharsets.ISO_8859_1));
    if (c.file().equals("dblreq.dat")) harness.silent("dblreq.0ha0isnda977644900765@192.0.2.15");
    harness.send(message);
    if (c.expected().equals(NONE)) {
      harness.silent(callId);
      assertEquals("200", harness.probe(), "still serving after " + c.file());
      harness.assertSilent();
      return;
    }
    String answer = harness.awaitFinal(callId);
    if (answer == null) fail(c.file() + " got no final answer within " + ANSWER_WAIT_SECONDS + " s; expected " + c.expected() + ": " + c.why());
    assertEquals(c.expected(), answer.substring(8, 11), c.file() + ": " + c.why() + "\n" + answer);
    if (c.mustContain() != null) {
      assertTrue(Pattern.compile(c.mustContain()).matcher(answer).find(), c.file() + " answer lacks " + c.mustContain() + ":\n" + answer);
    }
    assertEquals("200", harness.probe(), "still serving after " + c.file());
  }

  /** RFC 4475 3.1.1 and 3.4: a valid but odd request is treated as its plain form, so the table expects what the plain form gets. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("plainForms")
  void oddFormsGetWhatThePlainFormGets(Plain plain) throws Exception {
    Harness harness = open();
    String callId = "plain-" + System.nanoTime();
    harness.send(plain.request().replace("VIA", "127.0.0.1:" + harness.port()).replace("CALLID", callId)
        .replace("BRANCH", "z9hG4bK" + callId).getBytes(StandardCharsets.US_ASCII));
    String answer = harness.awaitFinal(callId);
    assertEquals(plain.expected(), answer == null ? null : answer.substring(8, 11), plain.name());
    for (String odd : plain.oddForms()) {
      assertEquals(plain.expected(), corpus().filter(c -> c.file().equals(odd)).findFirst().orElseThrow().expected(), odd);
    }
  }

  /**
   * RFC 4475 3.1.2.1 puts extraneous separators in Via and in Contact; the stack refuses the Via
   * before the Contact is looked at. With a sound Via the Contact alone still gets 400: the engine
   * reads Contact, and the stack could not parse it.
   */
  @Test
  void badinv01sContactAloneIsRefused() throws Exception {
    Harness harness = open();
    String text = Files.readString(CORPUS.resolve("badinv01.dat"), StandardCharsets.ISO_8859_1)
        .replace("192.0.2.15;;,;,,", "127.0.0.1:" + harness.port() + ";branch=z9hG4bKbadinv01contact");
    assertTrue(text.contains("Contact: \"Joe\" <sip:joe@example.org>;;;;"));
    harness.send(text.getBytes(StandardCharsets.ISO_8859_1));
    String answer = harness.awaitFinal("badinv01.0ha0isndaksdjasdf3234nas");
    assertEquals("400", answer == null ? null : answer.substring(8, 11));
  }

  private static Harness open() throws SocketException {
    Harness harness = new Harness(new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)));
    harnesses.add(harness);
    return harness;
  }

  /**
   * One message's socket and what came back to it, by Call-ID ("" for none).
   */
  private static final class Harness {
    private final DatagramSocket socket;
    private final Map<String, List<String>> received = new HashMap<>();
    private final List<String> silentCallIds = new ArrayList<>();
    private final Thread receiver;

    Harness(DatagramSocket socket) {
      this.socket = socket;
      this.receiver = new Thread(this::receive, "torture-receiver-" + socket.getLocalPort());
      receiver.setDaemon(true);
      receiver.start();
    }

    /** The OPTIONS keep-alive of RFC 3261 11, answered by a serving node with 200; its status, or null when none came. */
    String probe() throws Exception {
      String callId = "torture-probe-" + System.nanoTime();
      String request = "OPTIONS sip:127.0.0.1:" + node.port() + " SIP/2.0\r\n"
          + "Via: SIP/2.0/UDP 127.0.0.1:" + socket.getLocalPort() + ";branch=z9hG4bK" + System.nanoTime() + "\r\n"
          + "Max-Forwards: 70\r\nFrom: <sip:probe@127.0.0.1>;tag=1\r\nTo: <sip:127.0.0.1>\r\n"
          + "Call-ID: " + callId + "\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
      send(request.getBytes(StandardCharsets.US_ASCII));
      String answer = awaitFinal(callId);
      return answer == null ? null : answer.substring(8, 11);
    }

    int port() {
      return socket.getLocalPort();
    }

    void send(byte[] message) throws Exception {
      socket.send(new DatagramPacket(message, message.length, InetAddress.getLoopbackAddress(), node.port()));
    }

    synchronized void silent(String callId) {
      silentCallIds.add(callId);
    }

    synchronized void assertSilent() {
      for (String callId : silentCallIds) {
        assertEquals(List.of(), received.getOrDefault(callId, List.of()), "no answer ever for Call-ID " + callId);
      }
    }

    /** The first final response for {@code callId}, as it arrives; null after {@link #ANSWER_WAIT_SECONDS}. */
    synchronized String awaitFinal(String callId) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(ANSWER_WAIT_SECONDS);
      while (true) {
        for (String answer : received.getOrDefault(callId, List.of())) {
          if (answer.startsWith("SIP/2.0 ") && answer.charAt(8) != '1') return answer;
        }
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (left <= 0) return null;
        wait(left);
      }
    }

    private void receive() {
      byte[] buffer = new byte[65535];
      while (!socket.isClosed()) {
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        try {
          socket.receive(packet);
        } catch (SocketException closed) {
          return;
        } catch (java.io.IOException e) {
          continue;
        }
        String text = new String(buffer, 0, packet.getLength(), StandardCharsets.ISO_8859_1);
        synchronized (this) {
          received.computeIfAbsent(callId(text), k -> new ArrayList<>()).add(text);
          notifyAll();
        }
      }
    }

    /**
     * Points the top Via at this socket over UDP, so that the answer comes back here. A branch the
     * corpus reuses (22 messages carry {@code z9hG4bKkdjuw}) gets this socket's port appended: it
     * stands for messages from different clients, but JAIN-SIP keys a server transaction by branch
     * alone, not by branch and sent-by (RFC 3261 17.2.3), and would take each for a retransmission
     * of the one before while that transaction lasts (32 s).
     */
    byte[] pointTopViaHere(byte[] message) {
      String text = new String(message, StandardCharsets.ISO_8859_1);
      Matcher m = TOP_VIA.matcher(text);
      if (!m.find()) return message;
      int lineEnd = text.indexOf("\r\n", m.end());
      String rest = REUSED_BRANCH.matcher(text.substring(m.end(), lineEnd)).replaceFirst("$0-" + socket.getLocalPort());
      String replaced = text.substring(0, m.start()) + "Via: SIP/2.0/UDP 127.0.0.1:" + socket.getLocalPort() + rest + text.substring(lineEnd);
      return replaced.getBytes(StandardCharsets.ISO_8859_1);
    }

    void close() throws InterruptedException {
      socket.close();
      receiver.join(TimeUnit.SECONDS.toMillis(10));
    }
  }

  private static String callId(String message) {
    int end = message.indexOf("\r\n\r\n");
    Matcher m = CALL_ID.matcher(end < 0 ? message : message.substring(0, end));
    return m.find() ? m.group(2) : "";
  }
}
