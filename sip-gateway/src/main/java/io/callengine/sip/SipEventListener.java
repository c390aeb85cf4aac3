package io.callengine.sip;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.sip.DialogTerminatedEvent;
import javax.sip.IOExceptionEvent;
import javax.sip.RequestEvent;
import javax.sip.ResponseEvent;
import javax.sip.ServerTransaction;
import javax.sip.SipListener;
import javax.sip.SipProvider;
import javax.sip.TimeoutEvent;
import javax.sip.TransactionAlreadyExistsException;
import javax.sip.TransactionTerminatedEvent;
import javax.sip.TransactionUnavailableException;
import javax.sip.header.CallIdHeader;
import javax.sip.message.Message;
import javax.sip.message.Request;
import org.apache.pekko.actor.typed.ActorRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stack's one listener. It runs on JAIN-SIP threads, so it only turns events into
 * messages: to the call session that owns the Call-ID, or else to the gateway actor. It never
 * blocks and never touches actor state.
 */
public final class SipEventListener implements SipListener {
  private static final Logger log = LoggerFactory.getLogger(SipEventListener.class);

  private final Map<String, ActorRef<CallSession.Message>> sessions = new ConcurrentHashMap<>();
  private final SipMetrics metrics;
  private volatile ActorRef<SipGateway.Command> gateway;
  private volatile SipProvider provider;

  SipEventListener(SipMetrics metrics) {
    this.metrics = metrics;
  }

  void attach(ActorRef<SipGateway.Command> gateway, SipProvider provider) {
    this.gateway = gateway;
    this.provider = provider;
  }

  /** Call-ID to the session that owns it; sessions add and remove their own Call-IDs. */
  Map<String, ActorRef<CallSession.Message>> sessions() {
    return sessions;
  }

  @Override
  public void processRequest(RequestEvent event) {
    Request request = event.getRequest();
    metrics.requestReceived(request.getMethod());
    ServerTransaction transaction = event.getServerTransaction();
    if (transaction == null && !Request.ACK.equals(request.getMethod())) {
      try {
        transaction = provider.getNewServerTransaction(request);
      } catch (TransactionAlreadyExistsException e) {
        return; // a retransmission the stack already answers
      } catch (TransactionUnavailableException e) {
        log.debug("No transaction for {}: {}", request.getMethod(), e.getMessage());
        return;
      }
    }
    SipIn.RequestIn message = new SipIn.RequestIn(request, transaction);
    ActorRef<CallSession.Message> session = sessions.get(callId(request));
    if (session != null) session.tell(message);
    else if (gateway != null) gateway.tell(message);
  }

  @Override
  public void processResponse(ResponseEvent event) {
    metrics.responseReceived(event.getResponse());
    SipIn.ResponseIn message = new SipIn.ResponseIn(event.getResponse(), event.getClientTransaction());
    ActorRef<CallSession.Message> session = sessions.get(callId(event.getResponse()));
    if (session != null) session.tell(message);
    else if (gateway != null && event.getClientTransaction() != null) gateway.tell(message);
  }

  @Override
  public void processTimeout(TimeoutEvent event) {
    if (event.isServerTransaction()) return;
    ActorRef<CallSession.Message> session = sessions.get(callId(event.getClientTransaction().getRequest()));
    if (session != null) session.tell(new SipIn.TimeoutIn(event.getClientTransaction()));
  }

  @Override
  public void processIOException(IOExceptionEvent event) {
    log.debug("SIP I/O error with {}:{} over {}", event.getHost(), event.getPort(), event.getTransport());
  }

  @Override
  public void processTransactionTerminated(TransactionTerminatedEvent event) {}

  @Override
  public void processDialogTerminated(DialogTerminatedEvent event) {}

  private static String callId(Message message) {
    CallIdHeader header = (CallIdHeader) message.getHeader(CallIdHeader.NAME);
    return header == null ? "" : header.getCallId();
  }
}
