package io.callengine.core.call;

import io.callengine.core.CborSerializable;

/** A call's hold as the API shows it: whether it is on hold now, its hold time so far (the current hold included) and its number of holds. */
public record HoldView(String callId, boolean onHold, long holdSeconds, int holds) implements CborSerializable {}
