package io.callengine.sip.media;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Line-by-line reader behind {@link Sdp#parse}. It keeps the session-level {@code c=} and
 * direction, the first {@code m=audio} section and that section's attributes; every other
 * media section is skipped. Anything that is not SDP raises {@link SdpException}.
 */
final class SdpParser {

  private static final Map<Integer, Codec> STATIC_PAYLOADS = Map.of(
      0, Codec.PCMU,
      3, new Codec(3, "GSM", 8000),
      4, new Codec(4, "G723", 8000),
      8, Codec.PCMA,
      9, new Codec(9, "G722", 8000),
      13, new Codec(13, "CN", 8000),
      18, new Codec(18, "G729", 8000));

  private enum Section { SESSION, AUDIO, OTHER_MEDIA }

  private Section section = Section.SESSION;
  private boolean audioSeen;
  private String sessionAddress;
  private String audioAddress;
  private SessionDescription.Direction sessionDirection;
  private SessionDescription.Direction audioDirection;
  private int audioPort;
  private String transport;
  private List<Integer> formats = List.of();
  private int rtcpPort;
  private String rtcpAddress;
  private final Map<Integer, Codec> rtpmaps = new HashMap<>();

  static SessionDescription parse(String text) throws SdpException {
    if (text == null || text.isBlank()) {
      throw new SdpException("SDP body is empty");
    }
    List<String> lines = text.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    if (!lines.get(0).equals("v=0")) {
      throw new SdpException("SDP must start with v=0, got '" + shorten(lines.get(0)) + "'");
    }
    SdpParser parser = new SdpParser();
    for (String line : lines) {
      parser.accept(line);
    }
    return parser.result();
  }

  private void accept(String line) throws SdpException {
    if (line.length() < 2 || line.charAt(1) != '=' || line.charAt(0) < 'a' || line.charAt(0) > 'z') {
      throw new SdpException("not an SDP line: '" + shorten(line) + "'");
    }
    String value = line.substring(2);
    switch (line.charAt(0)) {
      case 'm' -> media(value);
      case 'c' -> connection(value);
      case 'a' -> attribute(value);
      default -> { }
    }
  }

  private void media(String value) throws SdpException {
    String[] fields = value.split("\\s+");
    if (fields.length < 3) {
      throw new SdpException("m= line needs media, port and protocol: '" + shorten(value) + "'");
    }
    if (audioSeen || !fields[0].equals("audio")) {
      section = Section.OTHER_MEDIA;
      return;
    }
    section = Section.AUDIO;
    audioSeen = true;
    audioPort = number(fields[1].split("/")[0], 0, 65535, "m= port");
    transport = fields[2];
    if (transport.toUpperCase(Locale.ROOT).startsWith("RTP/")) {
      Set<Integer> pts = new LinkedHashSet<>();
      for (int i = 3; i < fields.length; i++) {
        pts.add(number(fields[i], 0, 127, "payload type"));
      }
      formats = List.copyOf(pts);
    }
  }

  private void connection(String value) throws SdpException {
    String[] fields = value.split("\\s+");
    if (fields.length != 3 || !fields[0].equals("IN")
        || !(fields[1].equals("IP4") || fields[1].equals("IP6"))) {
      throw new SdpException("c= line must read 'IN IP4|IP6 <address>': '" + shorten(value) + "'");
    }
    String address = fields[2].split("/")[0];
    if (!IpLiteral.isLiteral(address)) {
      throw new SdpException("c= address must be an IP address: '" + shorten(address) + "'");
    }
    switch (section) {
      case SESSION -> sessionAddress = address;
      case AUDIO -> audioAddress = address;
      case OTHER_MEDIA -> { }
    }
  }

  private void attribute(String value) throws SdpException {
    if (section == Section.OTHER_MEDIA) {
      return;
    }
    Optional<SessionDescription.Direction> direction = direction(value);
    if (direction.isPresent()) {
      if (section == Section.SESSION) {
        sessionDirection = direction.get();
      } else {
        audioDirection = direction.get();
      }
    } else if (section == Section.AUDIO && value.startsWith("rtpmap:")) {
      rtpmap(value.substring("rtpmap:".length()));
    } else if (section == Section.AUDIO && value.startsWith("rtcp:")) {
      rtcp(value.substring("rtcp:".length()));
    }
  }

  /**
   * {@code a=rtcp:<port> [IN IP4|IP6 <address>]} (RFC 3605). One that cannot be read is
   * ignored rather than refused: RTCP is optional, and the port above the audio one may do.
   */
  private void rtcp(String value) {
    String[] fields = value.strip().split("\\s+");
    boolean withAddress = fields.length == 4 && fields[1].equals("IN")
        && (fields[2].equals("IP4") || fields[2].equals("IP6")) && IpLiteral.isLiteral(fields[3]);
    if (fields.length != 1 && !withAddress) {
      return;
    }
    try {
      int port = Integer.parseInt(fields[0]);
      if (port >= 1 && port <= 65535) {
        rtcpPort = port;
        rtcpAddress = withAddress ? fields[3] : null;
      }
    } catch (NumberFormatException e) {
      // ignored, as above
    }
  }

  private void rtpmap(String value) throws SdpException {
    String[] fields = value.strip().split("\\s+", 2);
    String[] format = fields.length == 2 ? fields[1].strip().split("/") : new String[0];
    if (format.length < 2 || format[0].isBlank()) {
      throw new SdpException("a=rtpmap must read '<pt> <name>/<rate>': '" + shorten(value) + "'");
    }
    int pt = number(fields[0], 0, 127, "rtpmap payload type");
    int rate = number(format[1], 1, Integer.MAX_VALUE, "rtpmap clock rate");
    rtpmaps.put(pt, new Codec(pt, format[0], rate));
  }

  private SessionDescription result() throws SdpException {
    if (!audioSeen) {
      throw new SdpException("SDP has no m=audio line");
    }
    String address = audioAddress != null ? audioAddress : sessionAddress;
    if (address == null) {
      throw new SdpException("SDP has no c= line for its audio");
    }
    List<Codec> codecs = new ArrayList<>();
    for (int pt : formats) {
      Codec codec = rtpmaps.getOrDefault(pt, STATIC_PAYLOADS.get(pt));
      if (codec != null) {
        codecs.add(codec);
      }
    }
    Optional<InetSocketAddress> rtcp = rtcpPort == 0 ? Optional.empty() : Optional.of(
        new InetSocketAddress(IpLiteral.toAddress(rtcpAddress != null ? rtcpAddress : address), rtcpPort));
    return new SessionDescription(address, audioPort, transport, codecs,
        Optional.ofNullable(audioDirection != null ? audioDirection : sessionDirection), rtcp);
  }

  private static Optional<SessionDescription.Direction> direction(String attribute) {
    for (SessionDescription.Direction d : SessionDescription.Direction.values()) {
      if (d.attribute().equals(attribute)) {
        return Optional.of(d);
      }
    }
    return Optional.empty();
  }

  private static int number(String text, int min, int max, String what) throws SdpException {
    try {
      int n = Integer.parseInt(text.strip());
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new SdpException(what + " must be a number in " + min + "-" + max + ", got '" + shorten(text) + "'");
  }

  private static String shorten(String text) {
    return text.length() <= 60 ? text : text.substring(0, 60) + "...";
  }
}
