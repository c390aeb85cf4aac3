package io.callengine.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.callengine.core.recording.Recordings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where a node's recordings go (the recordings store's layout), its pause key, and the names of the files. */
class CallRecordersTest {
  @TempDir
  Path dataDir;

  private Config config(String overrides) {
    return ConfigFactory.parseString("callengine.data-dir = \"" + dataDir + "\"\n" + overrides)
        .withFallback(ConfigFactory.defaultReference()).resolve();
  }

  private CallRecorders recorders(Config config) {
    return CallRecorders.from(config, Recordings.from(config), Runnable::run, "node-a");
  }

  @Test
  void aFileGoesWhereTheStoreFindsItByTheUtcDayItStarted() throws Exception {
    Config config = config("");
    CallRecorders recorders = recorders(config);
    Instant lateInTheDay = Instant.parse("2026-12-06T23:59:59Z");
    assertEquals("2026-12-06/c-1.wav", CallRecorders.fileName("c-1", lateInTheDay), "the UTC day, whatever the node's zone");
    recorders.open("c-1", lateInTheDay).close().get();
    Path written = dataDir.resolve("recordings/2026-12-06/c-1.wav").toAbsolutePath().normalize();
    assertTrue(Files.isRegularFile(written), "the day folder was made and the file written");
    assertEquals(written, Recordings.from(config).find("c-1").orElseThrow(), "the store finds it");
    assertEquals("*1", recorders.pauseKey(), "the default pause key");
  }

  @Test
  void aSharedDirectoryTakesEveryNodesFiles(@TempDir Path shared) {
    CallRecorders recorders = recorders(config("callengine.recording.shared-directory = \"" + shared + "\""));
    assertEquals(shared.toAbsolutePath().normalize().resolve("2026-12-06/c-1.wav"), recorders.path("2026-12-06/c-1.wav"));
  }

  @Test
  void aPauseKeyOfOtherKeysOrTooLongStopsTheStartNamingTheSetting() {
    for (String bad : new String[] {"*12345", "p1", "*-1"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> recorders(config("callengine.recording.pause-key = \"" + bad + "\"")));
      assertTrue(e.getMessage().contains("callengine.recording.pause-key"), e.getMessage());
    }
    assertEquals("", recorders(config("callengine.recording.pause-key = \"\"")).pauseKey(), "empty: no key pauses");
  }
}
