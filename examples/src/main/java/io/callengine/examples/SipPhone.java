package io.callengine.examples;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.ListIterator;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.sip.RequestEvent;
import javax.sip.ServerTransaction;
import javax.sip.header.ExpiresHeader;
import javax.sip.header.ToHeader;
import javax.sip.header.WWWAuthenticateHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;

/**
 * An agent's SIP phone on 127.0.0.1: registers with the engine's registrar with digest
 * authentication (SHA-256 when offered, else MD5), and answers every call the engine rings it
 * with (180, then 200 with its SDP after {@code answerAfter}), sending its tone over RTP while
 * the call lasts. What happened is in {@link #events}: INVITE, ACK, BYE, CANCEL as they arrive.
 */
final class SipPhone extends SipUserAgent {
  /** The tone an agent's phone sends; callers listen for it. */
  static final int TONE_HZ = 800;

  final BlockingQueue<String> events = new LinkedBlockingQueue<>();
  private final String password;
  private final Duration answerAfter;
  /** The INVITE ringing now; whichever of the answer and a CANCEL takes it first wins. */
  private final AtomicReference<ServerTransaction> ringing = new AtomicReference<>();
  private long cseq = 1;

  SipPhone(String user, String password, String engineHost, int enginePort, Duration answerAfter) throws Exception {
    super(user, engineHost, enginePort, new RtpStream(user, TONE_HZ, SipCaller.TONE_HZ));
    this.password = password;
    this.answerAfter = answerAfter;
  }

  /**
   * Binds this phone's contact to its user for {@code expires} seconds: REGISTER, the registrar's
   * 401 challenge, REGISTER again with the answer. Returns the final response.
   */
  Response register(int expires) throws Exception {
    String callId = provider.getNewCallId().getCallId();
    Response challenge = await(send(register(callId, expires, null)));
    if (challenge.getStatusCode() != Response.UNAUTHORIZED) return challenge;
    return await(send(register(callId, expires, authorization(challenge))));
  }

  private Request register(String callId, int expires, String authorization) throws Exception {
    String me = "sip:" + user + "@" + engineHost;
    Request request = request(Request.REGISTER, "sip:" + engineHost + ":" + enginePort, me, cseq++, callId);
    request.addHeader(headers.createExpiresHeader(expires));
    if (authorization != null) request.addHeader(headers.createHeader("Authorization", authorization));
    return request;
  }

  /**
   * The digest answer (RFC 7616, qop=auth) to the strongest challenge offered. Written out rather
   * than JAIN-SIP's AuthenticationHelper, which answers every challenge of the 401 at once.
   */
  private String authorization(Response challenge) throws Exception {
    WWWAuthenticateHeader chosen = null;
    for (ListIterator<?> it = challenge.getHeaders(WWWAuthenticateHeader.NAME); it.hasNext(); ) {
      WWWAuthenticateHeader offered = (WWWAuthenticateHeader) it.next();
      if (chosen == null || "SHA-256".equalsIgnoreCase(offered.getAlgorithm())) chosen = offered;
    }
    if (chosen == null) throw new IllegalStateException("a 401 without a challenge");
    String algorithm = chosen.getAlgorithm() == null ? "MD5" : chosen.getAlgorithm().toUpperCase();
    String uri = "sip:" + engineHost + ":" + enginePort;
    String cnonce = Long.toHexString(System.nanoTime());
    String ha1 = hash(algorithm, user + ":" + chosen.getRealm() + ":" + password);
    String ha2 = hash(algorithm, Request.REGISTER + ":" + uri);
    String response = hash(algorithm, ha1 + ":" + chosen.getNonce() + ":00000001:" + cnonce + ":auth:" + ha2);
    return "Digest username=\"" + user + "\", realm=\"" + chosen.getRealm() + "\", nonce=\"" + chosen.getNonce()
        + "\", uri=\"" + uri + "\", response=\"" + response + "\", algorithm=" + algorithm + ", cnonce=\"" + cnonce
        + "\", qop=auth, nc=00000001" + (chosen.getOpaque() == null ? "" : ", opaque=\"" + chosen.getOpaque() + "\"");
  }

  private static String hash(String algorithm, String text) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(text.getBytes(StandardCharsets.UTF_8)));
  }

  /** The expiry the registrar granted, from its 200. */
  static int expires(Response ok) {
    ExpiresHeader expires = (ExpiresHeader) ok.getHeader(ExpiresHeader.NAME);
    if (expires != null) return expires.getExpires();
    javax.sip.header.ContactHeader contact = (javax.sip.header.ContactHeader) ok.getHeader("Contact");
    return contact == null ? -1 : contact.getExpires();
  }

  @Override
  public void processRequest(RequestEvent event) {
    Request request = event.getRequest();
    events.add(request.getMethod());
    try {
      ServerTransaction transaction = event.getServerTransaction();
      if (transaction == null && !Request.ACK.equals(request.getMethod())) transaction = provider.getNewServerTransaction(request);
      switch (request.getMethod()) {
        case Request.INVITE -> ring(request, transaction);
        case Request.ACK -> { }
        case Request.BYE -> {
          rtp.stopSending();
          transaction.sendResponse(messages.createResponse(Response.OK, request));
        }
        case Request.CANCEL -> {
          transaction.sendResponse(messages.createResponse(Response.OK, request));
          ServerTransaction invite = ringing.getAndSet(null);
          if (invite != null) invite.sendResponse(withTag(messages.createResponse(Response.REQUEST_TERMINATED, invite.getRequest())));
        }
        default -> transaction.sendResponse(messages.createResponse(Response.OK, request));
      }
    } catch (Exception e) {
      events.add("ERROR " + e);
    }
  }

  private void ring(Request invite, ServerTransaction transaction) throws Exception {
    Response ringingResponse = withTag(messages.createResponse(Response.RINGING, invite));
    ringing.set(transaction);
    transaction.sendResponse(ringingResponse);
    String tag = ((ToHeader) ringingResponse.getHeader(ToHeader.NAME)).getTag();
    CompletableFuture.delayedExecutor(answerAfter.toMillis(), TimeUnit.MILLISECONDS).execute(() -> answer(invite, transaction, tag));
  }

  private Response withTag(Response response) throws Exception {
    ((ToHeader) response.getHeader(ToHeader.NAME)).setTag(Long.toHexString(System.nanoTime()));
    return response;
  }

  private void answer(Request invite, ServerTransaction transaction, String tag) {
    if (!ringing.compareAndSet(transaction, null)) return; // cancelled meanwhile
    try {
      Response ok = messages.createResponse(Response.OK, invite);
      ((ToHeader) ok.getHeader(ToHeader.NAME)).setTag(tag);
      ok.addHeader(headers.createContactHeader(addresses.createAddress(contact())));
      ok.setContent(rtp.sdp(), headers.createContentTypeHeader("application", "sdp"));
      rtp.sendTo(new String(invite.getRawContent(), StandardCharsets.UTF_8));
      transaction.sendResponse(ok);
    } catch (Exception e) {
      events.add("ERROR " + e);
    }
  }

  /** The next request method that reaches the phone, or null after {@code timeout}. */
  String nextEvent(Duration timeout) throws InterruptedException {
    return events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }
}
