package io.callengine.core.security;

/** A sustained rate (requests a second) and a burst (requests at once) for one source and one method. */
public record Limit(double perSecond, int burst) {
  public Limit {
    if (!(perSecond > 0) || burst < 1) {
      throw new IllegalArgumentException("a rate limit needs a rate > 0 and a burst >= 1; got " + perSecond + "/s, burst " + burst);
    }
  }

  /** The rate as written in the log: {@code 10}, {@code 0.5}. */
  public String rateText() {
    return perSecond == Math.rint(perSecond) ? Long.toString((long) perSecond) : Double.toString(perSecond);
  }
}
