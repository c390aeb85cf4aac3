package io.callengine.sip;

import gov.nist.core.net.SecurityManagerProvider;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Properties;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * The JAIN-SIP stack's key and trust material when SIP over TLS is on: the node's certificate and
 * key from the PKCS12 key store of {@code callengine.sip.tls}, and the JVM's default trust store for
 * the certificates of phones the node connects to. {@link SipStackHolder} names this class and the
 * key store in the stack properties; the stack builds it and asks it for the managers.
 */
public final class KeyStoreSecurityManager implements SecurityManagerProvider {
  static final String KEYSTORE = "io.callengine.sip.TLS_KEYSTORE";
  static final String PASSWORD = "io.callengine.sip.TLS_KEYSTORE_PASSWORD";

  private KeyManager[] keys;
  private TrustManager[] trust;

  @Override
  public void init(Properties properties) throws GeneralSecurityException, IOException {
    Path path = Path.of(properties.getProperty(KEYSTORE));
    char[] password = properties.getProperty(PASSWORD, "").toCharArray();
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(path)) {
      store.load(in, password);
    } catch (IOException e) {
      throw new IOException("callengine.sip.tls.keystore (CALLENGINE_SIP_TLS_KEYSTORE) " + path
          + " is not a PKCS12 key store that opens with callengine.sip.tls.keystore-password: " + e.getMessage(), e);
    }
    KeyManagerFactory keyFactory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keyFactory.init(store, password);
    TrustManagerFactory trustFactory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trustFactory.init((KeyStore) null);
    keys = keyFactory.getKeyManagers();
    trust = trustFactory.getTrustManagers();
  }

  @Override
  public KeyManager[] getKeyManagers(boolean client) {
    return keys;
  }

  @Override
  public TrustManager[] getTrustManagers(boolean client) {
    return trust;
  }
}
