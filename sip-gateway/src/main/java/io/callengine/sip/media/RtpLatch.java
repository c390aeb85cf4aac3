package io.callengine.sip.media;

import java.net.InetSocketAddress;

/**
 * Where one leg's packets go (RTP or RTCP), and from whom it takes them: symmetric RTP with the
 * address the phone's SDP announced as the anchor. Before anything arrives packets go to the
 * announced address. The first packet latches its source (a phone behind NAT is reachable only
 * there), but a later source closer to the announcement takes the latch over: the announced
 * address itself beats the announced host on another port, which beats any other host. So a
 * stray sender that hits a port just handed out again (the last call's phone still talking to
 * it) cannot keep the new phone's media: the new phone, sending from what it announced, wins.
 * A source never loses the latch to one no closer than itself. Immutable; an endpoint swaps it
 * atomically.
 */
record RtpLatch(InetSocketAddress address, boolean latched, InetSocketAddress announced, int closeness) {
  /** A source that is the announced address, a port of its host, or anywhere else. */
  private static final int ANNOUNCED = 3;
  private static final int ANNOUNCED_HOST = 2;
  private static final int ELSEWHERE = 1;

  static final RtpLatch NOTHING_KNOWN = new RtpLatch(null, false, null, 0);

  /** Packets go to {@code sdpAddress} until a source latches. */
  static RtpLatch announced(InetSocketAddress sdpAddress) {
    return new RtpLatch(sdpAddress, false, sdpAddress, 0);
  }

  /** The latch after a packet from {@code sender}: this one when the packet is taken as it is, a new one when the sender wins it, null when it is dropped. */
  RtpLatch after(InetSocketAddress sender) {
    if (latched && sender.equals(address)) return this;
    int senderCloseness = closenessOf(sender);
    if (latched && senderCloseness <= closeness) return null;
    return new RtpLatch(sender, true, announced, senderCloseness);
  }

  private int closenessOf(InetSocketAddress sender) {
    if (announced == null || announced.getAddress() == null) return ELSEWHERE;
    if (sender.equals(announced)) return ANNOUNCED;
    return announced.getAddress().equals(sender.getAddress()) ? ANNOUNCED_HOST : ELSEWHERE;
  }
}
