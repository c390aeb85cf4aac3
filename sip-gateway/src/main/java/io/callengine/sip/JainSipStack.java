package io.callengine.sip;

import gov.nist.javax.sip.SipStackImpl;
import java.util.Arrays;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import javax.sip.PeerUnavailableException;
import javax.sip.SipStack;

/**
 * A JAIN-SIP stack that stops for good. {@code SipStack.stop()} of JAIN-SIP 1.3 marks the stack's
 * event thread ({@code EventScannerThread}, not a daemon) stopped but leaves it waiting on its
 * empty queue for ever, so a JVM that ran a stack never exits by itself. This class builds the
 * stack on a thread of a group of its own, where that thread is born, and {@link #stop()}
 * interrupts it after stopping the stack. The gateway's {@link SipStackHolder} uses it; so may a
 * test's or an example's phone.
 */
public final class JainSipStack {
  private static final String EVENT_THREAD = "EventScannerThread";

  private final SipStack stack;
  private final ThreadGroup threads;

  private JainSipStack(SipStack stack, ThreadGroup threads) {
    this.stack = stack;
    this.threads = threads;
  }

  /**
   * A new stack with these properties ({@code javax.sip.STACK_NAME} names its thread group). Built
   * directly rather than through {@code SipFactory.createSipStack}, which hands out the stopped
   * stack again when a name is reused and keeps every stack it made.
   */
  public static JainSipStack create(Properties properties) throws PeerUnavailableException {
    ThreadGroup group = new ThreadGroup("jain-sip-" + properties.getProperty("javax.sip.STACK_NAME", "stack"));
    FutureTask<SipStack> creation = new FutureTask<>(() -> new SipStackImpl(properties));
    Thread creator = new Thread(group, creation, group.getName() + "-start");
    creator.start();
    try {
      return new JainSipStack(creation.get(), group);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PeerUnavailableException("interrupted while the SIP stack was created", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof PeerUnavailableException refused) throw refused;
      throw new PeerUnavailableException("the SIP stack could not be created: " + e.getCause(), e.getCause());
    }
  }

  public SipStack stack() {
    return stack;
  }

  /** Stops the stack (sockets, timers, transactions) and ends its event thread. */
  public void stop() {
    try {
      stack.stop();
    } finally {
      Thread[] live = new Thread[threads.activeCount() + 4];
      int count = threads.enumerate(live);
      Arrays.stream(live, 0, count).filter(t -> t.getName().equals(EVENT_THREAD)).forEach(Thread::interrupt);
    }
  }
}
