package io.callengine.sip;

import gov.nist.javax.sip.SipStackImpl;
import gov.nist.javax.sip.stack.MessageProcessor;
import gov.nist.javax.sip.stack.MessageProcessorFactory;
import gov.nist.javax.sip.stack.NIOHandler;
import gov.nist.javax.sip.stack.NioMessageProcessorFactory;
import gov.nist.javax.sip.stack.NioTcpMessageChannel;
import gov.nist.javax.sip.stack.NioTcpMessageProcessor;
import gov.nist.javax.sip.stack.NioTlsMessageChannel;
import gov.nist.javax.sip.stack.NioTlsMessageProcessor;
import gov.nist.javax.sip.stack.SIPTransactionStack;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JAIN-SIP message processors of the node: UDP as JAIN-SIP makes it, TCP and TLS on JAIN-SIP's
 * NIO transport (one selector thread per listening point, whatever the number of connections)
 * with caps on inbound connections, which JAIN-SIP's NIO listeners do not have. The stack builds
 * this factory because {@link SipStackHolder} names it in the stack properties, and reads the caps
 * from the same properties.
 *
 * <p>JAIN-SIP accepts every connection before it asks for a channel; a connection past a cap gets a
 * channel whose socket is shut both ways at once, so that the selector thread reads its end and
 * closes it as any connection the peer ended.
 */
public final class CappedNioMessageProcessorFactory implements MessageProcessorFactory {
  static final String MAX_PER_ADDRESS = "io.callengine.sip.MAX_CONNECTIONS_PER_ADDRESS";
  private static final Logger log = LoggerFactory.getLogger(CappedNioMessageProcessorFactory.class);

  private final NioMessageProcessorFactory plain = new NioMessageProcessorFactory();
  private ConnectionCaps caps;

  @Override
  public synchronized MessageProcessor createMessageProcessor(SIPTransactionStack stack, InetAddress address, int port,
      String transport) throws IOException {
    if (caps == null) {
      Properties p = ((SipStackImpl) stack).getConfigurationProperties();
      caps = new ConnectionCaps(Integer.parseInt(p.getProperty("gov.nist.javax.sip.MAX_CONNECTIONS")),
          Integer.parseInt(p.getProperty(MAX_PER_ADDRESS)));
    }
    return switch (transport.toUpperCase(Locale.ROOT)) {
      case "TCP" -> new Tcp(address, stack, port, caps);
      case "TLS" -> new Tls(address, stack, port, caps);
      default -> plain.createMessageProcessor(stack, address, port, transport);
    };
  }

  /** A listener of the node that can keep an inbound connection open while a registration relies on it. */
  interface Listener {
    /** Keeps the connection from {@code remote}, if open, at least until {@code untilMillis} (epoch). */
    void keepOpen(InetSocketAddress remote, long untilMillis);

    /** The inbound connections open now over TCP and TLS together. */
    int openConnections();

    /** The inbound connections closed at once because a cap was reached, since the start. */
    long refusedConnections();
  }

  /** What an inbound channel holds of its admission: its place under the caps and how long it is kept. */
  static final class Admission {
    private final ConnectionCaps caps;
    private final Map<InetSocketAddress, Admission> open;
    private final InetSocketAddress remote;
    private final boolean admitted;
    private final AtomicBoolean released = new AtomicBoolean();
    private volatile long keptUntil;

    private Admission(ConnectionCaps caps, Map<InetSocketAddress, Admission> open, SocketChannel client) throws IOException {
      this.caps = caps;
      this.open = open;
      this.remote = (InetSocketAddress) client.getRemoteAddress();
      this.admitted = caps.admit(remote.getAddress());
      if (admitted) open.put(remote, this);
    }

    /** Shuts a refused connection both ways, once its channel is made (which reads the socket's streams). */
    void shutIfRefused(SocketChannel client) throws IOException {
      if (admitted) return;
      log.debug("SIP connection from {} refused: connection cap reached", remote);
      client.shutdownInput();
      client.shutdownOutput();
    }

    /** The last activity as the idle check should see it: not older than the idle time before {@link #keptUntil}. */
    long lastActivity(long actual, long idleMillis) {
      return Math.max(actual, keptUntil - idleMillis);
    }

    void closed() {
      if (admitted && released.compareAndSet(false, true)) {
        open.remove(remote, this);
        caps.release(remote.getAddress());
      }
    }
  }

