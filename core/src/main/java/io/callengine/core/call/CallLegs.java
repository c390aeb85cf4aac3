package io.callengine.core.call;

import io.callengine.core.CborSerializable;
import io.callengine.core.agent.Reservation;
import io.callengine.core.queue.QueueConfig;
import java.util.List;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;

/**
 * What the domain asks of the node-local actor that holds a call's SIP legs and media. The
 * SIP gateway implements it; core knows nothing of SIP. The actor lives only as long as its
 * node: a reference that no longer answers {@link Ping} means the legs are gone.
 */
public final class CallLegs {
  private CallLegs() {}

  public sealed interface Command extends CborSerializable {}

  /** Ring the reserved agents' phones (one, or several for ring-all): the first to answer gets the call. */
  public record RingAgents(String callId, List<Reservation> agents, int ringTimeoutSeconds) implements Command {}

  /** The engine ended the call: hang up every leg still up. */
  public record Hangup(String callId, String reason) implements Command {}

  public record Ping(ActorRef<Done> replyTo) implements Command {}

  /** The call now waits in another queue (overflow, max wait, exit key): announcements and the exit key follow it. */
  public record Moved(String queueId, QueueConfig queue) implements Command {}

  /** The agent paused ({@code paused}) or resumed the call's recording: the file records silence meanwhile. */
  public record PauseRecording(String callId, boolean paused) implements Command {}
  /**
   * A supervisor monitors the call ({@code monitorId} names this monitoring): call the phone registered at
   * {@code contact} for {@code sipUri} and mix the call's audio for it in {@code mode}. What cannot be
   * done is reported back as {@link CallEntity.EndMonitor} with the same id.
   */
  public record Monitor(String callId, String monitorId, String supervisor, String contact, String sipUri, Monitoring.Mode mode)
      implements Command {}

  /** The supervisor of {@code monitorId} takes part in another mode from now on. */
  public record ChangeMonitor(String callId, String monitorId, Monitoring.Mode mode) implements Command {}

  /** The monitoring {@code monitorId} is over: hang up the supervisor's phone and give the call its direct audio back. */
  public record EndMonitor(String callId, String monitorId) implements Command {}
  /** The agent put the call on hold (or took it off) through the API: music to the customer, and the agent's phone is told. */
  public record HoldLegs(boolean onHold) implements Command {}
  /**
   * {@code fromAgentId} handed the call over: hang up its leg and put the caller back on hold music;
   * a {@link RingAgents} follows for an agent or outside target, a {@link Moved} for a queue.
   */
  public record Transferred(String callId, String fromAgentId) implements Command {}
  /**
   * The agent of the call consults {@code target} ({@code consultId}): the customer goes on hold, the
   * target's phone rings for {@code ringTimeoutSeconds} and, answered, talks with the agent. What cannot
   * be done is reported back as {@link CallEntity.ReportConsultEnd}.
   */
  public record Consult(String callId, String consultId, Reservation target, int ringTimeoutSeconds) implements Command {}
  /** The consult {@code consultId} goes on as {@code to}: CONFERENCE (all three) or ENDED (cancelled). */
  public record ChangeConsult(String callId, String consultId, ConsultView.State to) implements Command {}
  /**
   * The attended transfer of {@code consultId}: the target's leg takes the caller, the agent's gets
   * BYE. Acknowledged once done (again for a repeat); refused when the target is gone by then.
   */
  public record CompleteConsult(String callId, String consultId, ActorRef<StatusReply<Done>> replyTo) implements Command {}
}
