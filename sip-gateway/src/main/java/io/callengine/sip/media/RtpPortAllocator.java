package io.callengine.sip.media;

import java.util.BitSet;
import java.util.OptionalInt;

/**
 * Hands out even RTP ports from a {@link RtpPortRange}; the odd RTCP port above each one
 * goes with it. Free ports wait in a FIFO ring, so a port just released goes to the back
 * and is not reused until every other free port has been: a late packet from the previous
 * call then lands on a closed port instead of in the next call. Used by {@link MediaRelay};
 * safe for any number of threads.
 */
public final class RtpPortAllocator {

  private final RtpPortRange range;
  private final int[] free;
  private final BitSet used;
  private int head;
  private int freeCount;

  public RtpPortAllocator(RtpPortRange range) {
    this.range = range;
    this.free = new int[range.size()];
    this.used = new BitSet(range.size());
    for (int i = 0; i < free.length; i++) {
      free[i] = range.portAt(i);
    }
    this.freeCount = free.length;
  }

  /** The next free RTP port, or empty when every port is in use. */
  public synchronized OptionalInt allocate() {
    if (freeCount == 0) {
      return OptionalInt.empty();
    }
    int port = free[head];
    head = (head + 1) % free.length;
    freeCount--;
    used.set(range.indexOf(port));
    return OptionalInt.of(port);
  }

  /**
   * Returns a port to the pool. Releasing a port that is not allocated (twice, or one
   * outside the range) changes nothing and answers false.
   */
  public synchronized boolean release(int port) {
    int index = range.indexOf(port);
    if (index < 0 || !used.get(index)) {
      return false;
    }
    used.clear(index);
    free[(head + freeCount) % free.length] = port;
    freeCount++;
    return true;
  }

  public synchronized int inUse() {
    return free.length - freeCount;
  }

  public int capacity() {
    return free.length;
  }

  public RtpPortRange range() {
    return range;
  }
}
