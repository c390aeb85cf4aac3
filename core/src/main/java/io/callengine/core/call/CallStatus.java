package io.callengine.core.call;

/** The steps of a customer call. */
public enum CallStatus { NEW, QUEUED, OFFERING, CONNECTED, ENDED }
