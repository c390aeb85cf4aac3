package io.callengine.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.callengine.core.api.CallCenterEngine;
import java.util.Arrays;
import java.util.List;

/**
 * Loads the node's configuration: application.conf (with its includes and environment
 * overrides) and the seed nodes from {@code CALLENGINE_SEED_NODES}, resolved by {@link
 * CallCenterEngine#resolve} (which adds the PostgreSQL profile for a PostgreSQL URL).
 */
public final class NodeConfig {
  private NodeConfig() {}

  public static Config load() {
    return load(ConfigFactory.empty());
  }

  /** Overrides (tests, embedding) are layered on top before anything is resolved. */
  public static Config load(Config overrides) {
    Config application = overrides.withFallback(ConfigFactory.defaultApplication());
    String seeds = System.getenv("CALLENGINE_SEED_NODES");
    if (seeds != null && !seeds.isBlank()) {
      List<String> list = Arrays.stream(seeds.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
      application = application.withValue("pekko.cluster.seed-nodes", ConfigValueFactory.fromIterable(list));
    }
    return CallCenterEngine.resolve(application);
  }
}
