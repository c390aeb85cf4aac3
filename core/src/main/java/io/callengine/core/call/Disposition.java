package io.callengine.core.call;

/** How a call ended; {@code CALLBACK_FAILED}: a callback whose customer answered none of its attempts. */
public enum Disposition { COMPLETED, ABANDONED, OVERFLOWED, TIMED_OUT, REJECTED, FAILED, CALLBACK_FAILED }
