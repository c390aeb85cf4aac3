package io.callengine.core.persistence;

import com.typesafe.config.Config;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * The read side's connection pool (HikariCP, which the journal's Slick already brings) and the
 * idempotent schema: journal, snapshots and read-side tables, created at start and safe to run
 * on every start.
 */
public final class Database implements AutoCloseable {
  private final HikariDataSource dataSource;
  private final String kind;
  private final boolean h2File;

  public Database(Config db) {
    this.kind = db.getString("kind");
    // Embedded in this process alone: not in memory, not a server's (tcp:, ssl:), not shared by AUTO_SERVER.
    String url = db.getString("url");
    this.h2File = url.startsWith("jdbc:h2:file:") && !url.toUpperCase(java.util.Locale.ROOT).contains("AUTO_SERVER=TRUE");
    HikariConfig hikari = new HikariConfig();
    hikari.setPoolName("callengine-read-side");
    hikari.setJdbcUrl(db.getString("url"));
    hikari.setUsername(db.getString("user"));
    hikari.setPassword(db.getString("password"));
    hikari.setMaximumPoolSize(db.getInt("max-connections"));
    hikari.setMinimumIdle(1);
    hikari.setConnectionTimeout(5000);
    hikari.setAutoCommit(false);
    this.dataSource = new HikariDataSource(hikari);
  }

  public DataSource dataSource() {
    return dataSource;
  }

  /** Runs the schema script for this kind of database; every statement is IF NOT EXISTS. */
  public void createSchema() throws SQLException {
    String script = resource("/schema/" + kind + ".sql");
    try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
      for (String sql : script.split(";\\s*\n")) {
        String trimmed = sql.lines().filter(l -> !l.startsWith("--")).reduce("", (a, b) -> a + "\n" + b).trim();
        if (!trimmed.isEmpty()) statement.execute(trimmed);
      }
      if (h2File) closeOrderingGap(statement);
      connection.commit();
    }
  }

  /**
   * H2 hands out the journal's {@code ordering} 32 at a time from its cache; after a kill it goes
   * on past the values it never used. The read journal takes such a gap for events still being
   * written and holds every projection for about ten seconds (max-tries × query-delay) before it
   * gives up waiting. A file database belongs to this process alone and nothing writes before the
   * engine starts, so the numbering simply goes on right after the last event.
   */
  private static void closeOrderingGap(Statement statement) throws SQLException {
    try (ResultSet last = statement.executeQuery("SELECT COALESCE(MAX(\"ordering\"), 0) FROM PUBLIC.\"event_journal\"")) {
      last.next();
      statement.execute("ALTER TABLE PUBLIC.\"event_journal\" ALTER COLUMN \"ordering\" RESTART WITH " + (last.getLong(1) + 1));
    }
  }

  /** Whether the database answers a trivial query within a second. */
  public boolean answers() {
    try (Connection connection = dataSource.getConnection()) {
      return connection.isValid(1);
    } catch (SQLException e) {
      return false;
    }
  }

  private static String resource(String path) {
    try (InputStream in = Database.class.getResourceAsStream(path)) {
      if (in == null) throw new IllegalStateException("no schema script " + path + " (callengine.db.kind must be h2 or postgres)");
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    dataSource.close();
  }
}
