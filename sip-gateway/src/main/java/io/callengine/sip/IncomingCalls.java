package io.callengine.sip;

import gov.nist.javax.sip.header.SIPHeader;
import io.callengine.core.api.IncomingCall;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.ListIterator;
import java.util.Map;
import javax.sip.address.SipURI;
import javax.sip.header.FromHeader;
import javax.sip.header.Header;
import javax.sip.header.ToHeader;
import javax.sip.message.Request;

/** Turns a new call's INVITE into the {@link IncomingCall} a call handler sees; used by {@link CallSession}. */
final class IncomingCalls {
  private IncomingCalls() {}

  static IncomingCall of(String callId, Request invite) {
    FromHeader from = (FromHeader) invite.getHeader(FromHeader.NAME);
    ToHeader to = (ToHeader) invite.getHeader(ToHeader.NAME);
    String dialed = invite.getRequestURI() instanceof SipURI uri ? uri.getUser() : null;
    return new IncomingCall(callId, from.getAddress().getURI().toString(), from.getAddress().getDisplayName(), dialed,
        to.getAddress().getURI().toString(), headers(invite));
  }

  /** Every header by name, in order; a header line with several comma-separated values gives one value each. */
  private static Map<String, List<String>> headers(Request invite) {
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (ListIterator<String> names = invite.getHeaderNames(); names.hasNext(); ) {
      String name = names.next();
      List<String> values = new ArrayList<>();
      for (ListIterator<Header> each = invite.getHeaders(name); each.hasNext(); ) values.add(value(each.next()));
      headers.put(name, values);
    }
    return headers;
  }

  private static String value(Header header) {
    if (header instanceof SIPHeader sip) return sip.getHeaderValue().strip();
    String text = header.toString();
    int colon = text.indexOf(':');
    return (colon < 0 ? text : text.substring(colon + 1)).strip();
  }
}
