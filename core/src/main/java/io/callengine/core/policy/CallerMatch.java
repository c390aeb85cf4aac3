package io.callengine.core.policy;

import io.callengine.core.CborSerializable;

/**
 * How a rule recognises the caller; exactly one of the three is set. {@code exact} and {@code
 * prefix} compare case-insensitively with the caller's user part (or its whole URI); {@code
 * pattern} is a Java regular expression that must match the whole user part or the whole URI,
 * e.g. a VIP list {@code \+33(612345678|698765432)}.
 */
public record CallerMatch(String exact, String prefix, String pattern) implements CborSerializable {

  public static CallerMatch exact(String value) {
    return new CallerMatch(value, null, null);
  }

  public static CallerMatch prefix(String value) {
    return new CallerMatch(null, value, null);
  }

  public static CallerMatch pattern(String regex) {
    return new CallerMatch(null, null, regex);
  }
}
