package io.callengine.sip;

import io.callengine.core.call.CallLegs;
import io.callengine.core.call.Disposition;
import io.callengine.sip.CallSession.Message;
import io.callengine.sip.CallSession.Phase;
import javax.sip.message.Request;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ReceiveBuilder;

/**
 * The connected call of a {@link CallSession}: the caller and an agent talk, and the controls of a
 * live call act on it: hold and resume from the agent's phone or the API ({@link SessionHold}),
 * the recording's notice before the bridge ({@link CallRecording}), a supervisor's monitor
 * ({@link CallMonitor}), the hand-over of a transfer ({@link CallTransferLeg}), after which
 * the caller waits in line again ({@link QueuedPhase}), and a consult call placed by the agent's
 * own phone ({@link CallConsult.PhoneCall}), which only a connected call takes. Each control's messages are one line of
 * {@link #ownMessages} that hands them to its collaborator.
 */
final class ConnectedPhase extends SessionPhase {

  static Behavior<Message> connected(CallSession s) {
    return new ConnectedPhase(s);
  }

  private ConnectedPhase(CallSession s) {
    super(s, Phase.CONNECTED);
  }

  @Override
  ReceiveBuilder<Message> ownMessages(ReceiveBuilder<Message> builder) {
    return builder
        .onMessage(SipIn.RequestIn.class, this::isAgentReInvite, this::onAgentReInvite)
        .onMessage(CallSession.FromDomain.class, m -> m.command() instanceof CallLegs.HoldLegs,
            m -> onHoldLegs((CallLegs.HoldLegs) m.command()))
        .onMessage(CallSession.FromDomain.class, m -> CallMonitor.handles(m.command()), m -> onMonitor(m.command()))
        .onMessage(CallSession.FromDomain.class, m -> m.command() instanceof CallLegs.Transferred,
            m -> onTransferred((CallLegs.Transferred) m.command()))
        .onMessage(CallConsult.PhoneCall.class, m -> { s.consult.phone(m); return this; })
        .onMessage(CallRecording.Announced.class, m -> onRecordingAnnounced())
        .onMessage(CallLiveness.MaxDurationReached.class, m -> CallSessionLiveness.maxDuration(s, Disposition.COMPLETED));
  }

  private boolean isAgentReInvite(SipIn.RequestIn in) {
    return Request.INVITE.equals(in.request().getMethod()) && s.agents.isConnected(CallSession.callIdOf(in.request()));
  }

  /** The agent's phone holds or resumes the call (or just refreshes its session). */
  private Behavior<Message> onAgentReInvite(SipIn.RequestIn in) {
    s.hold.fromAgentPhone(in, s.agents.connected(), s.customerMedia, s.codec());
    return this;
  }

  /** The API held or resumed the call (the CallEntity has recorded it). */
  private Behavior<Message> onHoldLegs(CallLegs.HoldLegs m) {
    AgentLegs.Leg connected = s.agents.connected();
    if (connected != null && connected.dialog() != null) s.hold.fromApi(m.onHold(), connected, s.customerMedia, s.codec());
    return this;
  }

  /** A supervisor's listen, whisper or barge on the two legs of the call. */
  private Behavior<Message> onMonitor(CallLegs.Command command) {
    AgentLegs.Leg connected = s.agents.connected();
    s.monitor.command(command, connected == null ? null : s.customerMedia, connected == null ? null : connected.media(), s.negotiation);
    return this;
  }

  /** The caller heard that the call may be recorded: now the bridge. */
  private Behavior<Message> onRecordingAnnounced() {
    AgentLegs.Leg connected = s.agents.connected();
    if (connected != null) s.bridge(connected);
    return this;
  }

  /** The connected agent handed the call over: its leg is hung up and the caller waits on hold music for the next one. */
  private Behavior<Message> onTransferred(CallLegs.Transferred m) {
    if (!s.transfer.handOver(m.fromAgentId(), s.customerMedia)) return this;
    s.hold.agentLegGone();
    s.transferred = true;
    s.queueWait.resume();
    return QueuedPhase.again(s);
  }
}
