package io.callengine.node;

import com.typesafe.config.Config;
import io.callengine.core.auth.Tokens;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin's bearer token: from {@code CALLENGINE_ADMIN_TOKEN}, or else generated on the first
 * start into {@code <data-dir>/admin-token} (readable by the owner only) and read back on every
 * later start. The log says where it is, never what it is.
 */
final class AdminToken {
  private static final Logger log = LoggerFactory.getLogger(AdminToken.class);

  private AdminToken() {}

  static String resolve(Config config, Path dataDir) throws IOException {
    String configured = config.getString("callengine.admin-token");
    if (!configured.isBlank()) return configured;
    Path file = dataDir.resolve("admin-token");
    if (Files.exists(file)) {
      log.info("Admin token: read from {}", file.toAbsolutePath());
      return Files.readString(file, StandardCharsets.UTF_8).trim();
    }
    String token = Tokens.mint();
    Files.writeString(file, token + "\n", StandardCharsets.UTF_8);
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system: the directory's own permissions apply
    }
    log.info("Admin token: generated into {} (set CALLENGINE_ADMIN_TOKEN to choose your own)", file.toAbsolutePath());
    return token;
  }
}
