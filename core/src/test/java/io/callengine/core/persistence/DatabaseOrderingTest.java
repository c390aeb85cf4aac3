package io.callengine.core.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A process killed right after writing events to an H2 file: the next start numbers the journal
 * on from the last event, with no gap for the read journal to wait out.
 */
class DatabaseOrderingTest {

  @Test
  void afterAKillTheJournalOrderingGoesOnFromTheLastEvent() throws Exception {
    Path dir = Files.createTempDirectory("callengine-ordering");
    // As the node opens it: a commit reaches the file before it is acknowledged.
    String url = "jdbc:h2:file:" + dir.resolve("db") + ";DATABASE_TO_UPPER=false;WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE";
    Process killed = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), DatabaseOrderingTest.class.getName(), url)
        .redirectErrorStream(true).redirectOutput(dir.resolve("child.log").toFile()).start();
    assertTrue(killed.waitFor(60, TimeUnit.SECONDS), "the writing process ends");
    assertEquals(9, killed.exitValue(), "it halted after its writes: " + Files.readString(dir.resolve("child.log")));

    try (Database database = new Database(h2(url))) {
      database.createSchema();
      try (Connection connection = database.dataSource().getConnection()) {
        assertEquals(4, append(connection, "after-restart", 1), "the fourth event follows the three written before the kill");
      }
    }
  }

  /** The process that is killed: three events committed, then a halt with no shutdown of H2. */
  public static void main(String[] args) throws Exception {
    try (Database database = new Database(h2(args[0]))) {
      database.createSchema();
      try (Connection connection = database.dataSource().getConnection()) {
        for (int event = 1; event <= 3; event++) append(connection, "before-kill", event);
      }
      Runtime.getRuntime().halt(9);
    }
  }

  private static Config h2(String url) {
    return ConfigFactory.parseString("kind = h2, user = sa, password = \"\", max-connections = 2, url = \"" + url + "\"");
  }

  /** Appends one event and returns the ordering the database gave it. */
  private static long append(Connection connection, String persistenceId, long sequenceNumber) throws Exception {
    try (PreparedStatement insert = connection.prepareStatement("""
        INSERT INTO "event_journal" ("persistence_id", "sequence_number", "writer", "write_timestamp",
          "adapter_manifest", "event_payload", "event_ser_id", "event_ser_manifest") VALUES (?, ?, 'w', 0, '', X'00', 1, '')""")) {
      insert.setString(1, persistenceId);
      insert.setLong(2, sequenceNumber);
      insert.executeUpdate();
    }
    connection.commit();
    try (Statement query = connection.createStatement();
        ResultSet ordering = query.executeQuery("SELECT MAX(\"ordering\") FROM \"event_journal\"")) {
      ordering.next();
      return ordering.getLong(1);
    }
  }
}
