package io.callengine.sip;

import gov.nist.javax.sip.stack.NIOHandler;
import gov.nist.javax.sip.stack.NioTcpMessageChannel;
import gov.nist.javax.sip.stack.NioTcpMessageProcessor;
import gov.nist.javax.sip.stack.SIPTransactionStack;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.channels.SocketChannel;
import java.util.AbstractMap.SimpleImmutableEntry;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * JAIN-SIP's table of the connections of one TCP or TLS listening point, with two of its faults
 * mended: a map that threads can share (JAIN-SIP's own is a plain HashMap that the selector thread
 * adds to while the idle check and the stack's threads remove from it), and the first message on
 * a connection the node opens kept on that connection. The processors of
 * {@link CappedNioMessageProcessorFactory} put it in place of the one they made first, which
 * keeps an idle check over nothing.
 */
final class SharedNioHandler extends NIOHandler {
  SharedNioHandler(SIPTransactionStack stack, NioTcpMessageProcessor processor) {
    super(stack, processor);
    this.channelMap = new ChannelMap();
  }

  /**
   * A connection to {@code address}, opened if there is none. JAIN-SIP drops a connection it has
   * just opened from its table (its connect never marks itself done), so the first message would
   * open a second one and close the first, and the selector thread could find that second one
   * before its channel is known and throw the message away: an INVITE to a phone lost. Kept in
   * the table here, the first connection carries the first message.
   */
  @Override
  public SocketChannel createOrReuseSocket(InetAddress address, int port) throws IOException {
    SocketChannel channel = super.createOrReuseSocket(address, port);
    if (channel != null && channel.isOpen()) putSocket(makeKey(address, port), channel);
    return channel;
  }

  /** Synchronized; iterating it walks a copy, so a walk may close and remove what it finds. */
  private static final class ChannelMap extends HashMap<SocketChannel, NioTcpMessageChannel> {
    @Override
    public synchronized NioTcpMessageChannel get(Object key) {
      return super.get(key);
    }

    @Override
    public synchronized NioTcpMessageChannel put(SocketChannel key, NioTcpMessageChannel value) {
      return super.put(key, value);
    }

    @Override
    public synchronized NioTcpMessageChannel remove(Object key) {
      return super.remove(key);
    }

    @Override
    public synchronized int size() {
      return super.size();
    }

    @Override
    public synchronized Set<Map.Entry<SocketChannel, NioTcpMessageChannel>> entrySet() {
      Set<Map.Entry<SocketChannel, NioTcpMessageChannel>> copy = new HashSet<>();
      for (Map.Entry<SocketChannel, NioTcpMessageChannel> entry : super.entrySet()) copy.add(new SimpleImmutableEntry<>(entry));
      return copy;
    }

    @Override
    public synchronized Set<SocketChannel> keySet() {
      return new HashSet<>(super.keySet());
    }
  }
}
