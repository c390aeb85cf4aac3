package io.callengine.core;

/** One invalid field of a request: its name (dotted path) and what is wrong with it. */
public record FieldError(String field, String message) {}
