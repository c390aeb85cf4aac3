package io.callengine.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

/** The defaults API.md promises, and the PostgreSQL profile switch. */
class NodeConfigTest {

  @Test
  void defaultsAreTheDocumentedOnes() {
    Config config = NodeConfig.load();
    assertEquals("cluster", config.getString("pekko.actor.provider"));
    assertEquals("0.0.0.0", config.getString("callengine.sip.host"));
    assertEquals(5060, config.getInt("callengine.sip.port"));
    assertEquals(8080, config.getInt("callengine.http.port"));
    assertEquals("20000-29999", config.getString("callengine.sip.rtp-ports"));
    assertEquals("./data", config.getString("callengine.data-dir"));
    assertEquals(config.getString("callengine.db.url"),
        config.getString("pekko-persistence-jdbc.shared-databases.slick.db.url"), "journal and read side share one database");
    assertEquals("h2-dialect", config.getString("pekko.projection.jdbc.dialect"));
    assertEquals(java.time.Duration.ofMillis(500), config.getDuration("callengine.call-handler.timeout"));
  }

  @Test
  void aPostgresUrlSwitchesDriverProfileAndDialect() {
    Config config = NodeConfig.load(ConfigFactory.parseString("callengine.db.url = \"jdbc:postgresql://127.0.0.1/callengine\""));
    assertEquals("postgres", config.getString("callengine.db.kind"));
    assertEquals("org.postgresql.Driver", config.getString("pekko-persistence-jdbc.shared-databases.slick.db.driver"));
    assertEquals("slick.jdbc.PostgresProfile$", config.getString("pekko-persistence-jdbc.shared-databases.slick.profile"));
    assertEquals("postgres-dialect", config.getString("pekko.projection.jdbc.dialect"));
  }
}
