package io.callengine.sip;

import gov.nist.javax.sip.ListeningPointImpl;
import gov.nist.javax.sip.message.SIPRequest;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Properties;
import java.util.TooManyListenersException;
import java.util.stream.Stream;
import javax.sip.ListeningPoint;
import javax.sip.SipFactory;
import javax.sip.SipListener;
import javax.sip.SipProvider;
import javax.sip.SipStack;
import javax.sip.address.AddressFactory;
import javax.sip.header.HeaderFactory;
import javax.sip.message.MessageFactory;
import javax.sip.message.Request;

/**
 * The JAIN-SIP stack of this node: one provider listening on UDP and TCP at the same address
 * (and on TLS when a key store is configured), with every limit set explicitly, and the
 * factories that build messages.
 */
public final class SipStackHolder {
  private final JainSipStack owned;
  private final SipStack stack;
  private final SipProvider provider;
  private final AddressFactory addresses;
  private final HeaderFactory headers;
  private final MessageFactory messages;

  public SipStackHolder(SipSettings settings, SipListener listener) throws Exception {
    SipFactory factory = SipFactory.getInstance();
    factory.setPathName("gov.nist");
    this.owned = JainSipStack.create(properties(settings));
    this.stack = owned.stack();
    try {
      this.provider = listen(stack, settings, listener);
    } catch (Exception e) {
      try {
        owned.stop(); // a port already taken leaves no stack threads behind
      } catch (RuntimeException half) {
        e.addSuppressed(half); // JAIN-SIP cannot always stop a stack that never listened
      }
      throw e;
    }
    this.addresses = factory.createAddressFactory();
    this.headers = factory.createHeaderFactory();
    this.messages = factory.createMessageFactory();
    stack.start();
  }

  private static SipProvider listen(SipStack stack, SipSettings settings, SipListener listener) throws Exception {
    ListeningPoint udp = stack.createListeningPoint(settings.host(), settings.port(), ListeningPoint.UDP);
    ListeningPoint tcp = stack.createListeningPoint(settings.host(), settings.port(), ListeningPoint.TCP);
    SipProvider provider = stack.createSipProvider(udp);
    provider.addListeningPoint(tcp);
    if (settings.transport().tls().isPresent()) {
      provider.addListeningPoint(stack.createListeningPoint(settings.host(), settings.transport().tls().get().port(), ListeningPoint.TLS));
    }
    try {
      provider.addSipListener(listener);
    } catch (TooManyListenersException e) {
      throw new IllegalStateException(e);
    }
    return provider;
  }

  private static Properties properties(SipSettings s) {
    Properties p = new Properties();
    p.setProperty("javax.sip.STACK_NAME", "call-engine-" + s.host() + "-" + s.port());
    p.setProperty("javax.sip.AUTOMATIC_DIALOG_SUPPORT", "on");
    p.setProperty("gov.nist.javax.sip.MAX_MESSAGE_SIZE", Integer.toString(s.maxMessageSize()));
    p.setProperty("gov.nist.javax.sip.THREAD_POOL_SIZE", Integer.toString(s.stackThreads()));
    p.setProperty("gov.nist.javax.sip.REENTRANT_LISTENER", "true");
    p.setProperty("gov.nist.javax.sip.MAX_SERVER_TRANSACTIONS", Integer.toString(s.maxServerTransactions()));
    p.setProperty("gov.nist.javax.sip.MAX_CLIENT_TRANSACTIONS", Integer.toString(s.maxServerTransactions()));
    p.setProperty("gov.nist.javax.sip.CACHE_CLIENT_CONNECTIONS", "true");
    p.setProperty("gov.nist.javax.sip.CACHE_SERVER_CONNECTIONS", "true");
    p.setProperty("gov.nist.javax.sip.READ_TIMEOUT", "1000");
    // The wait for the ACK of our 2xx, in T1 ticks; its end reaches SipEventListener.processDialogTimeout.
    p.setProperty("gov.nist.javax.sip.DIALOG_TIMEOUT_FACTOR", Integer.toString(s.liveness().ackTimeoutTicks()));
    transport(p, s.transport());
    p.setProperty("gov.nist.javax.sip.TRACE_LEVEL", "0");
    // The stack logs under its name unless told otherwise; under gov.nist the node's log configuration reaches it.
    p.setProperty("gov.nist.javax.sip.LOG4J_LOGGER_NAME", "gov.nist.javax.sip.stack");
    p.setProperty("gov.nist.javax.sip.LOG_MESSAGE_CONTENT", "false");
    p.setProperty("gov.nist.javax.sip.DELIVER_UNSOLICITED_NOTIFY", "false");
    p.setProperty("gov.nist.javax.sip.MESSAGE_PARSER_FACTORY", SipMessageParser.Factory.class.getName());
    p.setProperty("gov.nist.javax.sip.TLS_SECURITY_POLICY", "gov.nist.javax.sip.stack.DefaultTlsSecurityPolicy");
    return p;
  }

