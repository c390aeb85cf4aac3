package io.callengine.core.readside;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.callengine.core.Tags;
import io.callengine.core.persistence.PlainJdbcSession;
import io.callengine.core.persistence.ReadSide;
import io.callengine.core.persistence.Sql;
import io.callengine.core.policy.RoutingPolicies;
import io.callengine.core.policy.RoutingPolicy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.jdbc.javadsl.JdbcHandler;
import org.apache.pekko.serialization.jackson.JacksonObjectMapperProvider;

/**
 * Keeps {@code routing_policies} in step with the RoutingPolicies singleton (tag
 * {@code routing-policies}): id, name and order as columns, the whole policy as JSON written by
 * the engine's own Jackson mapper (the {@code jackson-json} binding), so it reads back as a
 * {@link RoutingPolicy}.
 */
public final class RoutingPolicyProjection extends JdbcHandler<EventEnvelope<RoutingPolicies.Event>, PlainJdbcSession> {
  private final ObjectMapper json;

  private RoutingPolicyProjection(ObjectMapper json) {
    this.json = json;
  }

  public static void init(ActorSystem<?> system, DataSource dataSource) {
    ObjectMapper json = JacksonObjectMapperProvider.get(system).getOrCreate("jackson-json", Optional.empty());
    ReadSide.run(system, dataSource, "routing-policies", List.of(Tags.ROUTING_POLICIES), slice -> new RoutingPolicyProjection(json));
  }

  @Override
  public void process(PlainJdbcSession session, EventEnvelope<RoutingPolicies.Event> envelope) throws Exception {
    session.withConnection(c -> {
      RoutingPolicies.Event event = envelope.event();
      if (event instanceof RoutingPolicies.PolicySaved e) write(c, e.policy(), envelope.timestamp());
      else if (event instanceof RoutingPolicies.PolicyDeleted e) Sql.update(c, "DELETE FROM routing_policies WHERE id = ?", e.policyId());
      return null;
    });
  }

  private void write(Connection c, RoutingPolicy policy, long written) throws SQLException, JsonProcessingException {
    Sql.update(c, "DELETE FROM routing_policies WHERE id = ?", policy.id());
    Sql.update(c, "INSERT INTO routing_policies (id, name, position, time_zone, rule_count, policy, updated_at) "
            + "VALUES (?, ?, ?, ?, ?, ?, ?)",
        policy.id(), policy.name(), policy.order(), policy.timeZone(), policy.rules() == null ? 0 : policy.rules().size(),
        json.writeValueAsString(policy), written);
  }
}
