package io.callengine.sip;

import com.typesafe.config.Config;
import io.callengine.sip.media.IpLiteral;
import io.callengine.sip.media.RtpPortRange;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.time.Duration;
import java.util.Collections;

/** The gateway's settings, read once from {@code callengine.sip}. */
public record SipSettings(
    String host,
    int port,
    String publicHost,
    String realm,
    java.util.List<io.callengine.sip.registrar.Algorithm> digestAlgorithms,
    RtpPortRange rtpPorts,
    int rtpThreads,
    int minExpires,
    int maxExpires,
    Duration nonceLifetime,
    int maxMessageSize,
    int stackThreads,
    int maxServerTransactions,
    SipTransportSettings transport,
    Duration drainTimeout,
    Duration retryAfter,
    int maxCallsInSetup,
    Duration overloadRetryAfter,
    MediaSettings media,
    LivenessSettings liveness) {

  public static SipSettings from(Config config) {
    Config sip = config.getConfig("callengine.sip");
    String host = sip.getString("host");
    String publicHost = sip.getString("public-host");
    if (publicHost.isBlank()) publicHost = isWildcard(host) ? firstExternalAddress() : host;
    if (!IpLiteral.isLiteral(publicHost.replaceAll("^\\[|]$", ""))) {
      throw new IllegalArgumentException("callengine.sip.public-host (CALLENGINE_SIP_PUBLIC_HOST) must be an IP address, "
          + "as SDP needs one; got " + publicHost);
    }
    return new SipSettings(host, sip.getInt("port"), publicHost, sip.getString("realm"), algorithms(sip.getString("digest-algorithms")),
        RtpPortRange.parse(sip.getString("rtp-ports")), sip.getInt("rtp-threads"),
        sip.getInt("min-expires"), sip.getInt("max-expires"), sip.getDuration("nonce-lifetime"),
        sip.getInt("max-message-size"), sip.getInt("stack-threads"), sip.getInt("max-server-transactions"),
        SipTransportSettings.from(sip), positive(sip, "drain-timeout", "CALLENGINE_DRAIN_TIMEOUT"), positive(sip, "retry-after", null),
        notNegative(sip, "max-calls-in-setup", "CALLENGINE_SIP_MAX_CALLS_IN_SETUP"), positive(sip, "overload-retry-after", null),
        MediaSettings.from(config), LivenessSettings.from(sip));
  }

  private static java.util.List<io.callengine.sip.registrar.Algorithm> algorithms(String names) {
    return java.util.Arrays.stream(names.split(",")).map(String::trim).filter(n -> !n.isEmpty())
        .map(n -> io.callengine.sip.registrar.Algorithm.of(n).orElseThrow(() -> new IllegalArgumentException(
            "callengine.sip.digest-algorithms (CALLENGINE_SIP_DIGEST_ALGORITHMS): unknown algorithm " + n + "; use SHA-256 and/or MD5")))
        .toList();
  }

  private static Duration positive(Config sip, String key, String variable) {
    Duration value = sip.getDuration(key);
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException("callengine.sip." + key + (variable == null ? "" : " (" + variable + ")")
          + " must be a positive duration such as 30s; got " + sip.getString(key));
    }
    return value;
  }

  private static int notNegative(Config sip, String key, String variable) {
    int value = sip.getInt(key);
    if (value < 0) {
      throw new IllegalArgumentException("callengine.sip." + key + " (" + variable + ") must be 0 (no limit) or more; got " + value);
    }
    return value;
  }

  private static boolean isWildcard(String host) {
    return host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]");
  }

  private static String firstExternalAddress() {
    try {
      for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        if (!nic.isUp() || nic.isLoopback()) continue;
        for (InetAddress address : Collections.list(nic.getInetAddresses())) {
          if (address instanceof Inet4Address) return address.getHostAddress();
        }
      }
    } catch (SocketException e) {
      // fall through to loopback
    }
    return "127.0.0.1";
  }
}
