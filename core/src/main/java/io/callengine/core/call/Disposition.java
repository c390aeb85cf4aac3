package io.callengine.core.call;

/** How a call ended. */
public enum Disposition { COMPLETED, ABANDONED, OVERFLOWED, TIMED_OUT, REJECTED, FAILED }
