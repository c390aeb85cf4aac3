package io.callengine.core.recording;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store's layout, lookup and retention sweep, on a temporary data directory. */
class RecordingsTest {
  private static final Instant NOW = Instant.parse("2030-06-15T12:00:00Z");
  private static final Recordings.Settings NINETY_DAYS = new Recordings.Settings(Duration.ofDays(90), Optional.empty(), Duration.ofHours(1));

  @TempDir Path dataDir;

  @Test
  void aRecordingLivesInTheDayDirectoryOfItsCallsStartInUtc() throws Exception {
    Recordings recordings = new Recordings(dataDir, NINETY_DAYS);
    Path file = recordings.fileFor("c-1", Instant.parse("2030-06-14T23:59:59.999Z"));
    assertEquals(dataDir.resolve("recordings/2030-06-14/c-1.wav").toAbsolutePath(), file);
    assertTrue(Files.isDirectory(file.getParent()), "the day directory is created");
    assertEquals(Optional.empty(), recordings.find("c-1"), "not there until written");
    Files.write(file, new byte[] {1, 2, 3});
    assertEquals(Optional.of(file), recordings.find("c-1"));
    assertEquals(Optional.empty(), recordings.find("c-2"));
  }

  @Test
  void idsThatCouldLeaveTheDirectoryAreRefused() {
    Recordings recordings = new Recordings(dataDir, NINETY_DAYS);
    for (String bad : new String[] {"../etc/passwd", "..", ".hidden", "a/b", "a\\b", ""}) {
      assertThrows(IllegalArgumentException.class, () -> recordings.fileFor(bad, NOW), bad);
      assertEquals(Optional.empty(), recordings.find(bad), bad);
    }
    assertTrue(recordings.fileFor("3848276298220188511@192.0.2.9", NOW).toString().endsWith("3848276298220188511@192.0.2.9.wav"));
  }

  @Test
  void aSharedDirectoryReplacesTheDataDirectory(@TempDir Path shared) {
    Recordings recordings = Recordings.from(ConfigFactory.parseString("""
        callengine.data-dir = "%s"
        callengine.recording.shared-directory = "%s"
        """.formatted(dataDir, shared)).withFallback(ConfigFactory.load()));
    assertTrue(recordings.shared());
    assertEquals(shared.resolve("2030-06-15/c-1.wav").toAbsolutePath(), recordings.fileFor("c-1", NOW));
    assertFalse(Files.exists(dataDir.resolve("recordings")));
  }

  @Test
  void theSweepDeletesWhatIsOlderThanTheRetentionAndTheDayDirectoriesItEmptied() throws Exception {
    Recordings recordings = new Recordings(dataDir, NINETY_DAYS);
    Path old = written(recordings, "old", NOW.minus(Duration.ofDays(100)), NOW.minus(Duration.ofDays(100)));
    Path exactlyOld = written(recordings, "exactly", NOW.minus(Duration.ofDays(91)), NOW.minus(Duration.ofDays(90)));
    Path young = written(recordings, "young", NOW.minus(Duration.ofDays(100)), NOW.minus(Duration.ofDays(89)));
    Path today = written(recordings, "today", NOW, NOW);
    Files.createDirectories(recordings.root().resolve("2030-01-01"));
    Files.writeString(recordings.root().resolve("notes.txt"), "not a day directory: left alone");

    assertEquals(new Recordings.Swept(2, 2), recordings.sweep(NOW), "two files; the emptied day of 'exactly' and 2030-01-01");
    assertFalse(Files.exists(old));
    assertFalse(Files.exists(exactlyOld));
    assertFalse(Files.exists(exactlyOld.getParent()));
    assertTrue(Files.exists(young), "last written 89 days ago: kept, and so is its day directory");
    assertTrue(Files.exists(today));
    assertFalse(Files.exists(recordings.root().resolve("2030-01-01")));
    assertTrue(Files.exists(recordings.root().resolve("notes.txt")));
    assertEquals(new Recordings.Swept(0, 0), recordings.sweep(NOW), "nothing more to do");

    assertEquals(new Recordings.Swept(1, 1), recordings.sweep(NOW.plus(Duration.ofDays(2))));
    assertFalse(Files.exists(young));
    assertTrue(Files.exists(today));
  }

  @Test
  void aRecordingStillBeingWrittenIsNeverOld() throws Exception {
    Recordings recordings = new Recordings(dataDir, new Recordings.Settings(Duration.ofHours(1), Optional.empty(), Duration.ofMinutes(1)));
    // A call started two days ago and still recording: its file was written a second ago.
    Path live = written(recordings, "long-call", NOW.minus(Duration.ofDays(2)), NOW.minusSeconds(1));
    assertEquals(new Recordings.Swept(0, 0), recordings.sweep(NOW));
    assertTrue(Files.exists(live));
  }

  @Test
  void aDayDirectoryJustMadeForARecordingIsLeftForIt() throws Exception {
    Recordings recordings = new Recordings(dataDir, NINETY_DAYS);
    Instant now = Instant.now();
    // A call of long ago (as far as the sweep can tell) whose recorder was just given its file: nothing written yet.
    Path file = recordings.fileFor("late-start", now.minus(Duration.ofDays(100)));
    assertEquals(new Recordings.Swept(0, 0), recordings.sweep(now));
    assertTrue(Files.isDirectory(file.getParent()), "created within the last ten minutes: kept");
    assertEquals(new Recordings.Swept(0, 1), recordings.sweep(now.plus(Duration.ofMinutes(11))), "still empty later: removed");
  }

  @Test
  void zeroRetentionKeepsEverythingAndShortOnesAreRefused() throws Exception {
    Recordings forever = new Recordings(dataDir, new Recordings.Settings(Duration.ZERO, Optional.empty(), Duration.ofHours(1)));
    Path ancient = written(forever, "ancient", NOW.minus(Duration.ofDays(3000)), NOW.minus(Duration.ofDays(3000)));
    assertEquals(new Recordings.Swept(0, 0), forever.sweep(NOW));
    assertTrue(Files.exists(ancient));
    IllegalArgumentException tooShort = assertThrows(IllegalArgumentException.class,
        () -> new Recordings.Settings(Duration.ofMinutes(5), Optional.empty(), Duration.ofHours(1)));
    assertTrue(tooShort.getMessage().contains("callengine.recording.retention"), tooShort.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new Recordings.Settings(Duration.ofDays(1), Optional.empty(), Duration.ZERO));
  }

  @Test
  void theDefaultsAreNinetyDaysHourlyAndNoSharedDirectory() {
    Recordings.Settings defaults = Recordings.Settings.from(ConfigFactory.load());
    assertEquals(new Recordings.Settings(Duration.ofDays(90), Optional.empty(), Duration.ofHours(1)), defaults);
  }

  static Path written(Recordings recordings, String callId, Instant startedAt, Instant lastWrite) throws Exception {
    Path file = recordings.fileFor(callId, startedAt);
    Files.write(file, new byte[] {'R', 'I', 'F', 'F'});
    Files.setLastModifiedTime(file, FileTime.from(lastWrite));
    return file;
  }
}
