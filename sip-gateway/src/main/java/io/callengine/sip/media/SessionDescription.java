package io.callengine.sip.media;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What the engine needs from a peer's SDP: where its audio goes and which payload formats it
 * offers, in its order of preference. Made by {@link Sdp#parse}; {@link #audioTarget()} is
 * what an {@link RtpEndpoint} is told to expect.
 *
 * @param connectionAddress IP literal from the audio {@code c=} line, or the session one
 * @param audioPort port of the first {@code m=audio} line; 0 means the stream is refused
 * @param transport protocol of that line, e.g. {@code RTP/AVP}
 * @param codecs its known payload formats in offer order (unknown dynamic ones left out)
 * @param direction {@code a=sendrecv} and friends, media level winning over session level
 * @param rtcp where the peer takes RTCP when its audio section says so ({@code a=rtcp},
 *     RFC 3605); empty means the port above the audio port (RFC 3550 11)
 */
public record SessionDescription(
    String connectionAddress,
    int audioPort,
    String transport,
    List<Codec> codecs,
    Optional<Direction> direction,
    Optional<InetSocketAddress> rtcp) {

  /** The SDP direction attributes. */
  public enum Direction {
    SENDRECV, SENDONLY, RECVONLY, INACTIVE;

    public String attribute() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public SessionDescription {
    codecs = List.copyOf(codecs);
  }

  /** Socket address to send this peer's audio to. Never resolves a name: the parser only keeps IP literals. */
  public InetSocketAddress audioTarget() {
    return new InetSocketAddress(IpLiteral.toAddress(connectionAddress), audioPort);
  }

  /** Socket address to send this peer's RTCP to: {@code a=rtcp} if given, else the audio port + 1. */
  public InetSocketAddress rtcpTarget() {
    return rtcp.orElseGet(() -> RtpEndpoint.rtcpOf(audioTarget()));
  }
}
