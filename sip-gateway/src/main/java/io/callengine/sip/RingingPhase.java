package io.callengine.sip;

import io.callengine.core.call.CallEntity;
import io.callengine.sip.CallSession.Message;
import io.callengine.sip.CallSession.Phase;
import javax.sip.header.CSeqHeader;
import javax.sip.message.Request;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ReceiveBuilder;

/**
 * The ringing of a {@link CallSession}: the reserved agents' phones ring ({@link AgentOffer} over
 * {@link AgentLegs}) while the caller keeps hearing the queue's music. The first agent to answer
 * gets the call ({@link ConnectedPhase}); when no leg is left ringing, or the ring timer fires, the
 * caller waits in line again ({@link QueuedPhase}).
 */
final class RingingPhase extends SessionPhase {

  static Behavior<Message> ringing(CallSession s) {
    return new RingingPhase(s);
  }

  private RingingPhase(CallSession s) {
    super(s, Phase.RINGING);
  }

  @Override
  ReceiveBuilder<Message> ownMessages(ReceiveBuilder<Message> builder) {
    return builder
        .onMessage(SipIn.ResponseIn.class, this::isRingingLeg, this::onRingingAnswer)
        .onMessage(AgentOffer.RingTimedOut.class, m -> onRingTimedOut())
        .onMessage(CallSession.MediaTick.class, m -> onMediaTick(true));
  }

  /** When no agent is left ringing the call waits in line again. */
  @Override
  Behavior<Message> offerOver(boolean over) {
    return over ? QueuedPhase.again(s) : this;
  }

  private Behavior<Message> onRingTimedOut() {
    s.offer.timedOut();
    return QueuedPhase.again(s);
  }

  private boolean isRingingLeg(SipIn.ResponseIn in) {
    String method = ((CSeqHeader) in.response().getHeader(CSeqHeader.NAME)).getMethod();
    return Request.INVITE.equals(method) && s.offer.isRinging(CallSession.callIdOf(in.response()));
  }

  private Behavior<Message> onRingingAnswer(SipIn.ResponseIn in) {
    String agentCallId = CallSession.callIdOf(in.response());
    int status = in.response().getStatusCode();
    if (status < 200) {
      s.offer.provisional(agentCallId, status);
      return this;
    }
    if (status >= 300) return offerOver(s.offer.refused(agentCallId, status));
    return onAgentAnswered(in, agentCallId);
  }

  /** The first agent to answer gets the call: ACK, bridge, and cancel everyone else still ringing. */
  private Behavior<Message> onAgentAnswered(SipIn.ResponseIn in, String agentCallId) {
    AgentLegs.Answer answer = s.agents.answer(in, agentCallId);
    AgentLegs.Leg leg = answer.leg();
    if (answer.unusable() != null) {
      s.context.getLog().info("Agent {} answered call {} without usable SDP: {}", leg.agentId(), s.callId, answer.unusable());
      return offerOver(s.offer.failed(leg.agentId(), "agent answer unusable", false));
    }
    s.offer.answered();
    if (!s.recording.answered(s.route.recording(), s.queueWait.queue(), s.customerMedia, s.codec())) s.bridge(leg);
    s.queueWait.stop();
    s.context.pipeToSelf(
        s.engine.asks().<CallEntity.Command, Done>ask(s.callEntity(), r -> new CallEntity.AgentAnswered(leg.agentId(), r)),
        (done, error) -> new CallSession.AnswerConfirmed(error == null));
    return ConnectedPhase.connected(s);
  }
}
