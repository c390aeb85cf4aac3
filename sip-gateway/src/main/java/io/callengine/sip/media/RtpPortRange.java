package io.callengine.sip.media;

/**
 * The UDP ports a node may use for RTP, from {@code first} to {@code last} inclusive.
 * Every RTP port is even and its RTCP companion ({@code port + 1}) lies inside the range
 * too, so the range holds {@link #size()} RTP ports. Read from configuration by whoever
 * builds the {@link MediaRelay}, and handed to its {@link RtpPortAllocator}.
 */
public record RtpPortRange(int first, int last) {

  public static final int LOWEST_PORT = 1024;
  public static final int HIGHEST_PORT = 65535;

  public RtpPortRange {
    if (first < LOWEST_PORT || last > HIGHEST_PORT) {
      throw new IllegalArgumentException(
          "RTP port range " + first + "-" + last + " must lie within "
              + LOWEST_PORT + "-" + HIGHEST_PORT);
    }
    if (first % 2 != 0) {
      throw new IllegalArgumentException(
          "RTP port range must start on an even port (RTP even, RTCP odd), got " + first);
    }
    if (last <= first) {
      throw new IllegalArgumentException(
          "RTP port range end " + last + " must be greater than its start " + first);
    }
  }

  /** Parses {@code "20000-29999"}. */
  public static RtpPortRange parse(String text) {
    if (text == null) {
      throw new IllegalArgumentException("RTP port range is missing; expected e.g. 20000-29999");
    }
    String[] bounds = text.strip().split("-", -1);
    if (bounds.length != 2) {
      throw new IllegalArgumentException(
          "RTP port range must look like 20000-29999, got '" + text + "'");
    }
    try {
      return new RtpPortRange(
          Integer.parseInt(bounds[0].strip()), Integer.parseInt(bounds[1].strip()));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "RTP port range must look like 20000-29999, got '" + text + "'", e);
    }
  }

  /** Number of RTP ports (each with its RTCP port) in the range. */
  public int size() {
    return (last - first + 1) / 2;
  }

  /** The {@code index}-th RTP port, counting from 0. */
  int portAt(int index) {
    return first + 2 * index;
  }

  /** Position of an RTP port in the range, or -1 when it is not one of its RTP ports. */
  int indexOf(int port) {
    int offset = port - first;
    if (offset < 0 || offset % 2 != 0 || offset / 2 >= size()) {
      return -1;
    }
    return offset / 2;
  }
}
