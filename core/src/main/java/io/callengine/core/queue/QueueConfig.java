package io.callengine.core.queue;

import io.callengine.core.CborSerializable;
import java.util.List;

/**
 * A queue as an admin configures it. {@code sipAddress} is the user part a customer dials
 * ({@code sip:<sipAddress>@host}); it defaults to the queue id.
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
    int serviceLevelSeconds)
    implements CborSerializable {

  /** A skill an agent needs, at least at {@code minLevel}, to take this queue's calls. */
  public record RequiredSkill(String name, int minLevel) implements CborSerializable {}
}
