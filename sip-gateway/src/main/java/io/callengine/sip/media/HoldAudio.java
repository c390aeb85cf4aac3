package io.callengine.sip.media;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * The engine's hold audio, loaded and encoded once at start-up and shared by every call: the
 * hold music (built in, or the operator's {@code callengine.media.hold-music} WAV) and the
 * spoken prompts shipped in {@code /audio}. The SIP layer builds {@link Playlist}s from it
 * and hands them to a leg's {@link RtpPlayer}. Loading reads files: do it before the actors
 * start, never inside one.
 */
public final class HoldAudio {

  /** The highest number there is a recording of ({@code n1.wav} .. {@code n20.wav}). */
  public static final int MAX_SPOKEN_NUMBER = 20;
  private static final String SETTING = "callengine.media.hold-music";

  /** The spoken prompts, each a file {@code /audio/<file>.wav}. */
  public enum Prompt {
    YOU_ARE_CALLER_NUMBER("you-are-caller-number"),
    YOUR_EXPECTED_WAIT_IS_ABOUT("your-expected-wait-is-about"),
    MINUTE("minute"),
    MINUTES("minutes"),
    LESS_THAN_A_MINUTE("less-than-a-minute"),
    PLEASE_HOLD("please-hold"),
    THANK_YOU_FOR_HOLDING("thank-you-for-holding"),
    PLEASE_CHOOSE("please-choose"),
    INVALID_CHOICE("invalid-choice"),
    CALL_MAY_BE_RECORDED("this-call-may-be-recorded"),

    CALLBACK_OFFER("callback-offer"),
    CALLBACK_CONFIRM("callback-confirm"),
    CALLBACK_OTHER_NUMBER("callback-other-number"),
    CALLBACK_GOODBYE("callback-goodbye");

    private final String file;

    Prompt(String file) {
      this.file = file;
    }

    public String file() {
      return file;
    }
  }

  private final AudioClip music;
  private final Map<Prompt, AudioClip> prompts;
  private final AudioClip[] numbers;

  private HoldAudio(AudioClip music) {
    this.music = music;
    this.prompts = new EnumMap<>(Prompt.class);
    for (Prompt prompt : Prompt.values()) {
      prompts.put(prompt, AudioClip.resource(prompt.file()));
    }
    this.numbers = new AudioClip[MAX_SPOKEN_NUMBER + 1];
    for (int n = 1; n <= MAX_SPOKEN_NUMBER; n++) {
      numbers[n] = AudioClip.resource("n" + n);
    }
  }

  /**
   * Reads {@code callengine.media.hold-music}: empty for the built-in music, else the path of
   * a WAV of 8 kHz, mono, 16-bit PCM. Any other file fails here, naming the setting.
   */
  public static HoldAudio load(Config config) {
    String file = config.getString(SETTING).trim();
    if (file.isEmpty()) {
      return builtIn();
    }
    try {
      return new HoldAudio(AudioClip.file(Path.of(file)));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(SETTING + ": " + e.getMessage(), e);
    }
  }

  /** The shipped music and prompts. */
  public static HoldAudio builtIn() {
    return new HoldAudio(AudioClip.resource("hold-music"));
  }

  public AudioClip music() {
    return music;
  }

  public AudioClip prompt(Prompt prompt) {
    return prompts.get(prompt);
  }

  /** The recording of {@code n}, for 1 to {@link #MAX_SPOKEN_NUMBER}. */
  public AudioClip number(int n) {
    if (n < 1 || n > MAX_SPOKEN_NUMBER) {
      throw new IllegalArgumentException("no recording of " + n + "; there are 1 to " + MAX_SPOKEN_NUMBER);
    }
    return numbers[n];
  }

  /** The music, looping: what a queued caller hears. */
  public Playlist holdMusic() {
    return Playlist.looping(music);
  }

  /**
   * "You are caller number N", then the music. Past {@link #MAX_SPOKEN_NUMBER} there is no
   * number to say, so the caller hears "thank you for holding" instead.
   */
  public Playlist callerNumber(int position) {
    if (position < 1) {
      throw new IllegalArgumentException("queue position must be 1 or more, got " + position);
    }
    if (position > MAX_SPOKEN_NUMBER) {
      return Playlist.of(prompt(Prompt.THANK_YOU_FOR_HOLDING)).thenLoop(music);
    }
    return Playlist.of(prompt(Prompt.YOU_ARE_CALLER_NUMBER), number(position)).thenLoop(music);
  }

  /**
   * "Your expected wait is about N minutes" (rounded to the nearest minute; "less than a
   * minute" under 60 s), then the music. Past {@link #MAX_SPOKEN_NUMBER} minutes it promises
   * nothing and says "thank you for holding".
   */
  public Playlist expectedWait(Duration wait) {
    long seconds = Math.max(0, wait.toSeconds());
    long minutes = Math.round(seconds / 60.0);
    Playlist intro = Playlist.of(prompt(Prompt.YOUR_EXPECTED_WAIT_IS_ABOUT));
    if (seconds < 60) {
      return intro.then(prompt(Prompt.LESS_THAN_A_MINUTE)).thenLoop(music);
    }
    if (minutes > MAX_SPOKEN_NUMBER) {
      return Playlist.of(prompt(Prompt.THANK_YOU_FOR_HOLDING)).thenLoop(music);
    }
    Prompt unit = minutes == 1 ? Prompt.MINUTE : Prompt.MINUTES;
    return intro.then(number((int) minutes), prompt(unit)).thenLoop(music);
  }
}
