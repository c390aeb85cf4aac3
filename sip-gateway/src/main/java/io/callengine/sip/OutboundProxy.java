package io.callengine.sip;

import com.typesafe.config.Config;
import javax.sip.header.RouteHeader;
import javax.sip.message.Request;

/**
 * Where the engine's own calls to customers (callbacks) go first: {@code callengine.sip.outbound-proxy},
 * a {@code host:port} of a proxy or trunk, put in as a loose Route so it is the next hop while the
 * request URI stays the customer's number. Empty: straight to the number's URI host.
 */
record OutboundProxy(String hostPort) {
  static final String SETTING = "callengine.sip.outbound-proxy";

  static OutboundProxy from(Config config) {
    String value = config.hasPath(SETTING) ? config.getString(SETTING).trim() : "";
    if (!value.isEmpty() && !value.matches("[A-Za-z0-9.\\-]+:\\d{1,5}|\\[[0-9A-Fa-f:.]+]:\\d{1,5}")) {
      throw new IllegalArgumentException(SETTING + " (CALLENGINE_SIP_OUTBOUND_PROXY) must be host:port, got " + value);
    }
    return new OutboundProxy(value.isEmpty() ? null : value);
  }

  void route(Request invite, SipStackHolder sip) throws Exception {
    if (hostPort == null) return;
    RouteHeader route = sip.headers().createRouteHeader(sip.addresses().createAddress("sip:" + hostPort + ";lr"));
    invite.addHeader(route);
  }
}
