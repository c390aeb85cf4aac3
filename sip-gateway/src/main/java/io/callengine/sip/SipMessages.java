package io.callengine.sip;

import gov.nist.javax.sip.stack.SIPDialog;
import gov.nist.javax.sip.stack.SIPServerTransaction;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import javax.sip.ServerTransaction;
import javax.sip.SipException;
import javax.sip.address.Address;
import javax.sip.address.SipURI;
import javax.sip.address.URI;
import javax.sip.header.CSeqHeader;
import javax.sip.header.ContactHeader;
import javax.sip.header.ContentTypeHeader;
import javax.sip.header.FromHeader;
import javax.sip.header.ReferToHeader;
import javax.sip.header.ToHeader;
import javax.sip.header.ViaHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds and sends the gateway's SIP messages: responses with the engine's To tag and Contact,
 * and the INVITE to an agent's phone. Every send goes through {@link SipSends}, so that none
 * that may connect (TCP, TLS) runs on the caller's thread. Sending failures (the peer went
 * away) are logged, not thrown: the call's state machine decides what a lost peer means.
 */
public final class SipMessages {
  private static final Logger log = LoggerFactory.getLogger(SipMessages.class);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final SipStackHolder sip;
  private final SipSettings settings;
  private final SipMetrics metrics;
  private final SipSends sends;

  /** {@code connectionSends}: where sends over TCP and TLS run (the {@code callengine.sip-send-dispatcher}). */
  SipMessages(SipStackHolder sip, SipSettings settings, SipMetrics metrics, java.util.concurrent.Executor connectionSends) {
    this.sip = sip;
    this.settings = settings;
    this.metrics = metrics;
    this.sends = new SipSends(connectionSends);
  }

  /** Hands {@code message} to JAIN-SIP with {@code send}, off the caller's thread when it may connect. */
  java.util.concurrent.CompletionStage<Void> send(javax.sip.message.Message message, SipSends.Send send) {
    return sends.send(message, send);
  }

