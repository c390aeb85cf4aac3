package io.callengine.core.recording;

import com.typesafe.config.Config;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Where this node keeps call recordings: {@code <root>/<yyyy-MM-dd of the call's start, UTC>/<callId>.wav},
 * the root being {@code callengine.recording.shared-directory} when set (every node reads and
 * writes there) and {@code <callengine.data-dir>/recordings} otherwise. The call's recorder asks
 * for {@link #fileFor} when a recording starts; the HTTP layer serves what {@link #find} finds;
 * {@link RecordingRetention} calls {@link #sweep}. Every method touches the file system: call
 * them on a blocking dispatcher, never on an actor's or a route's thread.
 */
public final class Recordings {
  /** Call ids the engine makes (UUIDs) and SIP Call-IDs; never a path separator, never a leading dot. */
  private static final Pattern CALL_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9@._+-]{0,254}");
  private static final String SUFFIX = ".wav";
  /** Retention shorter than this could reach a recording still being written (see {@link #sweep}). */
  static final Duration MIN_RETENTION = Duration.ofHours(1);
  /** An empty day directory changed this recently may be about to receive a recording. */
  private static final Duration DIRECTORY_GRACE = Duration.ofMinutes(10);

  private final Path root;
  private final Settings settings;

  /** {@code retention} zero keeps recordings for ever; an empty {@code sharedDirectory} means none. */
  public record Settings(Duration retention, Optional<Path> sharedDirectory, Duration sweepInterval) {
    public Settings {
      if (retention.isNegative() || !retention.isZero() && retention.compareTo(MIN_RETENTION) < 0) {
        throw new IllegalArgumentException("callengine.recording.retention must be 0 (keep for ever) or at least "
            + MIN_RETENTION.toMinutes() + " minutes, got " + retention);
      }
      if (sweepInterval.isNegative() || sweepInterval.isZero()) {
        throw new IllegalArgumentException("callengine.recording.retention-sweep-interval must be positive, got " + sweepInterval);
      }
    }

    public static Settings from(Config config) {
      Config recording = config.getConfig("callengine.recording");
      String shared = recording.getString("shared-directory").strip();
      return new Settings(recording.getDuration("retention"),
          shared.isEmpty() ? Optional.empty() : Optional.of(Path.of(shared)),
          recording.getDuration("retention-sweep-interval"));
    }
  }

  /** What one sweep removed. */
  public record Swept(int files, int directories) {}

  public Recordings(Path dataDir, Settings settings) {
    this.settings = settings;
    this.root = settings.sharedDirectory().orElse(dataDir.resolve("recordings")).toAbsolutePath().normalize();
  }

  /** The store of a node configured by {@code config} ({@code callengine.data-dir} and {@code callengine.recording}). */
  public static Recordings from(Config config) {
    return new Recordings(Path.of(config.getString("callengine.data-dir")), Settings.from(config));
  }

  public Path root() {
    return root;
  }

  public Settings settings() {
    return settings;
  }

  /** Whether every node reads the same directory (no need to ask the others for a recording). */
  public boolean shared() {
    return settings.sharedDirectory().isPresent();
  }

  /** Where the recording of the call that started at {@code startedAt} is written; its day directory is created. */
  public Path fileFor(String callId, Instant startedAt) {
    Path day = root.resolve(LocalDate.ofInstant(startedAt, ZoneOffset.UTC).toString());
    try {
      Files.createDirectories(day);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the recordings directory " + day, e);
    }
    return day.resolve(checked(callId) + SUFFIX);
  }

  /** The call's recording in this store, newest day first; empty for an id that cannot be a call's. */
  public Optional<Path> find(String callId) {
    if (callId == null || !CALL_ID.matcher(callId).matches()) return Optional.empty();
    for (Path day : days(Comparator.reverseOrder())) {
      Path file = day.resolve(callId + SUFFIX);
      if (Files.isRegularFile(file)) return Optional.of(file);
    }
    return Optional.empty();
  }

  /**
   * Deletes the recordings whose last write is at least the retention before {@code now}, and the
   * day directories left empty whose whole day is that old (unless created or changed in the last
   * ten minutes: {@link #fileFor} may just have made it for a recording). A recording being written is never
   * old: the recorder writes every 20 ms tick of the call (silence while paused), so its last
   * write is always within seconds, and the retention is at least an hour. Nodes sharing a
   * directory may sweep it at the same time: a file another node removed first is skipped.
   */
  public Swept sweep(Instant now) {
    if (settings.retention().isZero()) return new Swept(0, 0);
    Instant cutoff = now.minus(settings.retention());
    int files = 0;
    int directories = 0;
    for (Path day : days(Comparator.naturalOrder())) {
      // Read before this sweep's deletions touch it: a directory fileFor made just now stays for its recorder.
      boolean settled = lastWrite(day).map(at -> at.isBefore(now.minus(DIRECTORY_GRACE))).orElse(false);
      for (Path file : recordingsIn(day)) {
        if (lastWrite(file).map(at -> !at.isAfter(cutoff)).orElse(false) && delete(file)) files++;
      }
      boolean dayOver = !dayOf(day).plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().isAfter(cutoff);
      if (dayOver && settled && recordingsIn(day).isEmpty() && delete(day)) directories++;
    }
    return new Swept(files, directories);
  }

  private static String checked(String callId) {
    if (callId == null || !CALL_ID.matcher(callId).matches()) {
      throw new IllegalArgumentException("not a call id that can name a recording file: " + callId);
    }
    return callId;
  }

  /** The day directories, in date order. */
  private List<Path> days(Comparator<LocalDate> order) {
    if (!Files.isDirectory(root)) return List.of();
    try (Stream<Path> entries = Files.list(root)) {
      return entries.filter(Files::isDirectory).filter(p -> dayOf(p) != null)
          .sorted(Comparator.comparing(Recordings::dayOf, order)).toList();
    } catch (NoSuchFileException gone) {
      return List.of();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the recordings directory " + root, e);
    }
  }

  private static LocalDate dayOf(Path directory) {
    try {
      return LocalDate.parse(directory.getFileName().toString());
    } catch (DateTimeParseException notADay) {
      return null;
    }
  }

  private static List<Path> recordingsIn(Path day) {
    List<Path> files = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(day, "*" + SUFFIX)) {
      entries.forEach(files::add);
    } catch (NoSuchFileException gone) {
      return List.of();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + day, e);
    }
    return files;
  }

  private static Optional<Instant> lastWrite(Path file) {
    try {
      return Optional.of(Files.getLastModifiedTime(file).toInstant());
    } catch (IOException gone) {
      return Optional.empty();
    }
  }

  /** False when another node (sharing the directory) removed it first, or a directory is no longer empty. */
  private static boolean delete(Path path) {
    try {
      return Files.deleteIfExists(path);
    } catch (java.nio.file.DirectoryNotEmptyException refilled) {
      return false;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + path, e);
    }
  }
}
