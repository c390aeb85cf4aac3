package io.callengine.core.call;

/** The steps of a customer call; IVR while a routing policy's menu collects the caller's choice. */
public enum CallStatus { NEW, IVR, QUEUED, OFFERING, CONNECTED, ENDED }