  public static String newTag() {
    byte[] bytes = new byte[6];
    RANDOM.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  /** Answers a request; {@code toTag} (or a fresh one when null) is set when the request had none. */
  public void respond(ServerTransaction transaction, Request request, int status, String toTag) {
    respond(transaction, request, status, toTag, null, List.of());
  }

  public void respond(ServerTransaction transaction, Request request, int status, String toTag, String sdp,
      List<javax.sip.header.Header> extraHeaders) {
    respond(transaction, request, status, null, toTag, sdp, extraHeaders);
  }

  /** How a phone hears the engine's refusal: 404 unknown, 403 not allowed, 486 busy (cannot take it now), 400 invalid, 503. */
  public static int statusOf(io.callengine.core.Refusal refusal) {
    return switch (refusal) {
      case NOT_FOUND -> Response.NOT_FOUND;
      case FORBIDDEN -> Response.FORBIDDEN;
      case CONFLICT -> Response.BUSY_HERE;
      case INVALID -> Response.BAD_REQUEST;
      case UNAVAILABLE -> Response.SERVICE_UNAVAILABLE;
    };
  }

  /** Answers {@code in} with {@code status} and the reason phrase {@code reason} (null: the status's usual one). */
  public void respond(SipIn.RequestIn in, int status, String reason) {
    respond(in.transaction(), in.request(), status, reason, null, null, List.of());
  }

  /** {@code reason}: the reason phrase, or null for the status's usual one. */
  public void respond(ServerTransaction transaction, Request request, int status, String reason, String toTag, String sdp,
      List<javax.sip.header.Header> extraHeaders) {
    if (transaction == null) return;
    try {
      Response response = sip.messages().createResponse(status, request);
      if (reason != null) response.setReasonPhrase(reason);
      ToHeader to = (ToHeader) response.getHeader(ToHeader.NAME);
      // RFC 3261 8.2.6.2: every response but 100 carries a To tag; ours is stable for an INVITE's dialog.
      if (to.getTag() == null && status != Response.TRYING) to.setTag(toTag != null ? toTag : newTag());
      if (status / 100 == 2 && Request.INVITE.equals(request.getMethod())) response.addHeader(contact(transportOf(request)));
      for (javax.sip.header.Header header : extraHeaders) response.addHeader(header);
      if (sdp != null) response.setContent(sdp, sdpType());
      send(response, () -> {
        SIPDialog ackAwaited = awaitAck(transaction, response);
        try {
          transaction.sendResponse(response);
        } catch (SipException e) {
          if (ackAwaited != null) ackAwaited.delete(); // stops the timer armed above: no 2xx went out to repeat, there is no call
          throw e;
        }
        metrics.responseSent(request.getMethod(), status);
      }).whenComplete((sent, e) -> {
        if (e != null) log.debug("Could not answer {} with {}: {}", request.getMethod(), status, e.getMessage());
      });
    } catch (Exception e) {
      log.debug("Could not answer {} with {}: {}", request.getMethod(), status, e.getMessage());
    }
  }

  /**
   * Arms the dialog's 2xx retransmission before a 2xx to an INVITE leaves, and returns that
   * dialog (null for any other response). JAIN-SIP arms it only after the 2xx was handed to the
   * socket, and it finds the INVITE an ACK confirms through that timer: an ACK processed on a
   * stack thread in between (on a fast link the peer's ACK is back within a millisecond) was not
   * counted, and the 200 went out again after T1 (0.5 s) and once more per unanswered
   * retransmission. Armed first, the ACK always finds it; the stack's own arming afterwards sees
   * the ACK and stops at its first tick without sending.
   */
  private static SIPDialog awaitAck(ServerTransaction transaction, Response response) {
    if (response.getStatusCode() / 100 != 2 || !Request.INVITE.equals(((CSeqHeader) response.getHeader(CSeqHeader.NAME)).getMethod())
        || !(transaction instanceof SIPServerTransaction server) || !(transaction.getDialog() instanceof SIPDialog dialog)) {
      return null;
    }
    dialog.startRetransmitTimer(server, response);
    return dialog;
  }

  /**
   * Sends the refusal {@code checks} find for {@code request}, if any, and says whether there was
   * one. Without a transaction it goes statelessly (RFC 3261 8.2.7): a malformed request creates no
   * state, and its retransmission is checked and refused again.
   */
  boolean refuse(ServerTransaction transaction, Request request, RequestChecks checks) {
    Response refusal;
    try {
      refusal = checks.refusal(request);
    } catch (Exception e) {
      log.debug("Could not check a {}: {}", request.getMethod(), e.getMessage());
      return false;
    }
    if (refusal == null) return false;
    sendRefusal(transaction, request, refusal);
    return true;
  }

  /** 503 with {@code Retry-After} sent statelessly: a request refused before any transaction (a source over its rate). */
  void serviceUnavailableStatelessly(Request request, java.time.Duration retryAfter) {
    try {
      Response response = sip.messages().createResponse(Response.SERVICE_UNAVAILABLE, request);
      ((ToHeader) response.getHeader(ToHeader.NAME)).setTag(newTag());
      response.addHeader(sip.headers().createRetryAfterHeader((int) Math.max(1, retryAfter.toSeconds())));
      sendRefusal(null, request, response);
    } catch (Exception e) {
      log.debug("Could not answer a {} with 503: {}", request.getMethod(), e.getMessage());
    }
  }

  private void sendRefusal(ServerTransaction transaction, Request request, Response refusal) {
    try {
      if (transaction != null) transaction.sendResponse(refusal);
      else sip.provider().sendResponse(refusal);
      metrics.responseSent(request.getMethod(), refusal.getStatusCode());
    } catch (Exception e) {
      log.debug("Could not refuse a {} with {}: {}", request.getMethod(), refusal.getStatusCode(), e.getMessage());
    }
  }

  /** Answers 503 Service Unavailable with {@code Retry-After} (whole seconds, at least 1). */
  public void serviceUnavailable(ServerTransaction transaction, Request request, java.time.Duration retryAfter) {
    try {
      javax.sip.header.Header header = sip.headers().createRetryAfterHeader((int) Math.max(1, retryAfter.toSeconds()));
      respond(transaction, request, Response.SERVICE_UNAVAILABLE, null, null, List.of(header));
    } catch (javax.sip.InvalidArgumentException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A new out-of-dialog INVITE from the engine to an agent's registered contact. */
  public Request agentInvite(String contact, String agentSipUri, String fromUser, String callId, String fromTag, String sdp)
      throws Exception {
    URI requestUri = sip.addresses().createURI(contact);
    String transport = requestUri instanceof SipURI sipUri && sipUri.getTransportParam() != null
        ? sipUri.getTransportParam() : "udp";
    Address fromAddress = sip.addresses().createAddress("sip:" + fromUser + "@" + settings.publicHost());
    FromHeader from = sip.headers().createFromHeader(fromAddress, fromTag);
    ToHeader to = sip.headers().createToHeader(sip.addresses().createAddress(agentSipUri), null);
    ViaHeader via = sip.headers().createViaHeader(settings.publicHost(), port(transport), transport, null);
    via.setRPort();
    Request invite = sip.messages().createRequest(requestUri, Request.INVITE,
        sip.headers().createCallIdHeader(callId), sip.headers().createCSeqHeader(1L, Request.INVITE),
        from, to, List.of(via), sip.headers().createMaxForwardsHeader(70));
    invite.addHeader(contact(transport));
    invite.setContent(sdp, sdpType());
    return invite;
  }

  /** Ends a dialog with BYE; a dialog already gone is nothing to end. */
  public void bye(javax.sip.Dialog dialog) {
    if (dialog == null) return;
    try {
      Request bye = dialog.createRequest(Request.BYE);
      logFailure(send(bye, () -> dialog.sendRequest(sip.provider().getNewClientTransaction(bye))), "BYE");
    } catch (Exception e) {
      log.debug("Could not send BYE: {}", e.getMessage());
    }
  }

  /** ACKs a 2xx answer to our INVITE; throws if the ACK cannot be built. */
  public void ack(javax.sip.Dialog dialog, Response ok) throws Exception {
    Request ack = dialog.createAck(((javax.sip.header.CSeqHeader) ok.getHeader(javax.sip.header.CSeqHeader.NAME)).getSeqNumber());
    logFailure(send(ack, () -> dialog.sendAck(ack)), "ACK");
  }

  /**
   * The dialog of a 2xx answer to our INVITE that nobody wants (an INVITE given up on, or one that
   * lost a race): ACKed, so the phone stops retransmitting, and hung up at once. Anything else,
   * or a 2xx without a dialog, is left alone.
   */
  public void hangUpUnwanted(SipIn.ResponseIn in) {
    if (in.response().getStatusCode() / 100 != 2 || in.transaction() == null || in.transaction().getDialog() == null) return;
    javax.sip.Dialog unwanted = in.transaction().getDialog();
    try {
      ack(unwanted, in.response());
    } catch (Exception e) {
      log.debug("Could not ACK an unwanted answer: {}", e.getMessage());
    }
    bye(unwanted);
  }

  /** CANCELs our INVITE (which has had a provisional answer); throws if the CANCEL cannot be built. */
  public void cancel(javax.sip.ClientTransaction invite) throws Exception {
    Request cancel = invite.createCancel();
    logFailure(send(cancel, () -> sip.provider().getNewClientTransaction(cancel).sendRequest()), "CANCEL");
  }

  private static void logFailure(java.util.concurrent.CompletionStage<Void> sent, String what) {
    sent.whenComplete((done, e) -> {
      if (e != null) log.debug("Could not send {}: {}", what, e.getMessage());
    });
  }

  public ContactHeader contact() {
    return contact("udp");
  }

  /** The engine's Contact for a dialog over {@code transport}: that transport's port, and named in it unless UDP. */
  public ContactHeader contact(String transport) {
    try {
      SipURI uri = sip.addresses().createSipURI("call-engine", settings.publicHost());
      uri.setPort(port(transport));
      if (!"udp".equalsIgnoreCase(transport)) uri.setTransportParam(transport.toLowerCase(java.util.Locale.ROOT));
      return sip.headers().createContactHeader(sip.addresses().createAddress(uri));
    } catch (java.text.ParseException e) {
      throw new IllegalStateException("the public host " + settings.publicHost() + " is not a valid SIP host", e);
    }
  }

  private int port(String transport) {
    return "tls".equalsIgnoreCase(transport) && settings.transport().tls().isPresent()
        ? settings.transport().tls().get().port() : settings.port();
  }

  /** The transport a request came over, as its top Via says. */
  private static String transportOf(Request request) {
    ViaHeader via = (ViaHeader) request.getHeader(ViaHeader.NAME);
    return via == null ? "udp" : via.getTransport();
  }

  public ContentTypeHeader sdpType() throws java.text.ParseException {
    return sip.headers().createContentTypeHeader("application", "sdp");
  }

  public static String sdpBody(javax.sip.message.Message message) {
    byte[] raw = message.getRawContent();
    return raw == null ? null : new String(raw, StandardCharsets.UTF_8);
  }

  /** The Call-ID a REFER's {@code Refer-To} names in {@code Replaces}; empty when none. */
  static String replacedCallId(Request refer) {
    if (!(refer.getHeader(ReferToHeader.NAME) instanceof ReferToHeader referTo)
        || !(referTo.getAddress().getURI() instanceof SipURI uri) || uri.getHeader("Replaces") == null) {
      return "";
    }
    String replaces = URLDecoder.decode(uri.getHeader("Replaces"), StandardCharsets.UTF_8);
    return replaces.split(";", 2)[0].strip();
  }

  public SipStackHolder stack() {
    return sip;
  }
}
