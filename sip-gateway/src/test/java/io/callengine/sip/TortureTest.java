package io.callengine.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.callengine.core.api.CallCenterEngine;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The RFC 4475 torture messages, each sent as one UDP datagram to a running gateway: the engine
 * answers stray responses with nothing, never accepts a malformed request with a 2xx (unless RFC
 * 4475 allows the leniency), and still
 * answers an OPTIONS right after every one of them.
 */
class TortureTest {
  private static final Path CORPUS = Path.of("src", "test", "resources", "rfc4475");
  private static final Pattern TOP_VIA = Pattern.compile("(?im)^(Via|v)[ \\t]*:[ \\t]*SIP[ \\t]*/[ \\t]*2\\.0[ \\t]*/[ \\t]*[A-Za-z]+[ \\t]+[^;,\\s]+");
  private static final Pattern CALL_ID = Pattern.compile("(?im)^(Call-ID|i)[ \\t]*:(.*)$");
  private static SipTestNode node;
  private static CallCenterEngine engine;
  private static int sipPort;

  @BeforeAll
  static void start() throws Exception {
    node = SipTestNode.start("35000-35999", "");
    engine = node.engine();
    sipPort = node.port();
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  @Test
  void everyTortureMessageLeavesTheEngineServing() throws Exception {
    List<String[]> rows = Files.readAllLines(CORPUS.resolve("index.tsv")).stream().skip(1).map(l -> l.split("\t")).toList();
    List<String> report = new ArrayList<>();
    try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      for (String[] row : rows) {
        String file = row[0];
        boolean mustParse = row[5].equals("yes");
        Exchange exchange = exchange(socket, rewriteVia(Files.readAllBytes(CORPUS.resolve(file)), socket.getLocalPort()));
        String answer = exchange.answer();
        report.add(file + " -> " + (answer == null ? "nothing" : answer));
        assertEquals("200", exchange.options(), "still serving after " + file);
        if (row[3].equals("response") || file.equals("unreason.dat") || file.equals("noreason.dat") || file.equals("bcast.dat")
            || file.equals("bigcode.dat") || file.equals("scalarlg.dat")) {
          assertNull(answer, file + ": a stray response gets no answer");
        }
        boolean leniencyAllowed = row[7].startsWith("May") || row[7].startsWith("Liberal") || file.equals("baddate.dat");
        if (!mustParse && !leniencyAllowed && answer != null) {
          assertFalse(answer.startsWith("2"), file + ": a malformed request is never accepted, got " + answer);
        }
      }
    }
    System.out.println(String.join("\n", report));
  }

  /** Points the top Via at the harness so that the engine's answer comes back here, over UDP. */
  private static byte[] rewriteVia(byte[] message, int harnessPort) {
    String text = new String(message, StandardCharsets.ISO_8859_1);
    Matcher m = TOP_VIA.matcher(text);
    if (!m.find()) return message;
    String replaced = text.substring(0, m.start()) + "Via: SIP/2.0/UDP 127.0.0.1:" + harnessPort + text.substring(m.end());
    return replaced.getBytes(StandardCharsets.ISO_8859_1);
  }

  /**
   * The final answer to a message (null for none), as far as it came before the engine answered
   * an OPTIONS sent right after it, and that OPTIONS' answer (null when none came in 10 s). The
   * OPTIONS is the later event that closes the wait for the message's answer, not a stretch of time.
   */
  private record Exchange(String answer, String options) {}

  private static Exchange exchange(DatagramSocket socket, byte[] message) throws Exception {
    String callId = callId(new String(message, StandardCharsets.ISO_8859_1));
    String optionsCallId = "torture-check-" + System.nanoTime();
    socket.send(new DatagramPacket(message, message.length, InetAddress.getLoopbackAddress(), sipPort));
    byte[] options = options(optionsCallId, socket.getLocalPort());
    socket.send(new DatagramPacket(options, options.length, InetAddress.getLoopbackAddress(), sipPort));
    String answer = null;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    byte[] buffer = new byte[65535];
    while (true) {
      long leftMillis = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
      if (leftMillis <= 0) return new Exchange(answer, null);
      DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
      socket.setSoTimeout((int) leftMillis);
      try {
        socket.receive(packet);
      } catch (SocketTimeoutException e) {
        return new Exchange(answer, null);
      }
      String text = new String(buffer, 0, packet.getLength(), StandardCharsets.ISO_8859_1);
      if (!text.startsWith("SIP/2.0 ") || text.startsWith("SIP/2.0 1")) continue;
      String status = text.substring(8, 11);
      String answered = callId(text);
      if (answered.equals(optionsCallId)) return new Exchange(answer, status);
      if (answer == null && answered.equals(callId)) answer = status;
    }
  }

  private static String callId(String message) {
    Matcher m = CALL_ID.matcher(message);
    return m.find() ? m.group(2).trim() : "";
  }

  private static byte[] options(String callId, int harnessPort) {
    String request = "OPTIONS sip:127.0.0.1:" + sipPort + " SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP 127.0.0.1:" + harnessPort + ";branch=z9hG4bK" + System.nanoTime() + "\r\n"
        + "Max-Forwards: 70\r\nFrom: <sip:check@127.0.0.1>;tag=1\r\nTo: <sip:127.0.0.1>\r\n"
        + "Call-ID: " + callId + "\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
    return request.getBytes(StandardCharsets.US_ASCII);
  }
}
