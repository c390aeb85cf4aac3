package io.callengine.core.policy;

import io.callengine.core.CborSerializable;
import io.callengine.core.queue.QueueConfig;
import java.util.List;

/**
 * One rule of a {@link RoutingPolicy}: every matcher that is set must hold, and then the call goes
 * to {@code queueId} with {@code priority} and {@code extraSkills} on top of the queue's own.
 *
 * <ul>
 *   <li>{@code dialed}: the dialed address, compared case-insensitively on its user part
 *       ({@code support} and {@code sip:support@host} are the same); null matches any address;
 *   <li>{@code caller}: who calls (see {@link CallerMatch}); null matches anyone;
 *   <li>{@code windows}: when the call arrives; empty matches any time, several mean any of them;
 *   <li>{@code digits}: the IVR digits collected; a rule with digits matches only calls that
 *       collected exactly these.
 * </ul>
 *
 * A rule with none of the matchers is a default rule: it matches every call.
 */
public record RoutingRule(
    String dialed,
    CallerMatch caller,
    List<TimeWindow> windows,
    String digits,
    String queueId,
    Integer priority,
    List<QueueConfig.RequiredSkill> extraSkills)
    implements CborSerializable {

  /** True for a default rule (no matcher set). Not named isX: Jackson would make it a property. */
  public boolean matchesAnyCall() {
    return dialed == null && caller == null && (windows == null || windows.isEmpty()) && digits == null;
  }
}
