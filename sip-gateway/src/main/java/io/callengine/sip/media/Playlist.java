package io.callengine.sip.media;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What an {@link RtpPlayer} plays: {@code clips} once each in order, then {@code loop} over
 * and over until stopped, or nothing more when there is no loop. Built by {@link HoldAudio}
 * ("you are caller number", "3", then the hold music) or by hand; holds references to shared
 * clips, never copies of their audio.
 */
public record Playlist(List<AudioClip> clips, Optional<AudioClip> loop) {

  public Playlist {
    clips = List.copyOf(clips);
    Objects.requireNonNull(loop, "loop");
  }

  /** The clips once each, then silence. */
  public static Playlist of(AudioClip... clips) {
    return new Playlist(Arrays.asList(clips), Optional.empty());
  }

  /** {@code music} from its start, over and over. */
  public static Playlist looping(AudioClip music) {
    return new Playlist(List.of(), Optional.of(music));
  }

  /** This playlist's clips followed by {@code more}, keeping its loop. */
  public Playlist then(AudioClip... more) {
    List<AudioClip> all = new ArrayList<>(clips);
    all.addAll(Arrays.asList(more));
    return new Playlist(all, loop);
  }

  /** This playlist's clips, then {@code music} forever in place of any loop it had. */
  public Playlist thenLoop(AudioClip music) {
    return new Playlist(clips, Optional.of(music));
  }

  /** True when playing it would send nothing. */
  public boolean isEmpty() {
    return clips.isEmpty() && loop.isEmpty();
  }
}
