package io.callengine.core.auth;

/** A freshly minted token: shown once, stored only as a hash. */
public record IssuedToken(String token, Role role, String agentId, String label) {}
