package io.callengine.sip;

import gov.nist.core.net.SecurityManagerProvider;
import java.util.Properties;
import javax.net.ssl.KeyManager;
import javax.net.ssl.TrustManager;

/**
 * The JAIN-SIP stack's key and trust material: none, because the engine listens on UDP and TCP
 * only. {@link SipStackHolder} names this class in the stack properties; without it the stack
 * loads the JVM's default stores and warns at every start that TLS has no key store.
 */
public final class NoTlsSecurityManager implements SecurityManagerProvider {
  @Override
  public void init(Properties properties) {}

  /** None: the stack then sets up no TLS context. */
  @Override
  public KeyManager[] getKeyManagers(boolean client) {
    return null;
  }

  @Override
  public TrustManager[] getTrustManagers(boolean client) {
    return null;
  }
}
