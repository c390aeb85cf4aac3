package io.callengine.sip.media;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The outcome of {@link Sdp#negotiate}: the G.711 codecs both sides share, in the offer's
 * order, and telephone-event when the offer had it. The call's media actors keep it to
 * answer the customer ({@link Sdp#answer}) and to offer the same formats to the agent
 * ({@link Sdp#offer} with {@link #codecs()}), so the relay never has to transcode.
 */
public record Negotiation(List<Codec> audio, Optional<Codec> telephoneEvent) {

  public Negotiation {
    if (audio.isEmpty()) {
      throw new IllegalArgumentException("a negotiation needs at least one audio codec");
    }
    audio = List.copyOf(audio);
  }

  /** Audio codecs first, then telephone-event: the order of the {@code m=} line. */
  public List<Codec> codecs() {
    List<Codec> all = new ArrayList<>(audio);
    telephoneEvent.ifPresent(all::add);
    return List.copyOf(all);
  }
}
