package io.callengine.sip.registrar;

import io.callengine.core.persistence.Sql;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * The secret that every node of a cluster signs and checks its digest nonces with, so that a
 * REGISTER challenged by one node verifies when its answer reaches another. Either configured
 * ({@code callengine.sip.nonce-key}: base64 or hex, at least 32 bytes) or kept in the one-row
 * {@code sip_nonce_key} table of the database the nodes share, where the first node to start puts
 * a random one. {@code SipService} reads it once at start, on the starting thread, since it waits
 * on JDBC.
 */
public final class NonceKey {
  public static final int MIN_BYTES = 32;

  private static final String SETTING = "callengine.sip.nonce-key (CALLENGINE_SIP_NONCE_KEY)";
  private static final Pattern HEX = Pattern.compile("(?:[0-9a-fA-F]{2})+");
  private static final Pattern BASE64 = Pattern.compile("[A-Za-z0-9+/_-]+={0,2}");
  private static final String UNIQUE_VIOLATION = "23505";
  private static final SecureRandom RANDOM = new SecureRandom();

  private NonceKey() {}

  /** The configured key when {@code configured} is not blank, otherwise the database's. */
  public static byte[] resolve(String configured, DataSource database) throws SQLException {
    return configured.isBlank() ? shared(database) : parse(configured);
  }

  /** Hex when the text is only hex digits, base64 (standard or URL-safe) otherwise. */
  public static byte[] parse(String text) {
    String trimmed = text.trim();
    byte[] key;
    if (HEX.matcher(trimmed).matches()) {
      key = HexFormat.of().parseHex(trimmed);
    } else if (BASE64.matcher(trimmed).matches()) {
      try {
        key = Base64.getDecoder().decode(trimmed.replace('-', '+').replace('_', '/'));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(SETTING + " is neither hex nor valid base64");
      }
    } else {
      throw new IllegalArgumentException(SETTING + " is neither hex nor base64");
    }
    if (key.length < MIN_BYTES) {
      throw new IllegalArgumentException(SETTING + " must hold at least " + MIN_BYTES + " bytes; it holds "
          + key.length + " (generate one with: head -c 32 /dev/urandom | base64)");
    }
    return key;
  }

  /**
   * The key in {@code sip_nonce_key}, put there first if the table is empty. Two nodes starting
   * at once may both try to insert; the loser's insert fails on the primary key and it reads the
   * winner's key.
   */
  public static byte[] shared(DataSource database) throws SQLException {
    try (Connection connection = database.getConnection()) {
      connection.setAutoCommit(true);
      Optional<byte[]> existing = read(connection);
      if (existing.isPresent()) return existing.get();
      byte[] fresh = new byte[MIN_BYTES];
      RANDOM.nextBytes(fresh);
      try {
        Sql.update(connection, "INSERT INTO sip_nonce_key (id, nonce_key, created_at) "
            + "SELECT 1, ?, ? WHERE NOT EXISTS (SELECT 1 FROM sip_nonce_key WHERE id = 1)",
            Base64.getEncoder().encodeToString(fresh), java.time.Instant.now());
      } catch (SQLException e) {
        if (!UNIQUE_VIOLATION.equals(e.getSQLState())) throw e;
      }
      return read(connection).orElseThrow(() -> new SQLException("sip_nonce_key is still empty after inserting a key"));
    }
  }

  private static Optional<byte[]> read(Connection connection) throws SQLException {
    try (PreparedStatement select = Sql.prepare(connection, "SELECT nonce_key FROM sip_nonce_key WHERE id = 1");
        ResultSet row = select.executeQuery()) {
      return row.next() ? Optional.of(Base64.getDecoder().decode(row.getString(1))) : Optional.empty();
    }
  }
}
