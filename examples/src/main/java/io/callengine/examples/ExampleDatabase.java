package io.callengine.examples;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The database an example's engine runs on: an H2 file in a temporary directory that {@link
 * #close()} deletes, or the PostgreSQL database that {@code CALLENGINE_DB_URL} (with {@code
 * CALLENGINE_DB_USER} and {@code CALLENGINE_DB_PASSWORD}) names, as the node reads them.
 */
record ExampleDatabase(String url, String user, String password, Path temporaryDirectory) implements AutoCloseable {

  static ExampleDatabase h2InTemporaryDirectory() throws IOException {
    Path directory = Files.createTempDirectory("callengine-example");
    return new ExampleDatabase("jdbc:h2:file:" + directory.resolve("callengine") + ";DATABASE_TO_UPPER=false", "sa", "", directory);
  }

  /** PostgreSQL (or any URL the engine takes) when {@code CALLENGINE_DB_URL} is set, H2 in a temporary directory otherwise. */
  static ExampleDatabase fromEnvironment() throws IOException {
    String url = System.getenv("CALLENGINE_DB_URL");
    if (url == null || url.isBlank()) return h2InTemporaryDirectory();
    return new ExampleDatabase(url, env("CALLENGINE_DB_USER"), env("CALLENGINE_DB_PASSWORD"), null);
  }

  private static String env(String name) {
    String value = System.getenv(name);
    return value == null ? "" : value;
  }

  String description() {
    if (temporaryDirectory != null) return "H2 in " + temporaryDirectory + " (deleted at exit)";
    return (url.startsWith("jdbc:postgresql:") ? "PostgreSQL " : "") + url.replaceAll("(?i)(password=)[^;&]*", "$1***");
  }

  @Override
  public void close() throws IOException {
    if (temporaryDirectory == null) return;
    try (Stream<Path> files = Files.walk(temporaryDirectory)) {
      files.sorted(Comparator.reverseOrder()).forEach(file -> {
        try {
          Files.delete(file);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
  }
}
