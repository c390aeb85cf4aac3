package io.callengine.core.recording;

import static io.callengine.core.testing.TestEngines.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callengine.core.testing.EntityTestConfig;
import io.callengine.core.testing.ManualClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sweep actor on an engine-like clock: moving the clock on makes recordings old, and only those go. */
class RecordingRetentionTest {
  private static final ActorTestKit kit = ActorTestKit.create(EntityTestConfig.config());
  private static final ExecutorService blocking = Executors.newSingleThreadExecutor();

  @TempDir Path dataDir;

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
    blocking.shutdownNow();
  }

  @Test
  void eachSweepDeletesWhatTheClockMadeOldAndCountsIt() throws Exception {
    Instant start = Instant.now();
    ManualClock clock = new ManualClock(start);
    Recordings recordings = new Recordings(dataDir, new Recordings.Settings(Duration.ofDays(90), Optional.empty(), Duration.ofMillis(100)));
    Path first = RecordingsTest.written(recordings, "first", start.minus(Duration.ofDays(10)), start.minus(Duration.ofDays(10)));
    Path second = RecordingsTest.written(recordings, "second", start.minus(Duration.ofDays(5)), start.minus(Duration.ofDays(5)));
    Path live = RecordingsTest.written(recordings, "live", start, start);
    SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    kit.spawn(RecordingRetention.create(recordings, clock, metrics, blocking));

    clock.advance(Duration.ofDays(81)); // "first" is now 91 days old
    eventually(Duration.ofSeconds(10), "the first recording deleted", () -> !Files.exists(first));
    assertTrue(Files.exists(second));
    eventually(Duration.ofSeconds(10), "counted", () -> deleted(metrics) == 1.0); // the count follows the deletion

    clock.advance(Duration.ofDays(5)); // "second" is 91 days old, "live" 86
    eventually(Duration.ofSeconds(10), "the second recording deleted", () -> !Files.exists(second));
    assertTrue(Files.exists(live), "written within the retention: kept");
    eventually(Duration.ofSeconds(10), "counted", () -> deleted(metrics) == 2.0);
    assertTrue(Files.isDirectory(live.getParent()), "the day directory of a recording kept stays");
    assertFalse(Files.exists(first.getParent()), "the first sweep also removed the first recording's emptied day directory");
  }

  @Test
  void theRetentionIsLoggedAsItIsWritten() {
    assertEquals("90d", RecordingRetention.readable(Duration.ofDays(90)));
    assertEquals("36h", RecordingRetention.readable(Duration.ofHours(36)));
    assertEquals("90m", RecordingRetention.readable(Duration.ofMinutes(90)));
  }

  private static double deleted(SimpleMeterRegistry metrics) {
    return metrics.get("callengine.recordings.deleted").counter().count();
  }
}
