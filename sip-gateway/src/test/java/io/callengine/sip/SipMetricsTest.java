package io.callengine.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callengine.core.api.CallCenterEngine;
import io.callengine.core.testing.TestEngines;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The gateway counts the SIP it receives and the responses it sends into the engine's meters, by method and status. */
class SipMetricsTest {
  private static SipTestNode node;
  private static CallCenterEngine engine;
  private static int sipPort;

  @BeforeAll
  static void start() throws Exception {
    node = SipTestNode.start("35000-35099", "");
    engine = node.engine();
    sipPort = node.port();
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  @Test
  void requestsAndResponsesAreCountedByMethodAndStatus() throws Exception {
    try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      assertEquals("200", request(socket, "OPTIONS"));
      assertEquals("200", request(socket, "OPTIONS"));
      assertEquals("501", request(socket, "FROBNICATE"));
    }
    TestEngines.eventually(Duration.ofSeconds(5), "the responses counted",
        () -> value("callengine_sip_responses_total{direction=\"out\",method=\"OTHER\",status=\"501\"}") == 1);
    assertEquals(2, value("callengine_sip_requests_total{method=\"OPTIONS\"}"));
    assertEquals(1, value("callengine_sip_requests_total{method=\"OTHER\"}"), "unknown methods share one series");
    assertEquals(2, value("callengine_sip_responses_total{direction=\"out\",method=\"OPTIONS\",status=\"200\"}"));
    assertTrue(engine.metrics().scrape().contains("# TYPE callengine_sip_requests_total counter"));
  }

  private static double value(String series) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(engine.metrics().scrape());
    return m.find() ? Double.parseDouble(m.group(1)) : -1;
  }

  /** Sends an out-of-dialog request and returns the status of its final answer, or null when none came in 10 s. */
  private static String request(DatagramSocket socket, String method) throws Exception {
    String callId = "metrics-" + System.nanoTime();
    String text = method + " sip:127.0.0.1:" + sipPort + " SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP 127.0.0.1:" + socket.getLocalPort() + ";branch=z9hG4bK" + System.nanoTime() + "\r\n"
        + "Max-Forwards: 70\r\nFrom: <sip:check@127.0.0.1>;tag=1\r\nTo: <sip:127.0.0.1>\r\n"
        + "Call-ID: " + callId + "\r\nCSeq: 1 " + method + "\r\nContent-Length: 0\r\n\r\n";
    byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
    socket.send(new DatagramPacket(bytes, bytes.length, InetAddress.getLoopbackAddress(), sipPort));
    long deadline = System.currentTimeMillis() + 10_000;
    byte[] buffer = new byte[65535];
    while (System.currentTimeMillis() < deadline) {
      DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
      socket.setSoTimeout((int) Math.max(1, deadline - System.currentTimeMillis()));
      try {
        socket.receive(packet);
      } catch (SocketTimeoutException e) {
        return null;
      }
      String answer = new String(buffer, 0, packet.getLength(), StandardCharsets.ISO_8859_1);
      if (answer.startsWith("SIP/2.0 ") && !answer.startsWith("SIP/2.0 1") && answer.contains(callId)) return answer.substring(8, 11);
    }
    return null;
  }
}
