package io.callengine.http;

import io.callengine.core.EngineException;
import io.callengine.core.FieldError;
import io.callengine.core.agent.Presence;
import java.util.Arrays;
import java.util.List;

/** The body of PUT {@code /api/v1/agents/{id}/status}: AVAILABLE, BREAK (with an optional reason) or OFFLINE. */
record StatusRequest(String presence, String reason) {

  /** The presence asked for, read case-insensitively; a missing or unknown one is a 400 naming {@code presence}. */
  Presence checkedPresence() {
    return Arrays.stream(Presence.values())
        .filter(p -> p.name().equalsIgnoreCase(presence))
        .findFirst()
        .orElseThrow(() -> EngineException.invalid(List.of(new FieldError("presence",
            presence == null ? "is required: AVAILABLE, BREAK or OFFLINE" : "must be AVAILABLE, BREAK or OFFLINE"))));
  }
}
