package io.callengine.http;

import io.callengine.core.auth.Principal;
import java.util.Locale;

/** {@code GET /api/v1/me}: whom the bearer token speaks for (the token's role, its agent for an agent token, its label). */
record MeResponse(String role, String agentId, String label) {

  static MeResponse of(Principal principal) {
    return new MeResponse(principal.role().name().toLowerCase(Locale.ROOT), principal.agentId(), principal.label());
  }
}
