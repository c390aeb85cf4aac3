package io.callengine.core.auth;

import io.callengine.core.CborSerializable;

/** Who a token speaks for; {@code agentId} is set for the AGENT role only. */
public record Principal(Role role, String agentId, String label) implements CborSerializable {

  public boolean mayActAsAgent(String id) {
    return role != Role.AGENT || id.equals(agentId);
  }
}
