package io.callengine.core.recording;

import static io.callengine.core.testing.TestEngines.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.callengine.core.testing.EntityTestConfig;
import io.callengine.core.testing.ManualClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

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
    ListAppender<ILoggingEvent> log = new ListAppender<>();
    log.start();
    ((Logger) LoggerFactory.getLogger(RecordingRetention.class)).addAppender(log);
    kit.spawn(RecordingRetention.create(recordings, clock, metrics, blocking));

    clock.advance(Duration.ofDays(81)); // "first" is now 91 days old
    eventually(Duration.ofSeconds(10), "the first recording deleted", () -> !Files.exists(first));
    assertTrue(Files.exists(second));
    eventually(Duration.ofSeconds(10), "counted", () -> deleted(metrics) == 1.0); // the count follows the deletion

    clock.advance(Duration.ofDays(5)); // "second" is 91 days old, "live" 86
    eventually(Duration.ofSeconds(10), "the second recording deleted", () -> !Files.exists(second));
    assertTrue(Files.exists(live), "written within the retention: kept");
    eventually(Duration.ofSeconds(10), "counted", () -> deleted(metrics) == 2.0);
    assertTrue(Files.isDirectory(live.getParent()));
    eventually(Duration.ofSeconds(10), "one line per sweep that deleted something", () -> lines(log, recordings).size() == 2);
    ((Logger) LoggerFactory.getLogger(RecordingRetention.class)).detachAppender(log);
    assertEquals("Recording retention: deleted 1 recording(s) older than 90d from " + recordings.root() + " (and 1 emptied day directories)",
        lines(log, recordings).get(0), "the first sweep also removed the first recording's day directory");
    assertEquals(2, lines(log, recordings).size(), "nothing logged for the sweeps that deleted nothing");
  }

  @Test
  void theRetentionIsLoggedAsItIsWritten() {
    assertEquals("90d", RecordingRetention.readable(Duration.ofDays(90)));
    assertEquals("36h", RecordingRetention.readable(Duration.ofHours(36)));
    assertEquals("90m", RecordingRetention.readable(Duration.ofMinutes(90)));
  }

  /** The lines about this test's directory: engines of other tests in this JVM sweep theirs through the same logger. */
  private static List<String> lines(ListAppender<ILoggingEvent> log, Recordings recordings) {
    synchronized (log) {
      return log.list.stream().map(ILoggingEvent::getFormattedMessage).filter(line -> line.contains(recordings.root().toString())).toList();
    }
  }

  private static double deleted(SimpleMeterRegistry metrics) {
    return metrics.get("callengine.recordings.deleted").counter().count();
  }
}
