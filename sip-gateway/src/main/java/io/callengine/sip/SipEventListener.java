package io.callengine.sip;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.sip.DialogTerminatedEvent;
import javax.sip.IOExceptionEvent;
import javax.sip.RequestEvent;
import javax.sip.ResponseEvent;
import javax.sip.ServerTransaction;
import gov.nist.javax.sip.DialogTimeoutEvent;
import gov.nist.javax.sip.SipListenerExt;
import javax.sip.TimeoutEvent;
import javax.sip.TransactionAlreadyExistsException;
import javax.sip.TransactionTerminatedEvent;
import javax.sip.TransactionUnavailableException;
import javax.sip.header.CSeqHeader;
import javax.sip.header.CallIdHeader;
import javax.sip.header.ToHeader;
import javax.sip.message.Message;
import javax.sip.message.Request;
import org.apache.pekko.actor.typed.ActorRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stack's one listener. It runs on JAIN-SIP threads, so it only turns events into
 * messages: to the call session that owns the Call-ID, or else to the gateway actor. It never
 * blocks and never touches actor state. A new call's INVITE passes {@link CallAdmission} first:
 * past the limit of calls in set-up it is answered 503 with Retry-After right here, so an
 * overloaded node spends nothing more on it. Before that, new INVITEs and REGISTERs pass their
 * source's rate limits ({@link FloodGuard}), and a request that fails {@link RequestChecks} gets
 * its refusal, without a transaction when it has none yet.
 */
public final class SipEventListener implements SipListenerExt {
  private static final Logger log = LoggerFactory.getLogger(SipEventListener.class);

  private final Map<String, ActorRef<CallSession.Message>> sessions = new ConcurrentHashMap<>();
  private final SipMetrics metrics;
  private final CallAdmission admission;
  private volatile ActorRef<SipGateway.Command> gateway;
  private volatile ActorRef<PhoneProbe.Command> probe;
  private volatile SipMessages messages;
  private volatile RequestChecks checks;
  private volatile Duration overloadRetryAfter;
  private volatile FloodGuard floodGuard;

  SipEventListener(SipMetrics metrics, CallAdmission admission) {
    this.metrics = metrics;
    this.admission = admission;
  }

  void attach(ActorRef<SipGateway.Command> gateway, ActorRef<PhoneProbe.Command> probe, SipMessages messages,
      Duration overloadRetryAfter, FloodGuard floodGuard) {
    this.overloadRetryAfter = overloadRetryAfter;
    this.probe = probe;
    this.floodGuard = floodGuard;
    this.messages = messages;
    this.checks = new RequestChecks(messages.stack());
    this.gateway = gateway;
  }

  /** Call-ID to the session that owns it; sessions add and remove their own Call-IDs. */
  Map<String, ActorRef<CallSession.Message>> sessions() {
    return sessions;
  }

  @Override
  public void processRequest(RequestEvent event) {
    Request request = event.getRequest();
    metrics.requestReceived(request.getMethod());
    ActorRef<SipGateway.Command> gateway = this.gateway;
    if (gateway == null) return; // not attached yet: the stack is starting
    if (floodGuard.refuses(request)) return;
    ServerTransaction transaction = event.getServerTransaction();
    if (messages.refuse(transaction, request, checks)) return;
    if (transaction == null && !Request.ACK.equals(request.getMethod())) {
      try {
        transaction = messages.stack().provider().getNewServerTransaction(request);
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
    else if (isNewCall(request)) admit(message, gateway);
    else gateway.tell(message);
  }

  /**
   * The 503 is sent on this stack thread, as the stack sends its own automatic answers: a UDP
   * datagram, or a write to the TCP connection the INVITE came on.
   */
  private void admit(SipIn.RequestIn invite, ActorRef<SipGateway.Command> gateway) {
    CallAdmission.Setup setup = admission.tryAdmit(floodGuard.admissionSource(invite.request()));
    if (setup == null) messages.serviceUnavailable(invite.transaction(), invite.request(), overloadRetryAfter);
    else gateway.tell(new SipGateway.NewCall(invite, setup));
  }

  /**
   * A new dialog's INVITE. The second call of an agent's phone's attended transfer is one too: it is
   * admitted as any, and the gateway tells it from a customer's by its From ({@link PhoneConsults});
   * its later requests reach the consulted call's session, which adds its Call-ID to {@link #sessions}.
   */
  private static boolean isNewCall(Request request) {
    return Request.INVITE.equals(request.getMethod()) && ((ToHeader) request.getHeader(ToHeader.NAME)).getTag() == null;
  }

  /**
   * Only answers to INVITEs reach a session or the gateway: the answers to the engine's BYEs and
   * CANCELs are the stack's business, and they mostly arrive after the session has stopped. The
   * final answers to the engine's OPTIONS go to the phone probe.
   */
  @Override
  public void processResponse(ResponseEvent event) {
    metrics.responseReceived(event.getResponse());
    String method = ((CSeqHeader) event.getResponse().getHeader(CSeqHeader.NAME)).getMethod();
    if (Request.OPTIONS.equals(method) && probe != null && event.getResponse().getStatusCode() >= 200) {
      probe.tell(new PhoneProbe.Answered(callId(event.getResponse()), event.getResponse().getStatusCode()));
    }
    // INVITE answers, and the answers to a transfer's NOTIFYs (the session sends one at a time).
    if (!Request.INVITE.equals(method) && !Request.NOTIFY.equals(method)) return;
    SipIn.ResponseIn message = new SipIn.ResponseIn(event.getResponse(), event.getClientTransaction());
    ActorRef<CallSession.Message> session = sessions.get(callId(event.getResponse()));
    if (session != null) session.tell(message);
    else if (gateway != null && event.getClientTransaction() != null) gateway.tell(message);
  }

  @Override
  public void processTimeout(TimeoutEvent event) {
    if (event.isServerTransaction()) return;
    if (Request.OPTIONS.equals(event.getClientTransaction().getRequest().getMethod())) {
      if (probe != null) probe.tell(new PhoneProbe.TimedOut(callId(event.getClientTransaction().getRequest())));
      return;
    }
    ActorRef<CallSession.Message> session = sessions.get(callId(event.getClientTransaction().getRequest()));
    if (session != null) session.tell(new SipIn.TimeoutIn(event.getClientTransaction()));
  }

  /**
   * As a plain listener's, the stack would delete a dialog whose 2xx no ACK confirmed, silently,
   * so that the call session could no longer send its BYE; as a {@link SipListenerExt}'s it
   * leaves that to us. A call session's own ack timer hangs up (the stack reports this timeout
   * only for a dialog that went through an early state, which the engine's answers, 100 then 200,
   * never do); a dialog no session owns, or a timeout of another kind, is deleted here, as
   * before.
   */
  @Override
  public void processDialogTimeout(DialogTimeoutEvent event) {
    javax.sip.Dialog dialog = event.getDialog();
    boolean owned = sessions.containsKey(dialog.getCallId().getCallId());
    if (event.getReason() != DialogTimeoutEvent.Reason.AckNotReceived || !owned) dialog.delete();
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