  /**
   * TCP and TLS on JAIN-SIP's NIO transport, so that a connection costs no thread, with the caps
   * and the idle time its NIO listeners leave open; TLS keys only when TLS is on.
   */
  private static void transport(Properties p, SipTransportSettings t) {
    p.setProperty("gov.nist.javax.sip.MESSAGE_PROCESSOR_FACTORY", CappedNioMessageProcessorFactory.class.getName());
    p.setProperty("gov.nist.javax.sip.NIO_MAX_SOCKET_IDLE_TIME", Long.toString(t.connectionIdleTimeout().toMillis()));
    p.setProperty("gov.nist.javax.sip.MAX_CONNECTIONS", Integer.toString(t.maxConnections()));
    p.setProperty(CappedNioMessageProcessorFactory.MAX_PER_ADDRESS, Integer.toString(t.maxConnectionsPerAddress()));
    // Connecting to a phone blocks the sending thread: not for long.
    p.setProperty("gov.nist.javax.sip.CONNECTION_TIMEOUT", "3000");
    if (t.tls().isEmpty()) {
      // No TLS listener: no key or trust stores to load (left unset, the stack warns at every start that it has none).
      p.setProperty("gov.nist.javax.sip.SECURITY_MANAGER_PROVIDER", NoTlsSecurityManager.class.getName());
      return;
    }
    p.setProperty("gov.nist.javax.sip.SECURITY_MANAGER_PROVIDER", KeyStoreSecurityManager.class.getName());
    p.setProperty(KeyStoreSecurityManager.KEYSTORE, t.tls().get().keystore().toString());
    p.setProperty(KeyStoreSecurityManager.PASSWORD, t.tls().get().password());
    // Phones prove who they are with digest, as over UDP and TCP; they need no client certificate.
    p.setProperty("gov.nist.javax.sip.TLS_CLIENT_AUTH_TYPE", "Disabled");
    // JAIN-SIP's own defaults are TLS 1.0-1.2 with RSA key exchange and anonymous suites: the JVM's are sound.
    p.setProperty("gov.nist.javax.sip.TLS_CLIENT_PROTOCOLS", "TLSv1.3,TLSv1.2");
    p.setProperty("gov.nist.javax.sip.ENABLED_CIPHER_SUITES", String.join(",", jvmCipherSuites()));
  }

  private static String[] jvmCipherSuites() {
    try {
      return javax.net.ssl.SSLContext.getDefault().getDefaultSSLParameters().getCipherSuites();
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM offers no TLS", e);
    }
  }

  public SipProvider provider() { return provider; }
  public AddressFactory addresses() { return addresses; }
  public HeaderFactory headers() { return headers; }
  public MessageFactory messages() { return messages; }

  /**
   * Keeps the TCP or TLS connection that {@code request} came in on open for {@code time} however
   * quiet it is (zero: only while it carries traffic): a phone registered over it may get its calls
   * on it. Nothing for UDP.
   */
  public void keepConnection(Request request, Duration time) {
    if (!(request instanceof SIPRequest received) || received.getPeerPacketSourceAddress() == null) return;
    InetSocketAddress remote = new InetSocketAddress(received.getPeerPacketSourceAddress(), received.getPeerPacketSourcePort());
    listeners().forEach(l -> l.keepOpen(remote, System.currentTimeMillis() + time.toMillis()));
  }

  /** The inbound TCP and TLS connections open now. */
  public int openConnections() {
    return listeners().findFirst().map(CappedNioMessageProcessorFactory.Listener::openConnections).orElse(0);
  }

  /** The inbound TCP and TLS connections closed at once because a cap was reached, since the start. */
  public long refusedConnections() {
    return listeners().findFirst().map(CappedNioMessageProcessorFactory.Listener::refusedConnections).orElse(0L);
  }

  private Stream<CappedNioMessageProcessorFactory.Listener> listeners() {
    return Stream.of(provider.getListeningPoints()).map(lp -> ((ListeningPointImpl) lp).getMessageProcessor())
        .filter(CappedNioMessageProcessorFactory.Listener.class::isInstance).map(CappedNioMessageProcessorFactory.Listener.class::cast);
  }

  /** Stops the stack and its event thread, so that nothing of it keeps the JVM alive. */
  public void stop() {
    owned.stop();
  }
}
