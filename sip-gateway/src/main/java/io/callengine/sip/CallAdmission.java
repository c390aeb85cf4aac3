package io.callengine.sip;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Admission control at the node's SIP front door. A call is in set-up from the moment its
 * INVITE is taken until the engine gives that INVITE its final answer (200 once the call is
 * queued or in the IVR, or a refusal); a new INVITE that finds {@code maxInSetup} calls in
 * set-up is not taken. {@link SipEventListener} asks here on the stack's thread, before any
 * actor hears of the call, and answers a refused INVITE with 503 and Retry-After; the
 * {@link CallSession} (or {@link SipGateway}, when no session starts) ends the set-up.
 *
 * <p>The number of calls in set-up is the arrival rate times the set-up time (Little's law): it
 * stays in single figures while the node keeps up and grows without bound past its capacity,
 * whatever slows it (CPU, the database, a full mailbox), so a limit on it bounds the set-up
 * time of the calls taken. One source address may hold at most {@code maxPerSource} of those
 * places, so that a flood from one source, slowing the node, cannot fill them all and have
 * everybody else's calls refused (trusted sources, which carry many callers, pass no source).
 * Thread-safe; one per node.
 */
final class CallAdmission {
  private final int maxInSetup;
  private final int maxPerSource;
  private final ConcurrentHashMap<String, Integer> perSource = new ConcurrentHashMap<>();
  private final SipMetrics metrics;
  private final AtomicInteger inSetup = new AtomicInteger();

  /** {@code maxInSetup} 0 takes every call (the set-ups are still counted). */
  CallAdmission(int maxInSetup, SipMetrics metrics) {
    this(maxInSetup, 0, metrics);
  }

  /** {@code maxPerSource} 0: no share per source. */
  CallAdmission(int maxInSetup, int maxPerSource, SipMetrics metrics) {
    this.maxInSetup = maxInSetup;
    this.maxPerSource = maxPerSource;
    this.metrics = metrics;
    metrics.callsInSetup(inSetup);
  }

  /** A new call's set-up, or null when the node has as many calls in set-up as it may (counted as a refusal). */
  Setup tryAdmit() {
    return tryAdmit(null);
  }

  /**
   * As {@link #tryAdmit()}, for a call from {@code source} (null: no share applies): also null
   * when that source already has its share of the calls in set-up.
   */
  Setup tryAdmit(String source) {
    if (source != null && maxPerSource > 0 && !takeShare(source)) {
      metrics.overloadRefusal();
      return null;
    }
    Setup setup = tryAdmitOnNode(source);
    if (setup == null && source != null && maxPerSource > 0) giveShareBack(source);
    return setup;
  }

  private boolean takeShare(String source) {
    boolean[] taken = {false};
    perSource.compute(source, (k, held) -> {
      int now = held == null ? 0 : held;
      if (now >= maxPerSource) return held;
      taken[0] = true;
      return now + 1;
    });
    return taken[0];
  }

  private void giveShareBack(String source) {
    perSource.computeIfPresent(source, (k, held) -> held <= 1 ? null : held - 1);
  }

  private Setup tryAdmitOnNode(String source) {
    int now;
    do {
      now = inSetup.get();
      if (maxInSetup > 0 && now >= maxInSetup) {
        metrics.overloadRefusal();
        return null;
      }
    } while (!inSetup.compareAndSet(now, now + 1));
    return new Setup(System.nanoTime(), maxPerSource > 0 ? source : null);
  }

  int inSetup() {
    return inSetup.get();
  }

  /** One call's set-up: it ends once, at the INVITE's final answer or when whoever holds it gives up. */
  final class Setup {
    private final long startedNanos;
    private final String source;
    private final AtomicBoolean ended = new AtomicBoolean();

    private Setup(long startedNanos, String source) {
      this.startedNanos = startedNanos;
      this.source = source;
    }

    /** The INVITE was answered 200: the set-up ends and its time is recorded. */
    void answered() {
      if (end()) metrics.callAnswered(System.nanoTime() - startedNanos);
    }

    /** The set-up ends without an answer (refused, cancelled, failed); returns whether it was still on. */
    boolean end() {
      if (!ended.compareAndSet(false, true)) return false;
      inSetup.decrementAndGet();
      if (source != null) giveShareBack(source);
      return true;
    }
  }
}
