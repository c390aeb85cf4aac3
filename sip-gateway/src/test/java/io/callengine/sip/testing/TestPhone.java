package io.callengine.sip.testing;

import io.callengine.sip.JainSipStack;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.ListIterator;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.sip.ClientTransaction;
import javax.sip.Dialog;
import javax.sip.DialogTerminatedEvent;
import javax.sip.IOExceptionEvent;
import javax.sip.ListeningPoint;
import javax.sip.RequestEvent;
import javax.sip.ResponseEvent;
import javax.sip.ServerTransaction;
import javax.sip.SipFactory;
import javax.sip.SipListener;
import javax.sip.SipProvider;
import javax.sip.TimeoutEvent;
import javax.sip.TransactionTerminatedEvent;
import javax.sip.address.Address;
import javax.sip.address.AddressFactory;
import javax.sip.header.CSeqHeader;
import javax.sip.header.CallIdHeader;
import javax.sip.header.HeaderFactory;
import javax.sip.header.ToHeader;
import javax.sip.header.ViaHeader;
import javax.sip.header.WWWAuthenticateHeader;
import javax.sip.message.MessageFactory;
import javax.sip.message.Request;
import javax.sip.message.Response;

/**
 * A SIP phone for tests, on its own JAIN-SIP stack at 127.0.0.1: registers with digest auth,
 * answers (or refuses, or ignores) incoming calls, places calls, and carries RTP through an
 * {@link RtpPeer}. Every wait is bounded.
 */
public final class TestPhone implements SipListener, AutoCloseable {
  /** SILENT: no answer at all until {@link #ringNow()} sends the 180 (a phone slow to say it rings). */
  public enum Answer { ANSWER, BUSY, DECLINE, NEVER, SILENT }

  private static final AtomicLong STACKS = new AtomicLong();
  private final String user;
  private final String engineHost;
  private final int enginePort;
  private final JainSipStack stack;
  private final SipProvider provider;
  private final AddressFactory addresses;
  private final HeaderFactory headers;
  private final MessageFactory messages;
  private final int port;
  private final String transport;
  private final Map<ClientTransaction, CompletableFuture<Response>> pending = new ConcurrentHashMap<>();
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  private long cseq = 1;

  /** What happened to this phone, in order: INVITE, ACK, BYE, CANCEL. */
  public final BlockingQueue<String> events = new LinkedBlockingQueue<>();
  public final RtpPeer rtp;
  /** The bodies of the NOTIFYs this phone received (a REFER's {@code message/sipfrag}), in order. */
  public final BlockingQueue<String> notifies = new LinkedBlockingQueue<>();
  public volatile Answer answer = Answer.ANSWER;
  /** How many more re-INVITEs this phone answers 200; past that, a 180 and nothing more, as for {@link Answer#NEVER}. */
  public final AtomicInteger reInvitesToAnswer = new AtomicInteger(Integer.MAX_VALUE);
  public volatile long answerDelayMillis = 0;
  /** The SDP of every re-INVITE this phone received, in order. */
  public final BlockingQueue<String> reInviteOffers = new LinkedBlockingQueue<>();
  /** How many of the next re-INVITEs this phone refuses with 491 Request Pending before answering again. */
  public final AtomicInteger reInvitesToRefuseAsPending = new AtomicInteger();
  /** False: the 200 to this phone's INVITE is never ACKed, as by a phone that died right after calling. */
  public volatile boolean ackAnswers = true;
  /** The status OPTIONS are answered with; 0: no answer at all, as from a phone gone from the network. */
  public volatile int optionsStatus = 200;
  private volatile Dialog incomingDialog;
  private volatile ServerTransaction incomingInvite;

  public TestPhone(String user, int port, String engineHost, int enginePort) throws Exception {
    this(user, port, engineHost, enginePort, "udp");
  }

