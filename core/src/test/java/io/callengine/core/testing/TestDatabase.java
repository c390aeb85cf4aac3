package io.callengine.core.testing;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.callengine.core.api.CallCenterEngine;
import io.callengine.core.persistence.Database;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A database of its own for one test class (or one test), on either kind the engine runs on: an
 * H2 file in a temporary directory, or a fresh database on the PostgreSQL server that {@code
 * CALLENGINE_TEST_POSTGRES_URL} names (user and password {@code callengine}), dropped on close.
 * Without that variable a PostgreSQL database is refused with a JUnit assumption, so the test is
 * skipped, not failed. Tests that run on both take a {@link Kind} from
 * {@code @ParameterizedClass @EnumSource(TestDatabase.Kind.class)}.
 */
public final class TestDatabase implements AutoCloseable {
  public static final String POSTGRES_URL_VARIABLE = "CALLENGINE_TEST_POSTGRES_URL";
  private static final String POSTGRES_USER = "callengine";
  private static final String POSTGRES_PASSWORD = "callengine";
  private static final Pattern POSTGRES_URL = Pattern.compile("(jdbc:postgresql://[^/?]+/)([^?]*)(.*)");

  public enum Kind { H2, POSTGRES }

  private final Kind kind;
  private final String url;
  private final String user;
  private final String password;
  private final AutoCloseable drop;

  private TestDatabase(Kind kind, String url, String user, String password, AutoCloseable drop) {
    this.kind = kind;
    this.url = url;
    this.user = user;
    this.password = password;
    this.drop = drop;
  }

  public static TestDatabase create(Kind kind) throws Exception {
    return kind == Kind.H2 ? h2() : postgres();
  }

  private static TestDatabase h2() throws IOException {
    Path dir = Files.createTempDirectory("callengine-test-db");
    return new TestDatabase(Kind.H2, "jdbc:h2:file:" + dir.resolve("db") + ";DATABASE_TO_UPPER=false", "sa", "", () -> delete(dir));
  }

  private static TestDatabase postgres() throws SQLException {
    String server = System.getenv(POSTGRES_URL_VARIABLE);
    Assumptions.assumeTrue(server != null && !server.isBlank(), POSTGRES_URL_VARIABLE + " is not set: no PostgreSQL server to test on "
        + "(start one with .ci/postgres.sh start DIR PORT and export the URL it prints, see docs/operations.md)");
    Matcher m = POSTGRES_URL.matcher(server);
    if (!m.matches()) throw new IllegalArgumentException(POSTGRES_URL_VARIABLE + " must look like jdbc:postgresql://host:port/database, not " + server);
    String name = "callengine_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    admin(server, "CREATE DATABASE " + name);
    return new TestDatabase(Kind.POSTGRES, m.group(1) + name + m.group(3), POSTGRES_USER, POSTGRES_PASSWORD,
        () -> admin(server, "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"));
  }

  private static void admin(String server, String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(server, POSTGRES_USER, POSTGRES_PASSWORD); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  public Kind kind() {
    return kind;
  }

  /** The settings that point an engine at this database (unresolved; the engine adds the profile for its kind). */
  public Config config() {
    return ConfigFactory.empty()
        .withValue("callengine.db.url", ConfigValueFactory.fromAnyRef(url))
        .withValue("callengine.db.user", ConfigValueFactory.fromAnyRef(user))
        .withValue("callengine.db.password", ConfigValueFactory.fromAnyRef(password));
  }

  /** The read side's pool on this database, its schema created (twice: the script must be re-runnable). */
  public Database openWithSchema() throws SQLException {
    Database database = new Database(CallCenterEngine.resolve(config().withFallback(TestEngines.config(""))).getConfig("callengine.db"));
    try {
      database.createSchema();
      database.createSchema();
      return database;
    } catch (SQLException | RuntimeException e) {
      database.close();
      throw e;
    }
  }

  /** A connection of its own (auto-commit), for reading what the engine wrote. */
  public Connection connect() throws SQLException {
    return DriverManager.getConnection(url, user, password);
  }

  @Override
  public void close() throws Exception {
    drop.close();
  }

  @Override
  public String toString() {
    return kind + " " + url;
  }

  private static void delete(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.delete(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
  }
}
