package io.callengine.sip.media;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * Recognises IPv4 and IPv6 literals in SDP without ever asking DNS, which would block the
 * SIP thread. Used by {@link SdpParser}, {@link SessionDescription} and the SIP settings.
 */
public final class IpLiteral {

  private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
  // A first character that is a hex digit or ':' keeps InetAddress on its literal path.
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:][0-9A-Fa-f:.]*");

  private IpLiteral() {}

  public static boolean isLiteral(String text) {
    var v4 = IPV4.matcher(text);
    if (v4.matches()) {
      for (int group = 1; group <= 4; group++) {
        if (Integer.parseInt(v4.group(group)) > 255) {
          return false;
        }
      }
      return true;
    }
    if (text.indexOf(':') < 0 || !IPV6.matcher(text).matches()) {
      return false;
    }
    try {
      InetAddress.getByName(text);
      return true;
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /** The address of a literal that {@link #isLiteral} accepted. */
  static InetAddress toAddress(String literal) {
    if (!isLiteral(literal)) {
      throw new IllegalArgumentException("not an IP literal: " + literal);
    }
    try {
      return InetAddress.getByName(literal);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("not an IP literal: " + literal, e);
    }
  }
}
