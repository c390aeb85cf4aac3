package io.callengine.core.persistence;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.NotUsed;
import org.apache.pekko.persistence.PersistentRepr;
import org.apache.pekko.persistence.jdbc.PekkoSerialization;
import org.apache.pekko.persistence.jdbc.config.ReadJournalConfig;
import org.apache.pekko.persistence.jdbc.journal.dao.JournalTables.JournalPekkoSerializationRow;
import org.apache.pekko.persistence.jdbc.query.dao.DefaultReadJournalDao;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.scaladsl.Source;
import scala.Option;
import scala.Tuple3;
import scala.collection.immutable.Set;
import scala.concurrent.ExecutionContext;
import scala.concurrent.Future;
import scala.util.Try;
import slick.dbio.DBIOAction;
import slick.jdbc.JdbcBackend;
import slick.jdbc.JdbcProfile;
import slick.jdbc.SimpleJdbcAction;

/**
 * The read journal's data access for H2, with the one query the projections poll written so
 * that H2 reads it by the journal's {@code ordering} range. The library's query joins the tag
 * table to a derived table of the journal, and H2 then scans every row of the tag table on
 * every poll: the cost of each poll grew with the journal's whole history. Named by
 * {@code jdbc-read-journal.dao}; PostgreSQL keeps the library's own.
 */
public final class H2ReadJournalDao extends DefaultReadJournalDao {
  static final String EVENTS_BY_TAG = """
      SELECT j."ordering", j."deleted", j."persistence_id", j."sequence_number", j."writer", j."write_timestamp",
             j."adapter_manifest", j."event_payload", j."event_ser_id", j."event_ser_manifest",
             j."meta_payload", j."meta_ser_id", j."meta_ser_manifest"
      FROM "event_journal" j JOIN "event_tag" t ON t."event_id" = j."ordering" AND t."tag" = ?
      WHERE j."ordering" > ? AND j."ordering" <= ? AND j."deleted" = FALSE
      ORDER BY j."ordering" LIMIT ?""";

  private final JdbcBackend.JdbcDatabaseDef database;
  private final Serialization serialization;

  public H2ReadJournalDao(JdbcBackend.JdbcDatabaseDef database, JdbcProfile profile, ReadJournalConfig config,
      Serialization serialization, ExecutionContext ec, Materializer materializer) {
    super(database, profile, config, serialization, ec, materializer);
    this.database = database;
    this.serialization = serialization;
  }

  /** Runs on the journal's own database threads, as the library's query does. */
  @Override
  @SuppressWarnings({"unchecked", "rawtypes"})
  public Source<Try<Tuple3<PersistentRepr, Set<String>, Object>>, NotUsed> eventsByTag(String tag, long offset, long maxOffset,
      long max) {
    SimpleJdbcAction<List<JournalPekkoSerializationRow>> query =
        SimpleJdbcAction.apply(context -> rows(context.connection(), tag, offset, maxOffset, max));
    // The action's effect type is contravariant in Scala; Java cannot say so.
    Future<List<JournalPekkoSerializationRow>> rows = database.run((DBIOAction) query);
    return org.apache.pekko.stream.javadsl.Source.future(rows)
        .mapConcat(list -> list)
        .map(row -> PekkoSerialization.fromRow(serialization, row)
            .map(found -> new Tuple3<PersistentRepr, Set<String>, Object>(found._1(), scala.collection.immutable.Set$.MODULE$.empty(), found._2())))
        .asScala();
  }

  private static List<JournalPekkoSerializationRow> rows(Connection connection, String tag, long offset, long maxOffset, long max) {
    try (PreparedStatement statement = connection.prepareStatement(EVENTS_BY_TAG)) {
      statement.setString(1, tag);
      statement.setLong(2, offset);
      statement.setLong(3, maxOffset);
      statement.setLong(4, Math.min(max, Integer.MAX_VALUE));
      List<JournalPekkoSerializationRow> rows = new ArrayList<>();
      try (ResultSet result = statement.executeQuery()) {
        while (result.next()) rows.add(row(result));
      }
      return rows;
    } catch (SQLException e) {
      throw new IllegalStateException("reading events tagged " + tag + " failed: " + e.getMessage(), e);
    }
  }

  private static JournalPekkoSerializationRow row(ResultSet r) throws SQLException {
    int metaSerId = r.getInt(12);
    Option<Object> metaSerIdOption = r.wasNull() ? Option.empty() : Option.apply(metaSerId);
    return new JournalPekkoSerializationRow(r.getLong(1), r.getBoolean(2), r.getString(3), r.getLong(4), r.getString(5),
        r.getLong(6), r.getString(7), r.getBytes(8), r.getInt(9), r.getString(10), Option.apply(r.getBytes(11)),
        metaSerIdOption, Option.apply(r.getString(13)));
  }
}