  /** A phone that talks to the engine and listens over {@code transport} ({@code udp} or {@code tcp}) only. */
  public TestPhone(String user, int port, String engineHost, int enginePort, String transport) throws Exception {
    this.user = user;
    this.transport = transport;
    this.port = port;
    this.engineHost = engineHost;
    this.enginePort = enginePort;
    SipFactory factory = SipFactory.getInstance();
    factory.setPathName("gov.nist");
    Properties p = new Properties();
    p.setProperty("javax.sip.STACK_NAME", "test-phone-" + user + "-" + STACKS.incrementAndGet());
    p.setProperty("gov.nist.javax.sip.TRACE_LEVEL", "0");
    stack = JainSipStack.create(p);
    ListeningPoint lp = stack.stack().createListeningPoint("127.0.0.1", port, transport);
    provider = stack.stack().createSipProvider(lp);
    provider.addSipListener(this);
    addresses = factory.createAddressFactory();
    headers = factory.createHeaderFactory();
    messages = factory.createMessageFactory();
    rtp = new RtpPeer();
  }

  public String contact() {
    return "sip:" + user + "@127.0.0.1:" + port + transportParam();
  }

  private String transportParam() {
    return transport.equals("udp") ? "" : ";transport=" + transport;
  }

  // --- REGISTER with digest ---

  /** Registers (challenge and answer) and returns the final status; {@code algorithm} picks the challenge to answer. */
  public int register(String password, int expires, String algorithm) throws Exception {
    return authenticatedRegister(password, expires, algorithm, true).getStatusCode();
  }

  /** A REGISTER without Contact: asks the registrar for the bindings and changes nothing. */
  public Response queryBindings(String password) throws Exception {
    return authenticatedRegister(password, 3600, "MD5", false);
  }

  private Response authenticatedRegister(String password, int expires, String algorithm, boolean withContact) throws Exception {
    String callId = provider.getNewCallId().getCallId();
    Response first = send(registerRequest(callId, expires, null, withContact));
    if (first.getStatusCode() != 401) return first;
    return send(registerRequest(callId, expires, authorization(first, password, algorithm), withContact));
  }

  /** Sends one REGISTER as given and returns the response. */
  public Response registerOnce(int expires, String authorization) throws Exception {
    return send(registerRequest(provider.getNewCallId().getCallId(), expires, authorization, true));
  }

  private Request registerRequest(String callId, int expires, String authorization, boolean withContact) throws Exception {
    Address me = addresses.createAddress("sip:" + user + "@" + engineHost);
    Request request = messages.createRequest(addresses.createURI("sip:" + engineHost + ":" + enginePort + transportParam()), Request.REGISTER,
        headers.createCallIdHeader(callId), headers.createCSeqHeader(cseq++, Request.REGISTER),
        headers.createFromHeader(me, "t" + System.nanoTime()), headers.createToHeader(me, null), List.of(via()),
        headers.createMaxForwardsHeader(70));
    if (withContact) {
      request.addHeader(headers.createContactHeader(addresses.createAddress(contact())));
      request.addHeader(headers.createExpiresHeader(expires));
    }
    if (authorization != null) request.addHeader(headers.createHeader("Authorization", authorization));
    return request;
  }

  public String authorization(Response challenge, String password, String algorithm) throws Exception {
    return authorization(challenge, password, algorithm, 1);
  }

  /** The answer to {@code challenge} as the {@code nonceCount}-th request on its nonce. */
  public String authorization(Response challenge, String password, String algorithm, int nonceCount) throws Exception {
    return authorization(challenge, password, algorithm, nonceCount, Request.REGISTER, "sip:" + engineHost + ":" + enginePort + transportParam());
  }

  /** The answer to {@code challenge} for a {@code method} request to {@code uri}. */
  private String authorization(Response challenge, String password, String algorithm, int nonceCount, String method, String uri) throws Exception {
    String nc = String.format("%08x", nonceCount);
    ListIterator<?> it = challenge.getHeaders(WWWAuthenticateHeader.NAME);
    while (it.hasNext()) {
      WWWAuthenticateHeader h = (WWWAuthenticateHeader) it.next();
      if (!algorithm.equalsIgnoreCase(h.getAlgorithm())) continue;
      String jca = algorithm.equalsIgnoreCase("SHA-256") ? "SHA-256" : "MD5";
      String ha1 = hash(jca, user + ":" + h.getRealm() + ":" + password);
      String ha2 = hash(jca, method + ":" + uri);
      String cnonce = "c" + System.nanoTime();
      String response = hash(jca, ha1 + ":" + h.getNonce() + ":" + nc + ":" + cnonce + ":auth:" + ha2);
      return "Digest username=\"" + user + "\", realm=\"" + h.getRealm() + "\", nonce=\"" + h.getNonce() + "\", uri=\"" + uri
          + "\", response=\"" + response + "\", algorithm=" + algorithm + ", cnonce=\"" + cnonce
          + "\", qop=auth, nc=" + nc + ", opaque=\"" + h.getOpaque() + "\"";
    }
    throw new IllegalStateException("no " + algorithm + " challenge in " + challenge);
  }

