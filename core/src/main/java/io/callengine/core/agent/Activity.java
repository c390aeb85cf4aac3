package io.callengine.core.agent;

/** What the engine is doing with the agent; derived from the agent's calls and wrap-up. */
public enum Activity { IDLE, RESERVED, RINGING, ON_CALL, WRAP_UP }
