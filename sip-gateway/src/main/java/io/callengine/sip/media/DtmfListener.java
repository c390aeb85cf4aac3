package io.callengine.sip.media;

/**
 * Hears the digits a {@link DtmfDetector} finds, once per key press. Called on the relay's
 * event loop: implementations hand the digit on (tell an actor) and never block.
 */
@FunctionalInterface
public interface DtmfListener {

  /** {@code digit} is one of 0-9, *, #, A-D; {@code durationMs} how long it was held. */
  void onDigit(char digit, int durationMs);
}