  private static String hash(String algorithm, String text) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(text.getBytes(StandardCharsets.UTF_8)));
  }

  /** An OPTIONS outside any call, as a load balancer's probe sends it; returns the final response. */
  public Response options() throws Exception {
    Address me = addresses.createAddress("sip:" + user + "@127.0.0.1");
    Request options = messages.createRequest(addresses.createURI("sip:" + engineHost + ":" + enginePort + transportParam()), Request.OPTIONS,
        provider.getNewCallId(), headers.createCSeqHeader(cseq++, Request.OPTIONS), headers.createFromHeader(me, "o" + System.nanoTime()),
        headers.createToHeader(addresses.createAddress("sip:" + engineHost), null), List.of(via()), headers.createMaxForwardsHeader(70));
    return send(options);
  }

  // --- outgoing calls ---

  /** Calls {@code sip:<target>@engine} with an SDP offer from this phone's RTP peer. */
  public OutgoingCall call(String target) throws Exception {
    return call(target, null, java.util.Map.of());
  }

  /** As {@link #call(String)}, with a display name in From (none when null) and extra headers, e.g. {@code X-Account}. */
  public OutgoingCall call(String target, String displayName, java.util.Map<String, String> extraHeaders) throws Exception {
    Address from = addresses.createAddress("sip:" + user + "@127.0.0.1");
    if (displayName != null) from.setDisplayName(displayName);
    Request invite = messages.createRequest(addresses.createURI("sip:" + target + "@" + engineHost + ":" + enginePort + transportParam()),
        Request.INVITE, provider.getNewCallId(), headers.createCSeqHeader(1L, Request.INVITE),
        headers.createFromHeader(from, "f" + System.nanoTime()),
        headers.createToHeader(addresses.createAddress("sip:" + target + "@" + engineHost), null), List.of(via()),
        headers.createMaxForwardsHeader(70));
    invite.addHeader(headers.createContactHeader(addresses.createAddress(contact())));
    for (java.util.Map.Entry<String, String> header : extraHeaders.entrySet()) {
      invite.addHeader(headers.createHeader(header.getKey(), header.getValue()));
    }
    invite.setContent(rtp.sdp(System.nanoTime()), headers.createContentTypeHeader("application", "sdp"));
    ClientTransaction transaction = provider.getNewClientTransaction(invite);
    CompletableFuture<Response> result = new CompletableFuture<>();
    pending.put(transaction, result);
    transaction.sendRequest();
    return new OutgoingCall(this, transaction, result);
  }

  /** The Authorization of the last consult INVITE that answered a challenge. */
  private volatile String lastConsultAuthorization;

  /**
   * Calls {@code requestUri} through the engine (a Route to it), as an agent's phone places the
   * second call of an attended transfer: a 401 is answered once with {@code password} (MD5); with
   * a null password the 401 is the final answer. Returns the call whose INVITE went last.
   */
  public OutgoingCall callThroughEngine(String requestUri, String password) throws Exception {
    CallIdHeader callId = provider.getNewCallId();
    String fromTag = "f" + System.nanoTime();
    OutgoingCall first = sendInvite(consultInvite(requestUri, callId, 1, fromTag, null));
    if (password == null || first.awaitFinal().getStatusCode() != 401) return first;
    String authorization = authorization(first.awaitFinal(), password, "MD5", 1, Request.INVITE, requestUri);
    lastConsultAuthorization = authorization;
    return sendInvite(consultInvite(requestUri, callId, 2, fromTag, authorization));
  }

  /** A new call to {@code requestUri} through the engine carrying the last Authorization again, as a replay would. */
  public OutgoingCall replayConsultInvite(String requestUri) throws Exception {
    return sendInvite(consultInvite(requestUri, provider.getNewCallId(), 1, "f" + System.nanoTime(), lastConsultAuthorization));
  }

  private Request consultInvite(String requestUri, CallIdHeader callId, long cseq, String fromTag, String authorization) throws Exception {
    Request invite = messages.createRequest(addresses.createURI(requestUri), Request.INVITE, callId, headers.createCSeqHeader(cseq, Request.INVITE),
        headers.createFromHeader(addresses.createAddress("sip:" + user + "@" + engineHost), fromTag),
        headers.createToHeader(addresses.createAddress(requestUri), null), List.of(via()), headers.createMaxForwardsHeader(70));
    invite.addHeader(headers.createHeader("Route", "<sip:" + engineHost + ":" + enginePort + ";lr" + transportParam() + ">"));
    invite.addHeader(headers.createContactHeader(addresses.createAddress(contact())));
    if (authorization != null) invite.addHeader(headers.createHeader("Authorization", authorization));
    invite.setContent(rtp.sdp(System.nanoTime()), headers.createContentTypeHeader("application", "sdp"));
    return invite;
  }

  private OutgoingCall sendInvite(Request invite) throws Exception {
    ClientTransaction transaction = provider.getNewClientTransaction(invite);
    CompletableFuture<Response> result = new CompletableFuture<>();
    pending.put(transaction, result);
    transaction.sendRequest();
    return new OutgoingCall(this, transaction, result);
  }

  void cancel(ClientTransaction invite) throws Exception {
    provider.getNewClientTransaction(invite.createCancel()).sendRequest();
  }

  Response bye(Dialog dialog) throws Exception {
    Request bye = dialog.createRequest(Request.BYE);
    ClientTransaction transaction = provider.getNewClientTransaction(bye);
    CompletableFuture<Response> result = new CompletableFuture<>();
    pending.put(transaction, result);
    dialog.sendRequest(transaction);
    return result.get(5, TimeUnit.SECONDS);
  }

  Response info(Dialog dialog, String contentSubtype, String body) throws Exception {
    Request info = dialog.createRequest(Request.INFO);
    info.setContent(body, headers.createContentTypeHeader("application", contentSubtype));
    ClientTransaction transaction = provider.getNewClientTransaction(info);
    CompletableFuture<Response> result = new CompletableFuture<>();
    pending.put(transaction, result);
    dialog.sendRequest(transaction);
    return result.get(5, TimeUnit.SECONDS);
  }

  /** Sends {@code method} (re-INVITE with this phone's SDP, or UPDATE without a body) in {@code dialog} with {@code extraHeaders}. */
  Response inDialog(Dialog dialog, String method, java.util.Map<String, String> extraHeaders) throws Exception {
    return inDialog(dialog, method, extraHeaders, "sendrecv");
  }

  /** As above, the re-INVITE's SDP with the direction {@code direction}. */
  Response inDialog(Dialog dialog, String method, java.util.Map<String, String> extraHeaders, String direction) throws Exception {
    Request request = dialog.createRequest(method);
    for (java.util.Map.Entry<String, String> header : extraHeaders.entrySet()) {
      request.addHeader(headers.createHeader(header.getKey(), header.getValue()));
    }
    if (Request.INVITE.equals(method)) {
      request.addHeader(headers.createContactHeader(addresses.createAddress(contact())));
      request.setContent(rtp.sdp(System.nanoTime(), direction), headers.createContentTypeHeader("application", "sdp"));
    }
    ClientTransaction transaction = provider.getNewClientTransaction(request);
    CompletableFuture<Response> result = new CompletableFuture<>();
    pending.put(transaction, result);
    dialog.sendRequest(transaction);
    return result.get(5, TimeUnit.SECONDS);
  }

  /** A re-INVITE in the call this phone answered; returns the final response. */
  public Response reInviteIncoming() throws Exception {
    return inDialog(incomingDialog, Request.INVITE, java.util.Map.of());
  }

  /** A SIP INFO (a key press) in the call this phone answered; returns the final response. */
  public Response infoIncoming(String contentSubtype, String body) throws Exception {
    return info(incomingDialog, contentSubtype, body);
  }

  /** A re-INVITE in the call this phone answered whose SDP says {@code direction} ({@code sendonly} holds the call); returns the final response. */
  public Response reInviteIncoming(String direction) throws Exception {
    return inDialog(incomingDialog, Request.INVITE, java.util.Map.of(), direction);
  }

  /** A REFER in the call this phone answered, with {@code Refer-To: referTo}; returns the final response. */
  public Response referIncoming(String referTo) throws Exception {
    return inDialog(incomingDialog, "REFER", java.util.Map.of("Refer-To", referTo));
  }

  /** The Call-ID, local tag and remote tag of the call this phone answered, as a {@code Replaces} header names them (RFC 3891). */
  public String incomingReplaces() {
    Dialog dialog = incomingDialog;
    return dialog.getCallId().getCallId() + ";to-tag=" + dialog.getLocalTag() + ";from-tag=" + dialog.getRemoteTag();
  }

  /** Hangs up the call this phone answered. */
  public Response hangUpIncoming() throws Exception {
    return bye(incomingDialog);
  }

  private Response send(Request request) throws Exception {
    ClientTransaction transaction = provider.getNewClientTransaction(request);
    CompletableFuture<Response> result = new CompletableFuture<>();
    pending.put(transaction, result);
    transaction.sendRequest();
    return result.get(5, TimeUnit.SECONDS);
  }

  private ViaHeader via() throws Exception {
    ViaHeader via = headers.createViaHeader("127.0.0.1", port, transport, null);
    via.setRPort();
    return via;
  }

  // --- the listener ---

  @Override
  public void processRequest(RequestEvent event) {
    Request request = event.getRequest();
    // Where to send RTP is known before the INVITE is reported: a test may speak as soon as it sees it.
    if (Request.INVITE.equals(request.getMethod()) && ((ToHeader) request.getHeader(ToHeader.NAME)).getTag() == null
        && request.getRawContent() != null) {
      String sdp = new String(request.getRawContent(), StandardCharsets.UTF_8);
      rtp.remote(value(sdp, "c=IN IP4 "), Integer.parseInt(value(sdp, "m=audio ").split(" ")[0]));
    }
    events.add(request.getMethod());
    if (Request.NOTIFY.equals(request.getMethod()) && request.getRawContent() != null) {
      notifies.add(new String(request.getRawContent(), StandardCharsets.UTF_8).strip());
    }
    try {
      ServerTransaction transaction = event.getServerTransaction();
      if (transaction == null && !Request.ACK.equals(request.getMethod())) transaction = provider.getNewServerTransaction(request);
      switch (request.getMethod()) {
        case Request.INVITE -> onInvite(request, transaction);
        case Request.BYE -> transaction.sendResponse(messages.createResponse(200, request));
        case Request.CANCEL -> {
          transaction.sendResponse(messages.createResponse(200, request));
          if (incomingInvite != null) incomingInvite.sendResponse(withTag(messages.createResponse(487, incomingInvite.getRequest())));
        }
        case Request.ACK -> { }
        case Request.OPTIONS -> {
          if (optionsStatus > 0) transaction.sendResponse(messages.createResponse(optionsStatus, request));
        }
        default -> transaction.sendResponse(messages.createResponse(200, request));
      }
    } catch (Exception e) {
      events.add("ERROR " + e);
    }
  }

  /** The 180 of the last INVITE a {@link Answer#SILENT} phone got. */
  public void ringNow() throws Exception {
    incomingInvite.sendResponse(withTag(messages.createResponse(180, incomingInvite.getRequest())));
  }

  private void onInvite(Request request, ServerTransaction transaction) throws Exception {
    if (((ToHeader) request.getHeader(ToHeader.NAME)).getTag() != null) {
      onReInvite(request, transaction);
      return;
    }
    incomingInvite = transaction;
    switch (answer) {
      case BUSY -> transaction.sendResponse(withTag(messages.createResponse(486, request)));
      case DECLINE -> transaction.sendResponse(withTag(messages.createResponse(603, request)));
      case NEVER -> transaction.sendResponse(withTag(messages.createResponse(180, request)));
      case SILENT -> { }
      case ANSWER -> {
        Response ringing = withTag(messages.createResponse(180, request));
        transaction.sendResponse(ringing);
        String tag = ((ToHeader) ringing.getHeader(ToHeader.NAME)).getTag();
        scheduler.schedule(() -> answerNow(request, transaction, tag), answerDelayMillis, TimeUnit.MILLISECONDS);
      }
    }
  }

  /**
   * A re-INVITE (a session refresh): 200 with this phone's SDP at once, or for {@link Answer#NEVER}
   * or past {@link #reInvitesToAnswer} a 180 and nothing more.
   */
  private void onReInvite(Request request, ServerTransaction transaction) throws Exception {
    String offer = request.getRawContent() == null ? "" : new String(request.getRawContent(), StandardCharsets.UTF_8);
    reInviteOffers.add(offer);
    if (reInvitesToRefuseAsPending.getAndDecrement() > 0) {
      transaction.sendResponse(messages.createResponse(491, request));
      return;
    }
    if (answer == Answer.NEVER || reInvitesToAnswer.getAndDecrement() <= 0) {
      transaction.sendResponse(messages.createResponse(180, request));
      return;
    }
    Response ok = messages.createResponse(200, request);
    ok.addHeader(headers.createContactHeader(addresses.createAddress(contact())));
    String direction = offer.contains("a=sendonly") ? "recvonly" : offer.contains("a=inactive") ? "inactive" : "sendrecv";
    ok.setContent(rtp.sdp(System.nanoTime(), direction), headers.createContentTypeHeader("application", "sdp"));
    transaction.sendResponse(ok);
  }

  private void answerNow(Request request, ServerTransaction transaction, String tag) {
    try {
      Response ok = messages.createResponse(200, request);
      ((ToHeader) ok.getHeader(ToHeader.NAME)).setTag(tag);
      ok.addHeader(headers.createContactHeader(addresses.createAddress(contact())));
      ok.setContent(rtp.sdp(System.nanoTime()), headers.createContentTypeHeader("application", "sdp"));
      incomingDialog = transaction.getDialog(); // before the 200 leaves: a test may use the call as soon as the engine has it
      transaction.sendResponse(ok);
      if (transaction.getDialog() != null) incomingDialog = transaction.getDialog();
    } catch (Exception e) {
      events.add("ERROR " + e);
    }
  }

  private Response withTag(Response response) throws Exception {
    ((ToHeader) response.getHeader(ToHeader.NAME)).setTag("a" + System.nanoTime());
    return response;
  }

  static String value(String sdp, String prefix) {
    return sdp.lines().filter(l -> l.startsWith(prefix)).findFirst().orElseThrow().substring(prefix.length()).trim();
  }

  @Override
  public void processResponse(ResponseEvent event) {
    Response response = event.getResponse();
    ClientTransaction transaction = event.getClientTransaction();
    if (response.getStatusCode() < 200 || transaction == null) return;
    String method = ((CSeqHeader) response.getHeader(CSeqHeader.NAME)).getMethod();
    if (Request.INVITE.equals(method) && response.getStatusCode() / 100 == 2 && ackAnswers) {
      try {
        Dialog dialog = event.getDialog();
        dialog.sendAck(dialog.createAck(((CSeqHeader) response.getHeader(CSeqHeader.NAME)).getSeqNumber()));
      } catch (Exception e) {
        events.add("ERROR " + e);
      }
    }
    CompletableFuture<Response> result = pending.remove(transaction);
    if (result != null) result.complete(response);
  }

  @Override
  public void processTimeout(TimeoutEvent event) {
    if (!event.isServerTransaction()) {
      CompletableFuture<Response> result = pending.remove(event.getClientTransaction());
      if (result != null) result.completeExceptionally(new IllegalStateException("SIP timeout"));
    }
  }

  @Override public void processIOException(IOExceptionEvent event) {}
  @Override public void processTransactionTerminated(TransactionTerminatedEvent event) {}
  @Override public void processDialogTerminated(DialogTerminatedEvent event) {}

  static String callId(javax.sip.message.Message m) {
    return ((CallIdHeader) m.getHeader(CallIdHeader.NAME)).getCallId();
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
    rtp.close();
    stack.stop();
  }
}
