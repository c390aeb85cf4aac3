package io.callengine.sip;

import java.util.Properties;
import java.util.TooManyListenersException;
import javax.sip.ListeningPoint;
import javax.sip.SipFactory;
import javax.sip.SipListener;
import javax.sip.SipProvider;
import javax.sip.SipStack;
import javax.sip.address.AddressFactory;
import javax.sip.header.HeaderFactory;
import javax.sip.message.MessageFactory;

/**
 * The JAIN-SIP stack of this node: one provider listening on UDP and TCP at the same address,
 * with every limit set explicitly, and the factories that build messages.
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
    p.setProperty("gov.nist.javax.sip.MAX_CONNECTIONS", Integer.toString(s.maxConnections()));
    p.setProperty("gov.nist.javax.sip.READ_TIMEOUT", "1000");
    // The wait for the ACK of our 2xx, in T1 ticks; its end reaches SipEventListener.processDialogTimeout.
    p.setProperty("gov.nist.javax.sip.DIALOG_TIMEOUT_FACTOR", Integer.toString(s.liveness().ackTimeoutTicks()));
    p.setProperty("gov.nist.javax.sip.TRACE_LEVEL", "0");
    // The stack logs under its name unless told otherwise; under gov.nist the node's log configuration reaches it.
    p.setProperty("gov.nist.javax.sip.LOG4J_LOGGER_NAME", "gov.nist.javax.sip.stack");
    p.setProperty("gov.nist.javax.sip.LOG_MESSAGE_CONTENT", "false");
    p.setProperty("gov.nist.javax.sip.DELIVER_UNSOLICITED_NOTIFY", "false");
    p.setProperty("gov.nist.javax.sip.MESSAGE_PARSER_FACTORY", SipMessageParser.Factory.class.getName());
    // No TLS listener: no key or trust stores to load, and the stack's own policy said out loud
    // (left unset, the stack warns about each of them at every start).
    p.setProperty("gov.nist.javax.sip.SECURITY_MANAGER_PROVIDER", NoTlsSecurityManager.class.getName());
    p.setProperty("gov.nist.javax.sip.TLS_SECURITY_POLICY", "gov.nist.javax.sip.stack.DefaultTlsSecurityPolicy");
    return p;
  }

  public SipProvider provider() { return provider; }
  public AddressFactory addresses() { return addresses; }
  public HeaderFactory headers() { return headers; }
  public MessageFactory messages() { return messages; }

  /** Stops the stack and its event thread, so that nothing of it keeps the JVM alive. */
  public void stop() {
    owned.stop();
  }
}
