package io.callengine.core.call;

import io.callengine.core.CborSerializable;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * A supervisor monitoring a connected call: {@code supervisor} names who asked (the token's
 * label), {@code phone} the agent account whose registered phone the engine calls, {@code mode}
 * who hears the supervisor. One per call at a time; kept in the {@link CallState} while it lasts.
 */
public record Monitoring(String id, String supervisor, String phone, Mode mode, Instant since) implements CborSerializable {

  /** Listen: nobody hears the supervisor; whisper: the agent does; barge: both do. */
  public enum Mode {
    LISTEN,
    WHISPER,
    BARGE;

    /** The mode named {@code text} (any case), or empty. */
    public static Optional<Mode> parse(String text) {
      return text == null ? Optional.empty()
          : Arrays.stream(values()).filter(m -> m.name().equalsIgnoreCase(text.trim())).findFirst();
    }

    /** As the API and the events say it: {@code listen}, {@code whisper}, {@code barge}. */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  Monitoring withMode(Mode newMode) {
    return new Monitoring(id, supervisor, phone, newMode, since);
  }
}
