package io.callengine.sip;

import gov.nist.javax.sip.address.AddressImpl;
import gov.nist.javax.sip.message.SIPRequest;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.ListIterator;
import java.util.Locale;
import java.util.Set;
import javax.sip.InvalidArgumentException;
import javax.sip.address.SipURI;
import javax.sip.header.AcceptHeader;
import javax.sip.header.ContactHeader;
import javax.sip.header.ContentTypeHeader;
import javax.sip.header.Header;
import javax.sip.header.RequireHeader;
import javax.sip.header.ToHeader;
import javax.sip.header.ViaHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;

/**
 * The checks every request passes where it enters the node ({@link SipEventListener}), in the order
 * of RFC 3261 8.2 (and RFC 4475 for the malformed cases the stack lets through): version (505),
 * method (405 or 501 with Allow), malformed headers the engine reads (400), Request-URI scheme
 * (416), Require (420 with Unsupported), body type (415 with Accept), and for an INVITE an Accept
 * that excludes SDP (406). {@link #refusal} builds the answer; the caller sends it. An ACK is never
 * answered, so it is never checked.
 */
final class RequestChecks {
  /** Methods that SIP extensions define and that the engine knows but does not take: 405, not 501 (RFC 3261 8.2.1). */
  private static final Set<String> KNOWN_UNSUPPORTED =
      Set.of("MESSAGE", "SUBSCRIBE", "NOTIFY", "REFER", "PRACK", "PUBLISH");
  /** The option tags the engine supports: session timers (RFC 4028). */
  private static final Set<String> SUPPORTED = Set.of("timer");
  /** Headers the engine reads: one that the stack could not parse makes the request malformed. Others (Date...) are ignored. */
  private static final Set<String> READ = Set.of("contact", "m", "content-type", "c", "content-encoding", "e", "require",
      "proxy-require", "max-forwards", "expires", "authorization", "accept", "route", "record-route");
  private static final String MAGIC_COOKIE = "z9hG4bK";

  private final SipStackHolder sip;

  RequestChecks(SipStackHolder sip) {
    this.sip = sip;
  }

