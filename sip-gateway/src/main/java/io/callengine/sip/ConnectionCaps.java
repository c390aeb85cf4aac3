package io.callengine.sip;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The count of open inbound SIP connections (TCP and TLS together), in all and per remote address,
 * against their caps. {@link CappedNioMessageProcessorFactory}'s listeners ask it before they take
 * a connection and give the place back when the connection closes.
 */
final class ConnectionCaps {
  private final int maxOpen;
  private final int maxPerAddress;
  private final AtomicInteger open = new AtomicInteger();
  private final java.util.concurrent.atomic.AtomicLong refused = new java.util.concurrent.atomic.AtomicLong();
  private final ConcurrentHashMap<InetAddress, Integer> byAddress = new ConcurrentHashMap<>();

  ConnectionCaps(int maxOpen, int maxPerAddress) {
    this.maxOpen = maxOpen;
    this.maxPerAddress = maxPerAddress;
  }

  /** Takes a place for a connection from {@code address}; false when a cap is reached. */
  boolean admit(InetAddress address) {
    if (open.incrementAndGet() > maxOpen) {
      open.decrementAndGet();
      refused.incrementAndGet();
      return false;
    }
    boolean[] taken = {false};
    byAddress.compute(address, (a, count) -> {
      int now = count == null ? 0 : count;
      if (now >= maxPerAddress) return count;
      taken[0] = true;
      return now + 1;
    });
    if (!taken[0]) {
      open.decrementAndGet();
      refused.incrementAndGet();
    }
    return taken[0];
  }

  /** Gives back the place of a connection from {@code address} that has closed. */
  void release(InetAddress address) {
    open.decrementAndGet();
    byAddress.computeIfPresent(address, (a, count) -> count <= 1 ? null : count - 1);
  }

  int open() {
    return open.get();
  }

  /** Connections closed at once because a cap was reached, since the start. */
  long refused() {
    return refused.get();
  }
}
