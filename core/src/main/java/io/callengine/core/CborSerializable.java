package io.callengine.core;

/**
 * Marker for every message, event and state that crosses a node or is stored: bound to
 * Jackson CBOR in this module's reference.conf, so nothing ever falls back to Java
 * serialization.
 */
public interface CborSerializable {}
