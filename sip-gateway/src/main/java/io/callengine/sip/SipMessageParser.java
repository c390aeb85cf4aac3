package io.callengine.sip;

import gov.nist.javax.sip.address.AddressImpl;
import gov.nist.javax.sip.header.Contact;
import gov.nist.javax.sip.header.MaxForwards;
import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.parser.MessageParser;
import gov.nist.javax.sip.parser.MessageParserFactory;
import gov.nist.javax.sip.parser.ParseExceptionListener;
import gov.nist.javax.sip.parser.StringMsgParser;
import gov.nist.javax.sip.stack.SIPTransactionStack;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.sip.InvalidArgumentException;
import javax.sip.address.Address;
import javax.sip.message.Request;

/**
 * JAIN-SIP's message parser with four faults of it corrected, plugged into the stack by
 * {@link SipStackHolder} through {@code gov.nist.javax.sip.MESSAGE_PARSER_FACTORY} ({@link Factory}):
 * <ul>
 *   <li>it reads any Request-Line version as {@code SIP/2.0}; here the version sent is kept, so that
 *       the stack's own check answers {@code SIP/7.0} with 505 (RFC 3261 8.2, RFC 4475 3.1.2.16);</li>
 *   <li>it keeps the first of two values of a single-value header (the last, for Content-Length)
 *       and drops the other in silence; here that is a parse error, which the stack answers 400 over
 *       UDP (RFC 3261 7.3, RFC 4475 3.3.8 and 3.3.9);</li>
 *   <li>it drops the body of a UDP message without Content-Length; here the body runs to the end of
 *       the datagram (RFC 3261 18.3, RFC 4475 3.4.1);</li>
 *   <li>it builds no server transaction for a request without Max-Forwards, or for an INVITE
 *       without Contact, as RFC 2543 requests may be (RFC 4475 3.4.1), so such a request was dropped
 *       unanswered; here it gets Max-Forwards 70 (a value the engine never reads, as it forwards no
 *       request) and, for an INVITE, its From address as Contact: where an RFC 2543 caller gave
 *       no Contact, its From address was where later requests went.</li>
 * </ul>
 */
public final class SipMessageParser extends StringMsgParser {
  /** Headers that may appear once (RFC 3261 7.3.1 and 20), by long and compact name. */
  private static final Set<String> SINGLE = Set.of("call-id", "cseq", "from", "to", "max-forwards", "content-length", "content-type");
  private static final Map<String, String> COMPACT = Map.of("i", "call-id", "f", "from", "t", "to", "l", "content-length", "c", "content-type");
  private static final String VERSION = "SIP/2.0";

  /** What the stack asks for a parser; one parser serves the whole stack, as the stack's own does. */
  public static final class Factory implements MessageParserFactory {
    private static final SipMessageParser PARSER = new SipMessageParser();

    @Override
    public MessageParser createMessageParser(SIPTransactionStack stack) {
      return PARSER;
    }
  }

  @Override
  public SIPMessage parseSIPMessage(byte[] bytes, boolean readBody, boolean strict, ParseExceptionListener listener)
      throws ParseException {
    Header head = Header.of(bytes);
    SIPMessage message = super.parseSIPMessage(bytes, readBody, strict, listener);
    if (message == null) return null;
    if (head.duplicate() != null) throw new ParseException("more than one " + head.duplicate() + " header", 0);
    if (readBody && !head.hasContentLength() && message.getSize() < bytes.length) {
      byte[] body = java.util.Arrays.copyOfRange(bytes, message.getSize(), bytes.length);
      message.setMessageContent(body);
    }
    if (message instanceof SIPRequest request) supplyRfc2543Headers(request);
    return message;
  }

  private static void supplyRfc2543Headers(SIPRequest request) {
    try {
      if (request.getMaxForwards() == null) request.setHeader(new MaxForwards(70));
    } catch (InvalidArgumentException e) {
      throw new IllegalStateException(e);
    }
    if (Request.INVITE.equals(request.getMethod()) && request.getContactHeader() == null && request.getFrom() != null) {
      Contact contact = new Contact();
      contact.setAddress((Address) ((AddressImpl) request.getFrom().getAddress()).clone());
      request.setHeader(contact);
    }
  }

  @Override
  protected SIPMessage processFirstLine(String firstLine, ParseExceptionListener listener, byte[] bytes) throws ParseException {
    SIPMessage message = super.processFirstLine(firstLine, listener, bytes);
    if (message instanceof SIPRequest request && request.getRequestLine() != null) {
      String version = firstLine.substring(firstLine.lastIndexOf(' ') + 1);
      if (!version.equalsIgnoreCase(VERSION)) request.getRequestLine().setSipVersion(version);
    }
    return message;
  }

  /** The header names of a message's head, read from its bytes: which single-value one came twice, and whether Content-Length came. */
  private record Header(String duplicate, boolean hasContentLength) {
    static Header of(byte[] bytes) {
      String text = new String(bytes, StandardCharsets.ISO_8859_1);
      int start = 0;
      while (start < text.length() && text.charAt(start) < 0x20) start++; // keep-alive CRLFs before the message, as the parser skips them
      int end = text.indexOf("\r\n\r\n", start);
      String[] lines = text.substring(start, end < 0 ? text.length() : end).split("\r?\n");
      Set<String> seen = new HashSet<>();
      String duplicate = null;
      for (int i = 1; i < lines.length; i++) {
        String line = lines[i];
        int colon = line.indexOf(':');
        if (line.isEmpty() || line.charAt(0) == ' ' || line.charAt(0) == '\t' || colon < 0) continue; // folded or not a header
        String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
        name = COMPACT.getOrDefault(name, name);
        if (!seen.add(name) && SINGLE.contains(name) && duplicate == null) duplicate = name;
      }
      return new Header(duplicate, seen.contains("content-length"));
    }
  }
}
