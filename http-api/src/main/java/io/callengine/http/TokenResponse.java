package io.callengine.http;

import io.callengine.core.auth.IssuedToken;
import java.util.Locale;

/** A freshly minted token: the only time the token itself is shown. */
record TokenResponse(String token, String role, String agentId, String label) {

  static TokenResponse from(IssuedToken issued) {
    return new TokenResponse(issued.token(), issued.role().name().toLowerCase(Locale.ROOT), issued.agentId(), issued.label());
  }
}
