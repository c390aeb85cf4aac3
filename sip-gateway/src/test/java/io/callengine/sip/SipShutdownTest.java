package io.callengine.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import io.callengine.core.api.CallCenterEngine;
import io.callengine.core.testing.TestEngines;
import io.callengine.sip.testing.TestPhone;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.sip.DialogTerminatedEvent;
import javax.sip.IOExceptionEvent;
import javax.sip.RequestEvent;
import javax.sip.ResponseEvent;
import javax.sip.SipListener;
import javax.sip.TimeoutEvent;
import javax.sip.TransactionTerminatedEvent;
import org.junit.jupiter.api.Test;

/**
 * A JVM that embeds the engine with SIP exits once the engine is shut down: no thread of the
 * SIP stack that keeps a JVM alive (not a daemon) outlives the shutdown. JAIN-SIP names the
 * thread that delivers its events {@code EventScannerThread}; it is the one that used to stay,
 * after a shutdown as after a start that failed because the SIP port was taken.
 */
class SipShutdownTest {

  @Test
  void noStackThreadOutlivesTheEngine() throws Exception {
    Set<Thread> before = stackThreads();
    SipTestNode node = SipTestNode.start("39700-39799", "");
    Set<Thread> started = stackThreads();
    started.removeAll(before);
    assertFalse(started.isEmpty(), "the node's SIP stack runs an EventScannerThread that is not a daemon");
    try (TestPhone phone = node.phone("nobody")) {
      assertEquals(401, phone.register("whatever", 300, "MD5"), "the stack answers before it is stopped");
    }

    node.close();

    for (Thread thread : started) thread.join(5_000);
    List<String> alive = started.stream().filter(Thread::isAlive).map(t -> t.getName() + " (" + t.getState() + ")").toList();
    assertEquals(List.of(), alive, "non-daemon SIP threads of the node still running 5 s after the engine's shutdown");
  }

  @Test
  void aStackWhosePortIsTakenLeavesNoThreadBehind() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Config config = CallCenterEngine.resolve(TestEngines.config(
          "callengine.sip { host = 127.0.0.1, port = " + taken.getLocalPort() + " }"));
      Set<Thread> before = stackThreads();
      Exception refused = assertThrows(Exception.class, () -> new SipStackHolder(SipSettings.from(config), new NoListener()));
      assertTrue(String.valueOf(refused.getMessage()).contains("in use"), "the TCP port is taken: " + refused);
      TestEngines.eventually(Duration.ofSeconds(5), "the stack's event thread has ended", () -> {
        Set<Thread> left = stackThreads();
        left.removeAll(before);
        return left.isEmpty();
      });
    }
  }

  /** The live non-daemon threads that JAIN-SIP starts for a stack's events. */
  private static Set<Thread> stackThreads() {
    Set<Thread> threads = new HashSet<>();
    for (Thread thread : Thread.getAllStackTraces().keySet()) {
      if (thread.isAlive() && !thread.isDaemon() && thread.getName().equals("EventScannerThread")) threads.add(thread);
    }
    return threads;
  }

  /** A listener for a stack that never gets to listen. */
  private static final class NoListener implements SipListener {
    @Override public void processRequest(RequestEvent event) {}
    @Override public void processResponse(ResponseEvent event) {}
    @Override public void processTimeout(TimeoutEvent event) {}
    @Override public void processIOException(IOExceptionEvent event) {}
    @Override public void processTransactionTerminated(TransactionTerminatedEvent event) {}
    @Override public void processDialogTerminated(DialogTerminatedEvent event) {}
  }
}
