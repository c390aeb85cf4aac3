package io.callengine.sip;

import static io.callengine.core.testing.TestEngines.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.callengine.core.api.AgentSpec;
import io.callengine.core.testing.TestEngines;
import io.callengine.sip.testing.TestPhone;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Idle SIP connections on a node that allows one second of silence: the node closes a silent
 * connection, but not the one a phone registered over while its binding lasts.
 */
class SipConnectionIdleTest {
  private static SipTestNode node;

  @BeforeAll
  static void start() throws Exception {
    node = SipTestNode.start("42100-42149", "callengine.sip.connection-idle-timeout = 1s");
    node.engine().admin().createAgent(AgentSpec.of("ida", "sip:ida@127.0.0.1", "Ida", "idle-secret"))
        .toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  @Test
  void aSilentConnectionIsClosedButARegisteredPhonesConnectionIsKeptUntilItUnregisters() throws Exception {
    try (TestPhone ida = new TestPhone("ida", TestEngines.freePort(), "127.0.0.1", node.port(), "tcp")) {
      assertEquals(200, ida.register("idle-secret", 300, "MD5"));
      eventually(Duration.ofSeconds(10), "the node holds ida's connection", () -> node.sip().openConnections() == 1);

      // Each silent connection, opened after the last one closed, is closed by a later round of the
      // node's idle check; ida's connection, quieter for longer than any of them, would have been
      // closed by one of those rounds were it not kept.
      for (int i = 0; i < 3; i++) assertClosedWithin(Duration.ofSeconds(10));
      eventually(Duration.ofSeconds(10), "the silent connections are counted out", () -> node.sip().openConnections() <= 1);
      assertEquals(1, node.sip().openConnections(), "ida's connection is still open");

      assertEquals(200, ida.register("idle-secret", 0, "MD5"), "ida unregisters");
      eventually(Duration.ofSeconds(10), "once unbound, ida's connection is closed when it goes quiet",
          () -> node.sip().openConnections() == 0);
    }
  }

  @Test
  void aCrlfKeepAliveIsAnsweredWithCrlf() throws Exception {
    try (Socket phone = new Socket(InetAddress.getLoopbackAddress(), node.port())) {
      phone.setSoTimeout(10_000);
      phone.getOutputStream().write("\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      phone.getOutputStream().flush();
      byte[] pong = phone.getInputStream().readNBytes(2);
      assertEquals("\r\n", new String(pong, java.nio.charset.StandardCharsets.US_ASCII), "RFC 5626 4.4.1: ping CRLFCRLF, pong CRLF");
    }
  }

  private static void assertClosedWithin(Duration bound) throws Exception {
    try (Socket silent = new Socket(InetAddress.getLoopbackAddress(), node.port())) {
      silent.setSoTimeout((int) bound.toMillis());
      long start = System.nanoTime();
      assertEquals(-1, silent.getInputStream().read(), "the node closes a connection that says nothing");
      System.out.printf("a silent connection was closed after %d ms (idle timeout 1000 ms)%n",
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    }
  }
}
