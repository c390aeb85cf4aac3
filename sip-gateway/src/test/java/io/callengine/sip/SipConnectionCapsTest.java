package io.callengine.sip;

import static io.callengine.core.testing.TestEngines.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import io.callengine.core.api.CallCenterEngine;
import io.callengine.core.testing.TestEngines;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.sip.DialogTerminatedEvent;
import javax.sip.IOExceptionEvent;
import javax.sip.RequestEvent;
import javax.sip.ResponseEvent;
import javax.sip.SipListener;
import javax.sip.TimeoutEvent;
import javax.sip.TransactionTerminatedEvent;
import org.junit.jupiter.api.Test;

/**
 * The caps on inbound SIP connections, on the node's SIP stack alone: past the cap for one
 * address, or past the cap for all, the node closes a new connection at once; a connection that
 * ends gives its place back. Loopback has many addresses: 127.0.0.2 is a second source.
 */
class SipConnectionCapsTest {
  private static final InetAddress FIRST = InetAddress.getLoopbackAddress();

  @Test
  void connectionsPastEitherCapAreClosedAtOnceAndAClosedOneFreesItsPlace() throws Exception {
    int port = TestEngines.freePort();
    SipStackHolder stack = stack(port, "max-connections = 5, max-connections-per-address = 3");
    List<Socket> sockets = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) sockets.add(connect(FIRST, port));
      eventually(Duration.ofSeconds(10), "3 connections from 127.0.0.1 taken", () -> stack.openConnections() == 3);
      assertClosedByTheNode(connect(FIRST, port), "a 4th connection from 127.0.0.1, past the cap per address");

      InetAddress second = InetAddress.getByName("127.0.0.2");
      for (int i = 0; i < 2; i++) sockets.add(connect(second, port));
      eventually(Duration.ofSeconds(10), "2 more from 127.0.0.2 taken", () -> stack.openConnections() == 5);
      assertClosedByTheNode(connect(second, port), "a 3rd connection from 127.0.0.2, past the cap of 5 in all");
      assertEquals(5, stack.openConnections(), "refused connections hold no place");
      assertEquals(2, stack.refusedConnections(), "and are counted");

      sockets.remove(0).close();
      eventually(Duration.ofSeconds(10), "the node notices the closed connection", () -> stack.openConnections() == 4);
      sockets.add(connect(FIRST, port));
      eventually(Duration.ofSeconds(10), "its place is taken by a new connection", () -> stack.openConnections() == 5);
    } finally {
      for (Socket socket : sockets) socket.close();
      stack.stop();
    }
  }

  @Test
  void capsBelowOneAreRefusedWithTheSettingNamed() {
    IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
        () -> SipSettings.from(config(5060, "max-connections-per-address = 0")));
    assertTrue(error.getMessage().contains("CALLENGINE_SIP_MAX_CONNECTIONS_PER_ADDRESS"), error.getMessage());
    error = assertThrows(IllegalArgumentException.class, () -> SipSettings.from(config(5060, "connection-idle-timeout = 0s")));
    assertTrue(error.getMessage().contains("CALLENGINE_SIP_CONNECTION_IDLE_TIMEOUT"), error.getMessage());
  }

  private static void assertClosedByTheNode(Socket socket, String what) throws Exception {
    try (socket) {
      socket.setSoTimeout(10_000);
      assertEquals(-1, socket.getInputStream().read(), what + ": the node ends it");
      // Not only its side: a node that had shut its output and kept the socket would take these bytes.
      eventually(Duration.ofSeconds(10), what + ": the node's socket is closed (writes are reset)", () -> {
        try {
          socket.getOutputStream().write('\n');
          socket.getOutputStream().flush();
          return false;
        } catch (java.io.IOException reset) {
          return true;
        }
      });
    }
  }

  private static Socket connect(InetAddress from, int port) throws Exception {
    Socket socket = new Socket();
    socket.bind(new InetSocketAddress(from, 0));
    socket.connect(new InetSocketAddress(FIRST, port), 5_000);
    return socket;
  }

  private static SipStackHolder stack(int port, String settings) throws Exception {
    return new SipStackHolder(SipSettings.from(config(port, settings)), new Silent());
  }

  private static Config config(int port, String settings) {
    return CallCenterEngine.resolve(TestEngines.config(
        "callengine.sip { host = 127.0.0.1, port = " + port + ", " + settings + " }"));
  }

  /** A listener that answers nothing: these tests only open and close connections. */
  private static final class Silent implements SipListener {
    @Override public void processRequest(RequestEvent event) {}
    @Override public void processResponse(ResponseEvent event) {}
    @Override public void processTimeout(TimeoutEvent event) {}
    @Override public void processIOException(IOExceptionEvent event) {}
    @Override public void processTransactionTerminated(TransactionTerminatedEvent event) {}
    @Override public void processDialogTerminated(DialogTerminatedEvent event) {}
  }
}
