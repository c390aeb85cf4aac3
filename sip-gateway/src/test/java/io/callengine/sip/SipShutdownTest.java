package io.callengine.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.callengine.sip.testing.TestPhone;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A JVM that embeds the engine with SIP exits once the engine is shut down: no thread of the
 * SIP stack that keeps a JVM alive (not a daemon) outlives the shutdown. JAIN-SIP names the
 * thread that delivers its events {@code EventScannerThread}; it is the one that used to stay.
 */
class SipShutdownTest {

  @Test
  void noStackThreadOutlivesTheEngine() throws Exception {
    Set<Thread> before = stackThreads();
    SipTestNode node = SipTestNode.start("39800-39899", "");
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

  /** The live non-daemon threads that JAIN-SIP starts for a stack's events. */
  private static Set<Thread> stackThreads() {
    Set<Thread> threads = new HashSet<>();
    for (Thread thread : Thread.getAllStackTraces().keySet()) {
      if (thread.isAlive() && !thread.isDaemon() && thread.getName().equals("EventScannerThread")) threads.add(thread);
    }
    return threads;
  }
}