  /** A channel class's constructor, as the processors below make their channels. */
  private interface ChannelMaker {
    NioTcpMessageChannel make(NioTcpMessageProcessor processor, SocketChannel client, Admission admission) throws IOException;
  }

  /** The inbound connections of one listening point under the node's caps: what TCP and TLS share. */
  private static final class Inbound implements Listener {
    private final ConnectionCaps caps;
    private final Map<InetSocketAddress, Admission> open = new ConcurrentHashMap<>();

    Inbound(ConnectionCaps caps) {
      this.caps = caps;
    }

    NioTcpMessageChannel channel(NioTcpMessageProcessor processor, NIOHandler handler, SocketChannel client, ChannelMaker maker)
        throws IOException {
      Admission admission = new Admission(caps, open, client);
      try {
        NioTcpMessageChannel channel = maker.make(processor, client, admission);
        handler.putMessageChannel(client, channel);
        admission.shutIfRefused(client);
        return channel;
      } catch (IOException | RuntimeException e) {
        admission.closed();
        throw e;
      }
    }

    @Override
    public void keepOpen(InetSocketAddress remote, long untilMillis) {
      Admission admission = open.get(remote);
      if (admission != null) admission.keptUntil = untilMillis;
    }

    @Override
    public int openConnections() {
      return caps.open();
    }

    @Override
    public long refusedConnections() {
      return caps.refused();
    }
  }

  /** SIP over TCP. */
  static final class Tcp extends NioTcpMessageProcessor implements Listener {
    private final Inbound inbound;

    Tcp(InetAddress address, SIPTransactionStack stack, int port, ConnectionCaps caps) {
      super(address, stack, port);
      this.inbound = new Inbound(caps);
      this.nioHandler = new SharedNioHandler(stack, this);
    }

    @Override
    public NioTcpMessageChannel createMessageChannel(NioTcpMessageProcessor processor, SocketChannel client) throws IOException {
      return inbound.channel(processor, nioHandler, client, TcpChannel::new);
    }

    @Override public void keepOpen(InetSocketAddress remote, long untilMillis) { inbound.keepOpen(remote, untilMillis); }
    @Override public int openConnections() { return inbound.openConnections(); }
    @Override public long refusedConnections() { return inbound.refusedConnections(); }
  }

  /** SIP over TLS. */
  static final class Tls extends NioTlsMessageProcessor implements Listener {
    private final Inbound inbound;

    Tls(InetAddress address, SIPTransactionStack stack, int port, ConnectionCaps caps) {
      super(address, stack, port);
      this.inbound = new Inbound(caps);
      this.nioHandler = new SharedNioHandler(stack, this);
    }

    @Override
    public NioTcpMessageChannel createMessageChannel(NioTcpMessageProcessor processor, SocketChannel client) throws IOException {
      return inbound.channel(processor, nioHandler, client, TlsChannel::new);
    }

    @Override public void keepOpen(InetSocketAddress remote, long untilMillis) { inbound.keepOpen(remote, untilMillis); }
    @Override public int openConnections() { return inbound.openConnections(); }
    @Override public long refusedConnections() { return inbound.refusedConnections(); }
  }

  private static final class TcpChannel extends NioTcpMessageChannel {
    private final Admission admission;

    TcpChannel(NioTcpMessageProcessor processor, SocketChannel client, Admission admission) throws IOException {
      super(processor, client);
      this.admission = admission;
      this.messageProcessor = processor; // JAIN-SIP's own accept sets it after construction
    }

    @Override
    public long getLastActivityTimestamp() {
      return admission.lastActivity(super.getLastActivityTimestamp(), sipStack.nioSocketMaxIdleTime);
    }

    @Override
    protected void close(boolean removeSocket, boolean stopKeepAliveTask) {
      try {
        super.close(removeSocket, stopKeepAliveTask);
      } finally {
        admission.closed();
      }
    }
  }

  private static final class TlsChannel extends NioTlsMessageChannel {
    private final Admission admission;

    TlsChannel(NioTcpMessageProcessor processor, SocketChannel client, Admission admission) throws IOException {
      super(processor, client);
      this.admission = admission;
    }

    @Override
    public long getLastActivityTimestamp() {
      return admission.lastActivity(super.getLastActivityTimestamp(), sipStack.nioSocketMaxIdleTime);
    }

    @Override
    protected void close(boolean removeSocket, boolean stopKeepAliveTask) {
      try {
        super.close(removeSocket, stopKeepAliveTask);
      } finally {
        admission.closed();
      }
    }
  }
}
