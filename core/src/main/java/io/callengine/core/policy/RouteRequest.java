package io.callengine.core.policy;

import io.callengine.core.CborSerializable;
import java.time.Instant;

/**
 * An inbound call as routing sees it: the dialed address and the caller (SIP URIs or bare user
 * parts), when it arrived, and the IVR digits collected so far (null when none). The SIP gateway
 * builds one per INVITE.
 */
public record RouteRequest(String dialed, String caller, Instant at, String digits) implements CborSerializable {}
