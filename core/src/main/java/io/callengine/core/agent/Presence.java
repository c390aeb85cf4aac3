package io.callengine.core.agent;

/** What the agent (or an admin) says about the agent's readiness. */
public enum Presence { OFFLINE, AVAILABLE, BREAK }
