package io.callengine.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callengine.core.api.CallCenterEngine;
import io.callengine.core.testing.TestEngines;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIP over TLS with a certificate made for the test by keytool: a TLS client that trusts only that
 * certificate (and checks it names 127.0.0.1) gets the node's answers over TLS on the TLS port.
 */
class SipTlsTest {
  private static final String PASSWORD = "test-keystore-pw";
  @TempDir static Path dir;
  private static Path keystore;
  private static SipTestNode node;
  private static int tlsPort;

  @BeforeAll
  static void start() throws Exception {
    keystore = dir.resolve("sip-tls.p12");
    Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
        "-genkeypair", "-alias", "sip", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=127.0.0.1",
        "-ext", "SAN=ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12", "-keystore", keystore.toString(),
        "-storepass", PASSWORD, "-keypass", PASSWORD).redirectErrorStream(true).start();
    assertTrue(keytool.waitFor(60, TimeUnit.SECONDS), "keytool ends");
    assertEquals(0, keytool.exitValue(), new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    tlsPort = TestEngines.freePort();
    node = SipTestNode.start("42150-42199", "callengine.sip.tls { port = " + tlsPort + ", keystore = \"" + keystore
        + "\", keystore-password = \"" + PASSWORD + "\" }");
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  @Test
  void optionsAndRegisterOverTlsAreAnsweredOverTls() throws Exception {
    try (SSLSocket socket = (SSLSocket) trustingOnlyTheTestCertificate().getSocketFactory().createSocket("127.0.0.1", tlsPort)) {
      SSLParameters parameters = socket.getSSLParameters();
      parameters.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must name 127.0.0.1
      socket.setSSLParameters(parameters);
      socket.setSoTimeout(10_000);
      socket.startHandshake();
      System.out.println("SIP over TLS: " + socket.getSession().getProtocol() + " " + socket.getSession().getCipherSuite());

      OutputStream out = socket.getOutputStream();
      InputStream in = socket.getInputStream();
      out.write(request("OPTIONS", "tls-options-1", socket.getLocalPort()).getBytes(StandardCharsets.US_ASCII));
      out.flush();
      assertEquals("SIP/2.0 200 OK", headLines(in).get(0), "a ready node answers OPTIONS");

      out.write(request("REGISTER", "tls-register-1", socket.getLocalPort()).getBytes(StandardCharsets.US_ASCII));
      out.flush();
      List<String> challenge = headLines(in);
      assertEquals("SIP/2.0 401 Unauthorized", challenge.get(0), "the registrar challenges over TLS as over UDP");
      assertTrue(challenge.stream().anyMatch(l -> l.startsWith("WWW-Authenticate:")), String.join("\n", challenge));
    }
  }

  @Test
  void aKeyStoreThatDoesNotOpenStopsTheStartWithTheSettingNamed() throws Exception {
    IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class, () -> SipSettings.from(CallCenterEngine.resolve(
        TestEngines.config("callengine.sip.tls { keystore = \"" + keystore + "\", keystore-password = wrong }"))));
    assertTrue(wrong.getMessage().contains("CALLENGINE_SIP_TLS_KEYSTORE_PASSWORD"), "wrong password: " + wrong.getMessage());

    Path notAKeyStore = Files.writeString(dir.resolve("not-a-keystore.p12"), "just text");
    IllegalArgumentException garbage = assertThrows(IllegalArgumentException.class, () -> SipSettings.from(CallCenterEngine.resolve(
        TestEngines.config("callengine.sip.tls { keystore = \"" + notAKeyStore + "\", keystore-password = x }"))));
    assertTrue(garbage.getMessage().contains("CALLENGINE_SIP_TLS_KEYSTORE"), "not a key store: " + garbage.getMessage());

    Path missing = dir.resolve("missing.p12");
    IllegalArgumentException noFile = assertThrows(IllegalArgumentException.class, () -> SipSettings.from(CallCenterEngine.resolve(
        TestEngines.config("callengine.sip.tls.keystore = \"" + missing + "\""))));
    assertTrue(noFile.getMessage().contains("CALLENGINE_SIP_TLS_KEYSTORE"), noFile.getMessage());
  }

  private static SSLContext trustingOnlyTheTestCertificate() throws Exception {
    KeyStore trusted = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keystore)) {
      trusted.load(in, PASSWORD.toCharArray());
    }
    TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(trusted);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trust.getTrustManagers(), null);
    return context;
  }

  private static String request(String method, String callId, int localPort) {
    String target = "sip:127.0.0.1:" + tlsPort + ";transport=tls";
    return method + " " + target + " SIP/2.0\r\n"
        + "Via: SIP/2.0/TLS 127.0.0.1:" + localPort + ";branch=z9hG4bK-" + callId + ";rport\r\n"
        + "Max-Forwards: 70\r\n"
        + "From: <sip:tls-probe@127.0.0.1>;tag=" + callId + "\r\n"
        + "To: <sip:tls-probe@127.0.0.1>\r\n"
        + "Call-ID: " + callId + "\r\n"
        + "CSeq: 1 " + method + "\r\n"
        + (method.equals("REGISTER") ? "Contact: <sip:tls-probe@127.0.0.1:" + localPort + ";transport=tls>\r\n" : "")
        + "Content-Length: 0\r\n\r\n";
  }

  /** The start line and headers of the next message; the node's answers here carry no body. */
  private static List<String> headLines(InputStream in) throws Exception {
    BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII), 1);
    List<String> lines = new ArrayList<>();
    for (String line = reader.readLine(); line != null && !(line.isEmpty() && !lines.isEmpty()); line = reader.readLine()) {
      if (!line.isEmpty()) lines.add(line);
    }
    return lines;
  }
}
