package io.callengine.examples;

import io.callengine.sip.JainSipStack;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.sip.ClientTransaction;
import javax.sip.DialogTerminatedEvent;
import javax.sip.IOExceptionEvent;
import javax.sip.ListeningPoint;
import javax.sip.ResponseEvent;
import javax.sip.SipFactory;
import javax.sip.SipListener;
import javax.sip.SipProvider;
import javax.sip.TimeoutEvent;
import javax.sip.TransactionTerminatedEvent;
import javax.sip.address.Address;
import javax.sip.address.AddressFactory;
import javax.sip.header.HeaderFactory;
import javax.sip.message.MessageFactory;
import javax.sip.message.Request;
import javax.sip.message.Response;

/**
 * What the example phone and caller share: a JAIN-SIP stack of their own on 127.0.0.1 (UDP, a
 * free port), the factories that build messages, an RTP stream, and requests whose final
 * response completes a future. {@link SipPhone} and {@link SipCaller} answer what arrives.
 */
abstract class SipUserAgent implements SipListener, AutoCloseable {
  private static final AtomicLong STACKS = new AtomicLong();

  final String user;
  final String engineHost;
  final int enginePort;
  final int port;
  final RtpStream rtp;
  final SipProvider provider;
  final AddressFactory addresses;
  final HeaderFactory headers;
  final MessageFactory messages;
  private final JainSipStack stack;
  private final Map<ClientTransaction, CompletableFuture<Response>> pending = new ConcurrentHashMap<>();

  SipUserAgent(String user, String engineHost, int enginePort, RtpStream rtp) throws Exception {
    this.user = user;
    this.engineHost = engineHost;
    this.enginePort = enginePort;
    this.rtp = rtp;
    this.port = freeUdpPort();
    SipFactory factory = SipFactory.getInstance();
    factory.setPathName("gov.nist");
    Properties properties = new Properties();
    properties.setProperty("javax.sip.STACK_NAME", "example-" + user + "-" + STACKS.incrementAndGet());
    properties.setProperty("gov.nist.javax.sip.LOG4J_LOGGER_NAME", "gov.nist.javax.sip.stack");
    // JainSipStack, not SipFactory.createSipStack: its stop() ends every thread of the stack, so the JVM can exit.
    stack = JainSipStack.create(properties);
    ListeningPoint udp = stack.stack().createListeningPoint("127.0.0.1", port, ListeningPoint.UDP);
    provider = stack.stack().createSipProvider(udp);
    provider.addSipListener(this);
    addresses = factory.createAddressFactory();
    headers = factory.createHeaderFactory();
    messages = factory.createMessageFactory();
  }

  private static int freeUdpPort() throws IOException {
    try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      return probe.getLocalPort();
    }
  }

  /** {@code sip:<user>@127.0.0.1:<port>}: where this agent receives requests. */
  String contact() {
    return "sip:" + user + "@127.0.0.1:" + port;
  }

  /** A request outside any dialog from this user to {@code requestUri}, addressed {@code to}. */
  Request request(String method, String requestUri, String to, long cseq, String callId) throws Exception {
    Address from = addresses.createAddress("sip:" + user + "@" + engineHost);
    var via = headers.createViaHeader("127.0.0.1", port, ListeningPoint.UDP, null);
    via.setRPort();
    Request request = messages.createRequest(addresses.createURI(requestUri), method,
        callId == null ? provider.getNewCallId() : headers.createCallIdHeader(callId), headers.createCSeqHeader(cseq, method),
        headers.createFromHeader(from, Long.toHexString(System.nanoTime())), headers.createToHeader(addresses.createAddress(to), null),
        List.of(via), headers.createMaxForwardsHeader(70));
    request.addHeader(headers.createContactHeader(addresses.createAddress(contact())));
    return request;
  }

  /** Sends a request in a new client transaction; the future completes with the final response. */
  CompletableFuture<Response> send(Request request) throws Exception {
    return track(provider.getNewClientTransaction(request), ClientTransaction::sendRequest);
  }

  interface Sending {
    void send(ClientTransaction transaction) throws Exception;
  }

  CompletableFuture<Response> track(ClientTransaction transaction, Sending sending) throws Exception {
    CompletableFuture<Response> result = new CompletableFuture<>();
    pending.put(transaction, result);
    sending.send(transaction);
    return result;
  }

  /** The final response, waited for at most 10 s. */
  static Response await(CompletableFuture<Response> response) throws Exception {
    try {
      return response.get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }

  @Override
  public void processResponse(ResponseEvent event) {
    if (event.getResponse().getStatusCode() < 200 || event.getClientTransaction() == null) return;
    onFinalResponse(event);
    CompletableFuture<Response> result = pending.remove(event.getClientTransaction());
    if (result != null) result.complete(event.getResponse());
  }

  /** A final response, before its future completes (a caller ACKs a 200 to its INVITE here). */
  void onFinalResponse(ResponseEvent event) {}

  @Override
  public void processTimeout(TimeoutEvent event) {
    if (event.isServerTransaction()) return;
    CompletableFuture<Response> result = pending.remove(event.getClientTransaction());
    if (result != null) result.completeExceptionally(new IllegalStateException("no answer to " + event.getClientTransaction().getRequest().getMethod()));
  }

  @Override
  public void processIOException(IOExceptionEvent event) {}

  @Override
  public void processTransactionTerminated(TransactionTerminatedEvent event) {}

  @Override
  public void processDialogTerminated(DialogTerminatedEvent event) {}

  @Override
  public void close() throws InterruptedException {
    rtp.close();
    stack.stop();
  }
}