  /** The refusal of {@code request}, To tag set, or null when the request may go on. */
  Response refusal(Request request) throws ParseException, InvalidArgumentException {
    String method = request.getMethod();
    if (Request.ACK.equals(method)) return null;
    if (request instanceof SIPRequest r && !"SIP/2.0".equalsIgnoreCase(r.getRequestLine().getSipVersion())) {
      return response(request, Response.VERSION_NOT_SUPPORTED, List.of());
    }
    if (!SipGateway.ALLOWED.contains(method)) {
      int status = KNOWN_UNSUPPORTED.contains(method) ? Response.METHOD_NOT_ALLOWED : Response.NOT_IMPLEMENTED;
      return response(request, status, allow());
    }
    if (malformed(request)) return response(request, Response.BAD_REQUEST, List.of());
    String scheme = request.getRequestURI().getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("sip") && !scheme.equals("sips")) return response(request, Response.UNSUPPORTED_URI_SCHEME, List.of());
    List<Header> unsupported = unsupported(request);
    if (!unsupported.isEmpty()) return response(request, Response.BAD_EXTENSION, unsupported);
    String accepted = Request.INFO.equals(method) ? "application/dtmf-relay" : "application/sdp";
    if (hasBody(request) && !bodyTypeTaken(request)) {
      return response(request, Response.UNSUPPORTED_MEDIA_TYPE, List.of(accept(accepted)));
    }
    if (Request.INVITE.equals(method) && !acceptsSdp(request)) {
      // RFC 3261 21.4.7: the answer to an INVITE carries SDP, which this request does not accept.
      return response(request, Response.NOT_ACCEPTABLE, List.of(sip.headers().createWarningHeader(
          "call-engine", 399, "the answer to an INVITE carries application/sdp")));
    }
    return null;
  }

  /**
   * RFC 3261 19.1.1: no escaped headers in a Request-URI (RFC 4475 3.1.2.11); 20.10: a URI with
   * headers in a Contact must be in angle brackets (RFC 4475 3.1.2.13); RFC 4475 3.2.1: a branch of
   * the magic cookie alone identifies no transaction; and a header the engine reads that the stack
   * could not parse (RFC 4475 3.1.2.1).
   */
  private static boolean malformed(Request request) {
    if (request.getRequestURI() instanceof SipURI uri && uri.getHeaderNames().hasNext()) return true;
    ViaHeader via = (ViaHeader) request.getHeader(ViaHeader.NAME);
    if (via != null && MAGIC_COOKIE.equalsIgnoreCase(via.getBranch())) return true;
    for (ListIterator<Header> contacts = request.getHeaders(ContactHeader.NAME); contacts.hasNext(); ) {
      if (contacts.next() instanceof ContactHeader contact && contact.getAddress() instanceof AddressImpl address
          && address.getAddressType() == AddressImpl.ADDRESS_SPEC && address.getURI() instanceof SipURI uri
          && uri.getHeaderNames().hasNext()) {
        return true;
      }
    }
    if (request instanceof SIPRequest r) {
      for (ListIterator<String> unparsed = r.getUnrecognizedHeaders(); unparsed.hasNext(); ) {
        String line = unparsed.next();
        int colon = line.indexOf(':');
        if (colon > 0 && READ.contains(line.substring(0, colon).trim().toLowerCase(Locale.ROOT))) return true;
      }
    }
    return false;
  }

  /** RFC 3261 8.2.2.3: the option tags a Require names that are not {@link #SUPPORTED}. Never for a CANCEL. */
  private List<Header> unsupported(Request request) throws ParseException {
    List<Header> unsupported = new ArrayList<>();
    if (Request.CANCEL.equals(request.getMethod())) return unsupported;
    for (ListIterator<Header> required = request.getHeaders(RequireHeader.NAME); required.hasNext(); ) {
      String tag = ((RequireHeader) required.next()).getOptionTag();
      if (!SUPPORTED.contains(tag.toLowerCase(Locale.ROOT))) unsupported.add(sip.headers().createUnsupportedHeader(tag));
    }
    return unsupported;
  }

  private static boolean hasBody(Request request) {
    byte[] body = request.getRawContent();
    return body != null && body.length > 0;
  }

  /** RFC 3261 8.2.3: SDP in an INVITE, ACK or re-INVITE; DTMF in an INFO; no body is read in any other request, so any type does. */
  private static boolean bodyTypeTaken(Request request) {
    ContentTypeHeader type = (ContentTypeHeader) request.getHeader(ContentTypeHeader.NAME);
    String method = request.getMethod();
    if (!Request.INVITE.equals(method) && !Request.INFO.equals(method)) return true;
    if (type == null) return false;
    String media = (type.getContentType() + "/" + type.getContentSubType()).toLowerCase(Locale.ROOT);
    return Request.INVITE.equals(method) ? media.equals("application/sdp")
        : media.equals("application/dtmf-relay") || media.equals("application/dtmf");
  }

  /** No Accept means SDP is accepted (RFC 3261 20.1); otherwise one of its values must cover it. */
  private static boolean acceptsSdp(Request request) {
    ListIterator<Header> values = request.getHeaders(AcceptHeader.NAME);
    if (!values.hasNext()) return true;
    while (values.hasNext()) {
      AcceptHeader accept = (AcceptHeader) values.next();
      String type = accept.getContentType() == null ? "" : accept.getContentType().toLowerCase(Locale.ROOT);
      String subType = accept.getContentSubType() == null ? "" : accept.getContentSubType().toLowerCase(Locale.ROOT);
      if ((type.equals("*") || type.equals("application")) && (subType.equals("*") || subType.equals("sdp"))) return true;
    }
    return false;
  }

  private Response response(Request request, int status, List<Header> headers) throws ParseException {
    Response response = sip.messages().createResponse(status, request);
    ToHeader to = (ToHeader) response.getHeader(ToHeader.NAME);
    if (to != null && to.getTag() == null) to.setTag(SipMessages.newTag()); // RFC 3261 8.2.6.2
    for (Header header : headers) response.addHeader(header);
    return response;
  }

  private List<Header> allow() throws ParseException {
    List<Header> headers = new ArrayList<>();
    for (String method : SipGateway.ALLOWED) headers.add(sip.headers().createAllowHeader(method));
    return headers;
  }

  private Header accept(String type) throws ParseException {
    String[] parts = type.split("/");
    return sip.headers().createAcceptHeader(parts[0], parts[1]);
  }
}
