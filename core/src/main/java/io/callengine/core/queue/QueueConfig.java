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
 * {@code noAgentDelaySeconds}. A waiting caller who presses {@code exitKey} leaves for the
 * overflow queue; every {@code announceEverySeconds} a waiting caller hears his position.
 * {@code recording} says which calls are recorded (null, as in configurations stored before it
 * existed: none).
 * With a {@code callback} (null in configs stored before it existed: no offer) a waiting caller
 * may ask to be called back instead of waiting, keeping his place in line.
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
    int noAgentDelaySeconds,
    String exitKey,
    int announceEverySeconds,
    QueueRecording recording,
    Callback callback)
    implements CborSerializable {

  /** A queue that records no call and offers no callback. */
  public QueueConfig(String id, String name, String sipAddress, int priority, List<RequiredSkill> requiredSkills,
      String strategy, int maxSize, int maxWaitSeconds, String overflowQueueId, int wrapUpSeconds, int ringTimeoutSeconds,
      int serviceLevelSeconds, int fullStatus, String noAgentAction, int noAgentDelaySeconds, String exitKey,
      int announceEverySeconds) {
    this(id, name, sipAddress, priority, requiredSkills, strategy, maxSize, maxWaitSeconds, overflowQueueId, wrapUpSeconds,
        ringTimeoutSeconds, serviceLevelSeconds, fullStatus, noAgentAction, noAgentDelaySeconds, exitKey, announceEverySeconds,
        null, null);
  }

  /** The recording setting, {@code NONE} when unset. */
  public QueueRecording recordingOrNone() {
    return recording == null ? new QueueRecording(QueueRecording.Mode.NONE, 0, false) : recording;
  }

  /** A queue without an exit key or announcements. */
  public QueueConfig(String id, String name, String sipAddress, int priority, List<RequiredSkill> requiredSkills,
      String strategy, int maxSize, int maxWaitSeconds, String overflowQueueId, int wrapUpSeconds, int ringTimeoutSeconds,
      int serviceLevelSeconds, int fullStatus, String noAgentAction, int noAgentDelaySeconds) {
    this(id, name, sipAddress, priority, requiredSkills, strategy, maxSize, maxWaitSeconds, overflowQueueId, wrapUpSeconds,
        ringTimeoutSeconds, serviceLevelSeconds, fullStatus, noAgentAction, noAgentDelaySeconds, null, 0);
  }

  public static final String WAIT = "wait";
  public static final String REFUSE = "refuse";
  public static final String OVERFLOW = "overflow";

  /**
   * The callback offer: a caller whose expected wait exceeds {@code offerAfterSeconds} (0: every
   * caller) hears that {@code key} has him called back; the number is his own (the From of his
   * call), or one he keys in when {@code allowOtherNumber}. The engine calls the customer at most
   * {@code maxAttempts} times, {@code retryAfterSeconds} apart, before the call ends CALLBACK_FAILED.
   */
  public record Callback(String key, int offerAfterSeconds, boolean allowOtherNumber, int maxAttempts, int retryAfterSeconds)
      implements CborSerializable {}

  /** A skill an agent needs, at least at {@code minLevel}, to take this queue's calls. */
  public record RequiredSkill(String name, int minLevel) implements CborSerializable {}
}
