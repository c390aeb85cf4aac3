package io.callengine.core.persistence;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;

/** The few JDBC steps the read-side writers share: bind values (null included) and run. */
public final class Sql {
  private Sql() {}

  public static int update(Connection c, String sql, Object... values) throws SQLException {
    try (PreparedStatement statement = prepare(c, sql, values)) {
      return statement.executeUpdate();
    }
  }

  /** Binds {@code values}; an Instant is stored as epoch millis like every timestamp of the read side. */
  public static PreparedStatement prepare(Connection c, String sql, Object... values) throws SQLException {
    PreparedStatement statement = c.prepareStatement(sql);
    try {
      for (int i = 0; i < values.length; i++) {
        Object value = values[i] instanceof Instant at ? at.toEpochMilli() : values[i];
        // Types.NULL: PostgreSQL then infers the column's type instead of assuming text.
        if (value == null) statement.setNull(i + 1, Types.NULL);
        else statement.setObject(i + 1, value);
      }
      return statement;
    } catch (SQLException e) {
      statement.close();
      throw e;
    }
  }

  public static Long nullableLong(ResultSet rs, String column) throws SQLException {
    long value = rs.getLong(column);
    return rs.wasNull() ? null : value;
  }
}
