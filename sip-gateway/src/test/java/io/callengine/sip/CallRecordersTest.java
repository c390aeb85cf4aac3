package io.callengine.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Where a node's recordings go, its pause key, and the names of the files. */
class CallRecordersTest {

  private static Config config(String overrides) {
    return ConfigFactory.parseString(overrides).withFallback(ConfigFactory.defaultReference()).resolve();
  }

  @Test
  void filesGoBelowTheDataDirectoryByTheUtcDayTheyStarted() {
    CallRecorders recorders = CallRecorders.from(config("callengine.data-dir = \"/var/lib/ce\""), Runnable::run, "node-a");
    String file = CallRecorders.fileName("c-1", Instant.parse("2026-12-06T23:59:59Z"));
    assertEquals("2026-12-06/c-1.wav", file, "the UTC day, whatever the node's zone");
    assertEquals(Path.of("/var/lib/ce/recordings/2026-12-06/c-1.wav"), recorders.path(file));
    assertEquals("*1", recorders.pauseKey(), "the default pause key");
  }

  @Test
  void aSharedDirectoryTakesEveryNodesFiles() {
    CallRecorders recorders = CallRecorders.from(config("callengine.data-dir = \"/var/lib/ce\"\n"
        + "callengine.recording.shared-directory = \"/mnt/recordings\""), Runnable::run, "node-a");
    assertEquals(Path.of("/mnt/recordings/2026-12-06/c-1.wav"), recorders.path("2026-12-06/c-1.wav"));
  }

  @Test
  void aPauseKeyOfOtherKeysOrTooLongStopsTheStartNamingTheSetting() {
    for (String bad : new String[] {"*12345", "p1", "*-1"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> CallRecorders.from(config("callengine.recording.pause-key = \"" + bad + "\""), Runnable::run, "node-a"));
      assertTrue(e.getMessage().contains("callengine.recording.pause-key"), e.getMessage());
    }
    assertEquals("", CallRecorders.from(config("callengine.recording.pause-key = \"\""), Runnable::run, "node-a").pauseKey(),
        "empty: no key pauses");
  }
}
