package io.callengine.sip;

import com.typesafe.config.Config;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Collections;
import java.util.Optional;

/**
 * How SIP connections over TCP and TLS are kept, read from {@code callengine.sip}: the idle time
 * after which the node closes a connection, the caps on connections (all, and from one address)
 * and, when a key store is configured, the TLS listener. {@link SipStackHolder} turns them into
 * stack properties.
 */
public record SipTransportSettings(
    Duration connectionIdleTimeout, int maxConnections, int maxConnectionsPerAddress, Optional<Tls> tls) {

  /** TLS on {@code port} with the first key entry of a PKCS12 key store. */
  public record Tls(int port, Path keystore, String password) {
    @Override
    public String toString() {
      return "Tls[port=" + port + ", keystore=" + keystore + ", password=***]";
    }
  }

  public static SipTransportSettings from(Config sip) {
    Duration idle = sip.getDuration("connection-idle-timeout");
    if (idle.toMillis() < 1) {
      throw new IllegalArgumentException("callengine.sip.connection-idle-timeout (CALLENGINE_SIP_CONNECTION_IDLE_TIMEOUT) "
          + "must be a positive duration such as 300s; got " + sip.getString("connection-idle-timeout"));
    }
    return new SipTransportSettings(idle, atLeastOne(sip, "max-connections", "CALLENGINE_SIP_MAX_CONNECTIONS"),
        atLeastOne(sip, "max-connections-per-address", "CALLENGINE_SIP_MAX_CONNECTIONS_PER_ADDRESS"), tls(sip.getConfig("tls")));
  }

  private static Optional<Tls> tls(Config tls) {
    String keystore = tls.getString("keystore");
    if (keystore.isBlank()) return Optional.empty();
    Path path = Path.of(keystore);
    if (!Files.isReadable(path)) {
      throw new IllegalArgumentException("callengine.sip.tls.keystore (CALLENGINE_SIP_TLS_KEYSTORE): no readable file at " + path);
    }
    String password = tls.getString("keystore-password");
    checkOpens(path, password);
    int port = tls.getInt("port");
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("callengine.sip.tls.port (CALLENGINE_SIP_TLS_PORT) must be 1-65535; got " + port);
    }
    return Optional.of(new Tls(port, path, password));
  }

  /** Read at start, so that a wrong password or file stops the node with the settings named. */
  private static void checkOpens(Path path, String password) {
    try (InputStream in = Files.newInputStream(path)) {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(in, password.toCharArray());
      for (String alias : Collections.list(store.aliases())) {
        if (store.isKeyEntry(alias)) return;
      }
      throw new IllegalArgumentException("callengine.sip.tls.keystore (CALLENGINE_SIP_TLS_KEYSTORE) " + path
          + " holds no private key: it needs the node's key and certificate");
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException("callengine.sip.tls.keystore (CALLENGINE_SIP_TLS_KEYSTORE) " + path + " is not a PKCS12 "
          + "key store that opens with callengine.sip.tls.keystore-password (CALLENGINE_SIP_TLS_KEYSTORE_PASSWORD): " + e.getMessage(), e);
    }
  }

  private static int atLeastOne(Config sip, String key, String variable) {
    int value = sip.getInt(key);
    if (value < 1) throw new IllegalArgumentException("callengine.sip." + key + " (" + variable + ") must be 1 or more; got " + value);
    return value;
  }
}
