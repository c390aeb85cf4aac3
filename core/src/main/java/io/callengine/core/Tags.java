package io.callengine.core;

import java.util.Set;

/** Projection tags, fixed from day one: {@code calls-0..calls-3} by hash of the entity id. */
public final class Tags {
  public static final int CALL_SLICES = 4;

  private Tags() {}

  public static String callTag(String callId) {
    return "calls-" + Math.floorMod(callId.hashCode(), CALL_SLICES);
  }

  public static Set<String> forCall(String callId) {
    return Set.of(callTag(callId));
  }
}
