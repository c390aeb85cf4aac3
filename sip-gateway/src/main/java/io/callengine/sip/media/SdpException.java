package io.callengine.sip.media;

/**
 * An SDP body that cannot be read. Thrown by {@link Sdp#parse}; the SIP layer answers the
 * request that carried it with 488 Not Acceptable Here (or 400 when it prefers).
 */
public final class SdpException extends Exception {

  private static final long serialVersionUID = 1L;

  public SdpException(String message) {
    super(message);
  }
}
