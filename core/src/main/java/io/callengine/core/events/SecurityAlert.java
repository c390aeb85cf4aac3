package io.callengine.core.events;

import java.time.Instant;

/**
 * A node's front door defending itself, for admins (the event stream shows it to admin tokens
 * only): {@code kind} {@code lockout} (a source or an account locked out after repeated failed
 * SIP authentications), {@code rate-limit} (a source over its SIP rate, once per source, method
 * and log window) or {@code token-refused} (a source sending unknown HTTP bearer tokens, once per
 * source and log window). {@code source} is the IP address, {@code user} the SIP user name when one applies,
 * {@code text} says it in words. The same events are logged as {@code SECURITY} lines and counted
 * in {@code /metrics}.
 */
public record SecurityAlert(Instant at, String kind, String source, String user, String text) implements CallCenterEvent {
  @Override
  public String type() {
    return "security";
  }
}
