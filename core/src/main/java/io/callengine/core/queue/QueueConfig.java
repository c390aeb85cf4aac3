package io.callengine.core.queue;

import io.callengine.core.CborSerializable;
import java.util.List;

/**
 * A queue as an admin configures it. {@code sipAddress} is the user part a customer dials
 * ({@code sip:<sipAddress>@host}); it defaults to the queue id. When the queue is full
 * ({@code maxSize}) or a call has waited {@code maxWaitSeconds}, the call goes to
 * {@code overflowQueueId}, or else is refused with {@code fullStatus} (486 or 480) or ends
 * TIMED_OUT. {@code noAgentAction} says what happens while no eligible agent is logged in:
 * {@code wait}, {@code refuse} new callers (480), or {@code overflow} a caller who has waited
 * {@code noAgentDelaySeconds}.
 */
public record QueueConfig(
    String id,
    String name,
    String sipAddress,
    int priority,
    List<RequiredSkill> requiredSkills,
    String strategy,
    int maxSize,
    int maxWaitSeconds,
    String overflowQueueId,
    int wrapUpSeconds,
    int ringTimeoutSeconds,
    int serviceLevelSeconds,
    int fullStatus,
    String noAgentAction,
    int noAgentDelaySeconds)
    implements CborSerializable {

  public static final String WAIT = "wait";
  public static final String REFUSE = "refuse";
  public static final String OVERFLOW = "overflow";

  /** A skill an agent needs, at least at {@code minLevel}, to take this queue's calls. */
  public record RequiredSkill(String name, int minLevel) implements CborSerializable {}
}
