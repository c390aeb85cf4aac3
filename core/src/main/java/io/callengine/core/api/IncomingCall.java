package io.callengine.core.api;

import io.callengine.core.CborSerializable;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A new customer call as a {@link CallHandler} sees it, built by the SIP gateway from the INVITE:
 * the engine's id for the call (the {@code callId} of its events and call record, should it be
 * recorded), the caller's URI and display name (null without one) from From, the dialed address
 * (the Request-URI's user part), the To URI, and every header of the INVITE by name, each with
 * its values in the order they came. The header map is read-only and its names are
 * case-insensitive ({@code headers().get("x-account")} finds {@code X-Account}).
 */
public record IncomingCall(String callId, String caller, String callerName, String dialed, String to,
    Map<String, List<String>> headers) implements CborSerializable {

  public IncomingCall {
    TreeMap<String, List<String>> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    if (headers != null) headers.forEach((name, values) -> copy.merge(name, List.copyOf(values), IncomingCall::concat));
    headers = Collections.unmodifiableMap(copy);
  }

  /** The first value of header {@code name}, if the INVITE has it. */
  public Optional<String> header(String name) {
    List<String> values = headers.get(name);
    return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
  }

  private static List<String> concat(List<String> a, List<String> b) {
    return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
  }
}
