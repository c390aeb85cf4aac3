package io.callengine.core.auth;

/** What a bearer token may do: everything, supervise, or act as one agent. */
public enum Role { ADMIN, SUPERVISOR, AGENT }
