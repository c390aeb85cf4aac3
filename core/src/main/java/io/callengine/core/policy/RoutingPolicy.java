package io.callengine.core.policy;

import io.callengine.core.CborSerializable;
import io.callengine.core.queue.QueueRecording;
import java.util.List;

/**
 * An admin's named, ordered set of routing rules. Policies are tried by {@code order}, then by
 * id; inside a policy the rules are tried in list order; the first rule that matches decides.
 * Time windows are read in {@code timeZone} (a {@link java.time.ZoneId} name, UTC when unset).
 * With an {@code ivr} menu, a call this policy takes first hears the menu, and the keys it
 * presses are matched against the rules' {@code digits}. A {@code recording} setting applies to the
 * calls this policy routes in place of their queue's (null: the queue's).
 */
public record RoutingPolicy(String id, String name, int order, List<RoutingRule> rules, String timeZone, IvrMenu ivr,
    QueueRecording recording)
    implements CborSerializable {

  /** A policy without an IVR menu. */
  public RoutingPolicy(String id, String name, int order, List<RoutingRule> rules, String timeZone) {
    this(id, name, order, rules, timeZone, null, null);
  }

  /** A policy whose calls are recorded as their queue says. */
  public RoutingPolicy(String id, String name, int order, List<RoutingRule> rules, String timeZone, IvrMenu ivr) {
    this(id, name, order, rules, timeZone, ivr, null);
  }
}
