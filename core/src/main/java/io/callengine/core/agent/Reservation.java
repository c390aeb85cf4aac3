package io.callengine.core.agent;

import io.callengine.core.CborSerializable;

/** A confirmed reservation: the agent holds the call and its phone ({@code sipUri}) can be rung at {@code contact}. */
public record Reservation(String agentId, String callId, String contact, String sipUri) implements CborSerializable {}
