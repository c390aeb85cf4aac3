package io.callengine.core.agent;

import io.callengine.core.replicated.ReplicatedView;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;
import java.util.stream.IntStream;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * Every agent's SIP digest secret ({@link SipCredentials}), by agent id, copied to every node:
 * each {@link AgentEntity} publishes its own entry (after a change and after it recovers, which
 * remembered entities do at start), and the registrar reads this node's copy. So a REGISTER
 * needs no ask, and a known and an unknown user cost the registrar the same local reads.
 *
 * <p>The map is split over {@link #BUCKETS} replicated keys by agent id, so that one key's
 * state (about 250 bytes an agent) stays well under the cluster transport's frame size, which
 * the full state of a key must fit when it is gossiped to a node that joins.
 */
public final class DigestSecrets {
  /** How an entity publishes its entry: a null secret removes it. */
  @FunctionalInterface
  public interface Publisher {
    void publish(String agentId, SipCredentials secret);

    /** For an entity run without a cluster (unit tests of its behaviour). */
    Publisher NONE = (agentId, secret) -> {};

    static Publisher replicated(ActorSystem<?> system) {
      List<BiConsumer<String, SipCredentials>> writers = IntStream.range(0, BUCKETS)
          .mapToObj(i -> ReplicatedView.<SipCredentials>entryWriter(system, name(i))).toList();
      return (agentId, secret) -> writers.get(bucket(agentId)).accept(agentId, secret);
    }
  }

  static final int BUCKETS = 32;

  private final List<ReplicatedView<SipCredentials>> buckets;

  private DigestSecrets(List<ReplicatedView<SipCredentials>> buckets) {
    this.buckets = buckets;
  }

  /** Follows every bucket on this node from now on. */
  public static DigestSecrets follow(ActorSystem<?> system) {
    return new DigestSecrets(IntStream.range(0, BUCKETS)
        .mapToObj(i -> ReplicatedView.<SipCredentials>follow(system, name(i))).toList());
  }

  /** This node's copy of the agent's secret; empty for an id that has none (or not yet here). */
  public Optional<SipCredentials> of(String agentId) {
    return Optional.ofNullable(buckets.get(bucket(agentId)).get(agentId));
  }

  /** Completes once this node's copy holds {@code secret} for the agent, or after {@code timeout}. */
  public CompletionStage<Done> seen(String agentId, SipCredentials secret, Duration timeout, ActorSystem<?> system) {
    return buckets.get(bucket(agentId)).when(m -> Objects.equals(m.get(agentId), secret), timeout, system);
  }

  private static int bucket(String agentId) {
    return Math.floorMod(agentId.hashCode(), BUCKETS);
  }

  private static String name(int bucket) {
    return "sip-secrets-" + bucket;
  }
}
