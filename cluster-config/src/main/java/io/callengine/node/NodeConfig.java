package io.callengine.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.callengine.core.api.CallCenterEngine;
import java.util.Arrays;
import java.util.List;

/**
 * Loads the node's configuration: application.conf (with its includes and environment
 * overrides) over every module's reference.conf, the PostgreSQL profile when the database URL
 * is PostgreSQL, and the seed nodes from {@code CALLENGINE_SEED_NODES}.
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
    Config resolved = CallCenterEngine.resolve(application);
    if (resolved.getString("callengine.db.url").startsWith("jdbc:postgresql:")) {
      resolved = CallCenterEngine.resolve(application.withFallback(ConfigFactory.parseResources("postgres.conf")));
    }
    return resolved;
  }
}
