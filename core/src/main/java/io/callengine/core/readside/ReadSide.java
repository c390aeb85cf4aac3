package io.callengine.core.readside;

import io.callengine.core.persistence.PlainJdbcSession;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.ShardedDaemonProcessSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ShardedDaemonProcess;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.projection.ProjectionBehavior;
import org.apache.pekko.projection.ProjectionId;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.eventsourced.javadsl.EventSourcedProvider;
import org.apache.pekko.projection.jdbc.javadsl.JdbcHandler;
import org.apache.pekko.projection.jdbc.javadsl.JdbcProjection;

/**
 * Runs a read-side table's projection: one exactly-once JDBC projection per tag, each a
 * sharded daemon process instance so that every tag is read on exactly one node. The rows and
 * the offset are written in one transaction of the read-side pool.
 */
final class ReadSide {
  private ReadSide() {}

  static <E> void run(ActorSystem<?> system, DataSource dataSource, String name, List<String> tags,
      Supplier<JdbcHandler<EventEnvelope<E>, PlainJdbcSession>> handler) {
    ShardedDaemonProcess.get(system).init(ProjectionBehavior.Command.class, name, tags.size(),
        i -> ProjectionBehavior.create(JdbcProjection.exactlyOnce(ProjectionId.of(name, tags.get(i)),
            EventSourcedProvider.<E>eventsByTag(system, JdbcReadJournal.Identifier(), tags.get(i)),
            () -> new PlainJdbcSession(dataSource), handler, system)),
        ShardedDaemonProcessSettings.create(system), Optional.of(ProjectionBehavior.stopMessage()));
  }

  /** The entity id of a persistence id such as {@code Agent|alice}. */
  static String entityId(String persistenceId) {
    return persistenceId.substring(persistenceId.indexOf('|') + 1);
  }
}
