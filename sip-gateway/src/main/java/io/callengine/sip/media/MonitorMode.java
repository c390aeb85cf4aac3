package io.callengine.sip.media;

/**
 * How a supervisor takes part in a monitored call, as the rule of who hears whom that
 * {@link G711Mixer} applies to each 20 ms frame. In {@code LISTEN} nobody hears the
 * supervisor; in {@code WHISPER} only the agent does; in {@code BARGE} everyone hears the
 * other two. Customer and agent always hear each other, and nobody hears themselves.
 */
public enum MonitorMode {
  LISTEN,
  WHISPER,
  BARGE;

  /** The three parties of a monitored call. */
  public enum Party {
    CUSTOMER,
    AGENT,
    SUPERVISOR
  }

  /** Whether {@code listener} hears {@code speaker} in this mode. */
  public boolean hears(Party listener, Party speaker) {
    if (listener == speaker) {
      return false;
    }
    if (speaker != Party.SUPERVISOR) {
      return true;
    }
    return switch (this) {
      case LISTEN -> false;
      case WHISPER -> listener == Party.AGENT;
      case BARGE -> true;
    };
  }

  /**
   * As {@link #hears(Party, Party)}, and while the call is on hold ({@code held}) customer and
   * agent are apart: the customer hears only the hold music, the agent no customer; the
   * supervisor still hears both.
   */
  public boolean hears(Party listener, Party speaker, boolean held) {
    if (held && listener != Party.SUPERVISOR && (listener == Party.CUSTOMER || speaker == Party.CUSTOMER)) {
      return false;
    }
    return hears(listener, speaker);
  }
}
