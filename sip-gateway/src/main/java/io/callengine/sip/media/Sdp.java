package io.callengine.sip.media;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * SDP offer/answer for the engine's audio legs, by plain string handling. The SIP layer
 * parses the customer's offer, negotiates, answers with the relay port of that leg, then
 * offers the negotiated codecs to the agent's phone on the other leg's relay port.
 */
public final class Sdp {

  private static final String CRLF = "\r\n";
  private static final String TRANSPORT = "RTP/AVP";

  private Sdp() {}

  public static SessionDescription parse(String sdp) throws SdpException {
    return SdpParser.parse(sdp);
  }

  /**
   * PCMU and PCMA in the offer's order, plus telephone-event when offered; empty when the
   * offer has no usable plain-RTP G.711 audio, and the caller answers 488.
   */
  public static Optional<Negotiation> negotiate(SessionDescription offer) {
    if (offer.audioPort() == 0 || !offer.transport().equalsIgnoreCase(TRANSPORT)) {
      return Optional.empty();
    }
    List<Codec> audio = offer.codecs().stream().filter(Codec::isG711).toList();
    if (audio.isEmpty()) {
      return Optional.empty();
    }
    Optional<Codec> dtmf = offer.codecs().stream()
        .filter(c -> c.isTelephoneEvent() && c.clockRate() == 8000)
        .findFirst();
    return Optional.of(new Negotiation(audio, dtmf));
  }

  /** The engine's answer to an offer that {@link #negotiate} accepted. */
  public static String answer(String engineIp, int enginePort, Negotiation n, long sessionId) {
    return render(engineIp, enginePort, n.codecs(), sessionId);
  }

  /** The engine's offer to an agent phone, with the codecs the customer leg settled on. */
  public static String offer(String engineIp, int enginePort, List<Codec> codecs, long sessionId) {
    return render(engineIp, enginePort, codecs, sessionId);
  }

  /**
   * The engine's own {@code sdp} (from {@link #answer} or {@link #offer}) with its direction set to
   * {@code direction} and its origin's version set to {@code version}: what a re-INVITE or its
   * answer carries when the direction changes (RFC 3264 8).
   */
  public static String withDirection(String sdp, SessionDescription.Direction direction, long version) {
    StringBuilder out = new StringBuilder(sdp.length() + 8);
    for (String line : sdp.split(CRLF)) {
      if (line.startsWith("o=")) {
        String[] fields = line.split(" ");
        fields[2] = Long.toString(version);
        line = String.join(" ", fields);
      } else if (line.equals("a=sendrecv") || line.equals("a=sendonly") || line.equals("a=recvonly") || line.equals("a=inactive")) {
        line = "a=" + direction.attribute();
      }
      out.append(line).append(CRLF);
    }
    return out.toString();
  }

  /** The version in the origin line of the engine's own {@code sdp}. */
  public static long version(String sdp) {
    return sdp.lines().filter(l -> l.startsWith("o=")).findFirst().map(l -> Long.parseLong(l.split(" ")[2])).orElse(0L);
  }

  private static String render(String ip, int port, List<Codec> codecs, long sessionId) {
    if (ip == null || !IpLiteral.isLiteral(ip)) {
      throw new IllegalArgumentException("engine address must be an IP literal, got " + ip);
    }
    if (port < 1 || port > 65535 || codecs.isEmpty() || sessionId < 0) {
      throw new IllegalArgumentException(
          "SDP needs a port in 1-65535, at least one codec and a non-negative session id");
    }
    String addressType = ip.indexOf(':') >= 0 ? "IP6" : "IP4";
    List<String> pts = new ArrayList<>();
    codecs.forEach(c -> pts.add(Integer.toString(c.payloadType())));
    StringBuilder sdp = new StringBuilder(256)
        .append("v=0").append(CRLF)
        .append("o=call-engine ").append(sessionId).append(' ').append(sessionId)
        .append(" IN ").append(addressType).append(' ').append(ip).append(CRLF)
        .append("s=call-engine").append(CRLF)
        .append("c=IN ").append(addressType).append(' ').append(ip).append(CRLF)
        .append("t=0 0").append(CRLF)
        .append("m=audio ").append(port).append(' ').append(TRANSPORT).append(' ')
        .append(String.join(" ", pts)).append(CRLF);
    for (Codec codec : codecs) {
      sdp.append("a=rtpmap:").append(codec.payloadType()).append(' ').append(codec.rtpmap()).append(CRLF);
      if (codec.isTelephoneEvent()) {
        sdp.append("a=fmtp:").append(codec.payloadType()).append(" 0-16").append(CRLF);
      }
    }
    return sdp.append("a=ptime:20").append(CRLF).append("a=sendrecv").append(CRLF).toString();
  }
}
