package io.callengine.core.call;

/** Who hung up. */
public enum Party { CUSTOMER, AGENT }
