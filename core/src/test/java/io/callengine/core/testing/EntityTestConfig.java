package io.callengine.core.testing;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;

/** The entity tests' actor system: in-memory journal, cluster provider (entities look up sharding), messages serialized. */
public final class EntityTestConfig {
  private EntityTestConfig() {}

  public static Config config() {
    return ConfigFactory.parseString("""
            pekko.actor.provider = cluster
            pekko.remote.artery.canonical.hostname = 127.0.0.1
            pekko.remote.artery.canonical.port = 0
            pekko.actor.serialize-messages = on
            pekko.loglevel = WARNING
            """)
        .withFallback(EventSourcedBehaviorTestKit.config())
        .withFallback(ConfigFactory.load());
  }
}
