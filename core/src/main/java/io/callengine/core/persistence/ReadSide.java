package io.callengine.core.persistence;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.IntFunction;
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
 * Runs a read-side table's projection: one JDBC projection per tag, each a sharded daemon
 * process instance so that every tag is read on exactly one node. Events are handled in groups:
 * the rows of a group and its offset are written in one transaction of the read-side pool, so
 * the read side commits once per group rather than once per event (a commit is what costs).
 */
public final class ReadSide {
  /** A group closes at this many events, or this long after its first: the read side trails by about that. */
  private static final int GROUP_EVENTS = 200;
  private static final Duration GROUP_WITHIN = Duration.ofMillis(100);

  private ReadSide() {}

  /** {@code handlerOfSlice} makes the handler of the tag at that index of {@code tags}. */
  public static <E> void run(ActorSystem<?> system, DataSource dataSource, String name, List<String> tags,
      IntFunction<JdbcHandler<EventEnvelope<E>, PlainJdbcSession>> handlerOfSlice) {
    ShardedDaemonProcess.get(system).init(ProjectionBehavior.Command.class, name, tags.size(),
        i -> ProjectionConsole.wrap(ProjectionBehavior.create(JdbcProjection.groupedWithin(ProjectionId.of(name, tags.get(i)),
                EventSourcedProvider.<E>eventsByTag(system, JdbcReadJournal.Identifier(), tags.get(i)),
                () -> new PlainJdbcSession(dataSource), () -> grouped(handlerOfSlice.apply(i)), system)
            .withGroup(GROUP_EVENTS, GROUP_WITHIN))),
        ShardedDaemonProcessSettings.create(system), Optional.of(ProjectionBehavior.stopMessage()));
  }

  /** The entity id of a persistence id such as {@code Agent|alice}. */
  public static String entityId(String persistenceId) {
    return persistenceId.substring(persistenceId.indexOf('|') + 1);
  }

  private static <E> JdbcHandler<List<EventEnvelope<E>>, PlainJdbcSession> grouped(
      JdbcHandler<EventEnvelope<E>, PlainJdbcSession> each) {
    return new JdbcHandler<>() {
      @Override
      public void process(PlainJdbcSession session, List<EventEnvelope<E>> envelopes) throws Exception {
        for (EventEnvelope<E> envelope : envelopes) each.process(session, envelope);
      }
    };
  }
}
