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

    /** The direction an answer takes to an offer with this one (RFC 3264 6.1). */
    public Direction answer() {
      return switch (this) {
        case SENDONLY -> RECVONLY;
        case RECVONLY -> SENDONLY;
        default -> this;
      };
    }
  }

  public SessionDescription {
    codecs = List.copyOf(codecs);
  }

  /**
   * Whether this offer puts the other side on hold: {@code a=sendonly} or {@code a=inactive}, or
   * the connection address 0.0.0.0 of RFC 2543.
   */
  public boolean holds() {
    Direction d = direction.orElse(Direction.SENDRECV);
    return d == Direction.SENDONLY || d == Direction.INACTIVE || "0.0.0.0".equals(connectionAddress);
  }

  /** The direction to answer this offer with; an RFC 2543 hold (0.0.0.0) is answered as a {@code sendonly} one. */
  public Direction answerDirection() {
    Direction d = direction.orElse(Direction.SENDRECV);
    return d == Direction.SENDRECV && "0.0.0.0".equals(connectionAddress) ? Direction.RECVONLY : d.answer();
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
