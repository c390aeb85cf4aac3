package io.callengine.sip;

import io.callengine.core.call.CallEntity;
import io.callengine.core.call.CallLegs;
import io.callengine.core.call.CallView;
import io.callengine.core.call.Disposition;
import io.callengine.core.call.Party;
import io.callengine.sip.CallSession.Message;
import io.callengine.sip.CallSession.Phase;
import java.time.Duration;
import java.util.List;
import javax.sip.header.CSeqHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.ReceiveBuilder;

/**
 * One phase of a {@link CallSession} as a behaviour: its own messages first ({@link #ownMessages}),
 * then what every phase handles alike: the SIP of both legs, the domain's commands, the caller's
 * keys, the liveness and media watches, the drain, the collaborators' messages that outlive a
 * phase, and the stop. A message no phase of the call has use for any more is dropped.
 * A phase change is returning the next phase's behaviour.
 */
abstract class SessionPhase extends AbstractBehavior<Message> {

  final CallSession s;
  private final Phase phase;

  SessionPhase(CallSession s, Phase phase) {
    super(s.context);
    this.s = s;
    this.phase = phase;
  }

  /** This phase's own messages, matched before the common ones. */
  abstract ReceiveBuilder<Message> ownMessages(ReceiveBuilder<Message> builder);

  /** A key from the caller, recorded on the call already; only the IVR and the wait in line act on keys. */
  Behavior<Message> key(char digit) {
    return this;
  }

  /** The offer to agents lost a leg; {@code over}: no agent is left ringing. Only ringing cares. */
  Behavior<Message> offerOver(boolean over) {
    return this;
  }

  @Override
  public final Receive<Message> createReceive() {
    return ownMessages(newReceiveBuilder())
        .onMessage(SipIn.RequestIn.class, this::onRequest)
        .onMessage(SipIn.ResponseIn.class, this::onResponse)
        .onMessage(SipIn.TimeoutIn.class, this::onAgentTimeout)
        .onMessage(CallSession.FromDomain.class, this::onDomain)
        .onMessage(CallSession.DtmfPressed.class, this::onDtmf)
        .onMessage(CallLiveness.AckMissing.class, m -> CallSessionLiveness.ackTimeout(s, m))
        .onMessage(CallLiveness.SessionExpired.class, m -> CallSessionLiveness.sessionExpired(s))
        .onMessage(CallLiveness.RefreshDue.class, m -> CallSessionLiveness.refreshDue(s))
        .onMessage(CallLiveness.MaxDurationReached.class, m -> CallSessionLiveness.maxDuration(s, Disposition.TIMED_OUT))
        .onMessage(CallSession.MediaTick.class, m -> onMediaTick(s.hold.customerHolding()))
        .onMessage(CallSession.FirstRtpDue.class, m -> onFirstRtpDue())
        .onMessage(CallSession.Drain.class, this::onDrain)
        .onMessage(CallSession.DrainRecorded.class, m -> s.finish())
        // collaborators' messages that may come in any phase: each collaborator knows whether it still cares
        .onMessage(AgentOffer.PortOpened.class, m -> offerOver(s.offer.portOpened(m)))
        .onMessage(AgentOffer.PortFailed.class, m -> offerOver(s.offer.failed(m.target().agentId(), "no RTP port free", false)))
        .onMessage(AgentOffer.Unreachable.class, m -> offerOver(s.offer.unreachable(m)))
        .onMessage(CallbackOffer.ConfirmTimedOut.class, m -> { s.queueWait.callbackConfirmTimedOut(); return this; })
        .onMessage(CallSession.AnswerConfirmed.class, this::onAnswerConfirmed)
        .onMessage(CallRecording.AgentKey.class, m -> { s.recording.agentKey(m.digit()); return this; })
        .onMessage(DialedLeg.Step.class, m -> { m.leg().step(m); return this; })
        .onMessage(SessionHold.RetryDue.class, m -> { s.hold.retry(); return this; })
        .onMessage(CallTransferLeg.ReferAnswered.class, m -> { s.transfer.referAnswered(m); return this; })
        .onMessage(CallTransferLeg.ByeDue.class, m -> { s.transfer.byeDue(); return this; })
        .onMessage(PhoneConsultLeg.Step.class, m -> { s.consult.step(m); return this; })
        // an agent's phone calls out of this call, which is not connected (the connected phase takes it)
        .onMessage(CallConsult.PhoneCall.class, m -> { s.consult.refusePhone(m, Response.FORBIDDEN, "No connected call to consult on"); return this; })
        // a late message of a phase that is over changes nothing
        .onAnyMessage(m -> this)
        .onSignal(PostStop.class, signal -> { s.stopped(); return this; })
        .build();
  }

  // --- SIP of both legs ---

  private Behavior<Message> onRequest(SipIn.RequestIn in) {
    Request request = in.request();
    String legCallId = CallSession.callIdOf(request);
    if (s.monitor.owns(legCallId)) {
      s.monitor.request(in);
      return this;
    }
    if (s.consult.owns(legCallId)) { s.consult.request(in); return this; }
    if ("REFER".equals(request.getMethod()) && s.consult.refer(in)) return this;
    boolean customerLeg = s.sipCallId.equals(legCallId);
    return switch (request.getMethod()) {
      case Request.INVITE -> onReInvite(in, customerLeg);
      case Request.CANCEL -> onCancel(in);
      case Request.BYE -> customerLeg || s.agents.isConnected(legCallId) || s.agents.connected() == null && !s.transferred
          ? onBye(in, customerLeg) : s.respondOk(in); // a leg handed over by a transfer is over already
      case "REFER" -> { s.transfer.refer(in, customerLeg); yield this; }
      case Request.ACK -> { s.liveness.acked(legCallId); yield this; }
      case Request.INFO -> customerLeg ? onInfo(in) : onAgentInfo(in);
      case Request.UPDATE -> customerLeg
          ? CallSessionLiveness.refresh(s, in, SipMessages.sdpBody(request) != null ? s.customer.answerSdp() : null) : s.respondOk(in);
      default -> { s.messages.respond(in.transaction(), request, Response.OK, null); yield this; }
    };
  }

  /** A re-INVITE: the caller's is answered with the call's SDP (his hold kept in its direction); an agent's likewise. */
  private Behavior<Message> onReInvite(SipIn.RequestIn in, boolean customerLeg) {
    String answerSdp = s.customer.answerSdp();
    if (customerLeg && answerSdp != null) {
      s.customer.answered(s.hold.fromCustomer(in.request(), answerSdp));
      return CallSessionLiveness.refresh(s, in, s.customer.answerSdp());
    }
    AgentLegs.Leg connected = s.agents.connected();
    String sdp = customerLeg ? answerSdp : connected != null ? connected.offerSdp() : null;
    s.messages.respond(in.transaction(), in.request(), sdp == null ? Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST : Response.OK, null, sdp, List.of());
    if (sdp != null) s.liveness.awaitAck(CallSession.callIdOf(in.request()));
    return this;
  }

  private Behavior<Message> onCancel(SipIn.RequestIn in) {
    s.messages.respond(in.transaction(), in.request(), Response.OK, null);
    if (s.customer.finalAnswerSent() || s.cancelled) return this;
    s.cancelled = true;
    s.customer.answer(Response.REQUEST_TERMINATED, null, null);
    return s.started ? s.hangUpInDomain(Party.CUSTOMER, "customer cancelled before answer") : this;
  }

  private Behavior<Message> onBye(SipIn.RequestIn in, boolean customerLeg) {
    s.messages.respond(in.transaction(), in.request(), Response.OK, null);
    if (customerLeg) {
      s.hangUpAgent();
      return s.hangUpInDomain(Party.CUSTOMER, null);
    }
    s.byeCustomer();
    return s.hangUpInDomain(Party.AGENT, null);
  }

  /** SIP INFO with {@code application/dtmf-relay} ({@code Signal=5}) or {@code application/dtmf}: the fallback for phones without RFC 4733. */
  private Behavior<Message> onInfo(SipIn.RequestIn in) {
    s.messages.respond(in.transaction(), in.request(), Response.OK, null);
    return DtmfInfo.parse(SipMessages.sdpBody(in.request()))
        .map(key -> onDtmf(new CallSession.DtmfPressed(key.digit(), key.durationMs())))
        .orElse(this);
  }

  /** SIP INFO keys from the agent's phone (the pause key). */
  private Behavior<Message> onAgentInfo(SipIn.RequestIn in) {
    s.messages.respond(in.transaction(), in.request(), Response.OK, null);
    DtmfInfo.parse(SipMessages.sdpBody(in.request())).ifPresent(key -> s.recording.agentKey(key.digit()));
    return this;
  }

  private Behavior<Message> onResponse(SipIn.ResponseIn in) {
    Response response = in.response();
    String method = ((CSeqHeader) response.getHeader(CSeqHeader.NAME)).getMethod();
    String agentCallId = CallSession.callIdOf(response);
    if (s.sipCallId.equals(agentCallId)) return CallSessionLiveness.refreshAnswer(s, in);
    if (s.monitor.owns(agentCallId)) {
      s.monitor.response(in);
      return this;
    }
    if (s.consult.owns(agentCallId)) { s.consult.response(in); return this; }
    if (s.agents.isConnected(agentCallId) && s.hold.answers(response)) {
      s.hold.answered(response, in.transaction() != null ? in.transaction().getDialog() : null);
      return this;
    }
    if (Request.NOTIFY.equals(method)) {
      if (response.getStatusCode() >= 200) s.transfer.notifyAnswered(agentCallId);
      return this;
    }
    // the answers of ringing legs are the ringing phase's; anything else is late
    if (response.getStatusCode() < 200) s.agents.provisionalAfterCancel(agentCallId);
    s.lateAgentAnswer(in);
    return this;
  }

  private Behavior<Message> onAgentTimeout(SipIn.TimeoutIn m) {
    Request request = m.transaction().getRequest();
    if (Request.NOTIFY.equals(request.getMethod())) {
      s.transfer.notifyAnswered(CallSession.callIdOf(request));
      return this;
    }
    if (s.sipCallId.equals(CallSession.callIdOf(request)) && Request.INVITE.equals(request.getMethod())) {
      return s.endByEngine("session-expired", Disposition.FAILED, "session-expired: the caller did not answer the session refresh");
    }
    if (s.consult.timedOut(m.transaction())) return this;
    if (s.monitor.timedOut(m.transaction())) return this;
    return s.offer.transactionTimedOut(m.transaction()).map(this::offerOver).orElse(this);
  }

  // --- the domain ---

  private Behavior<Message> onDomain(CallSession.FromDomain m) {
    if (CallConsult.handles(m.command())) { s.consult.command(m.command()); return this; }
    if (m.command() instanceof CallLegs.Ping ping) {
      ping.replyTo().tell(Done.getInstance());
    } else if (m.command() instanceof CallLegs.Hangup) {
      s.domainKnowsEnd = true;
      s.hangUpAgent();
      s.byeCustomer();
      s.customer.answer(Response.TEMPORARILY_UNAVAILABLE, null, null);
      return s.finish();
    } else if (m.command() instanceof CallLegs.RingAgents ring) {
      ring.agents().forEach(target -> s.offer.refuse(target.agentId(), "call is already " + phase, false));
    } else if (m.command() instanceof CallLegs.PauseRecording pause) {
      s.recording.pause(pause.paused());
    } else if (CallMonitor.handles(m.command())) {
      s.monitor.command(m.command(), null, null, s.negotiation); // only a connected call can be monitored
    } else if (m.command() instanceof CallLegs.Moved moved) {
      s.queueId = moved.queueId();
      s.queueWait.moved(moved.queue());
    }
    return this;
  }

  // --- the caller's keys and media ---

  /** A key from the caller: recorded on the call; then the phase's to act on. */
  private Behavior<Message> onDtmf(CallSession.DtmfPressed m) {
    if (!s.started) return this;
    s.engine.asks().<CallEntity.Command, Done>ask(s.callEntity(), r -> new CallEntity.RecordDtmf("customer", m.digit(), m.durationMs(), r));
    AgentLegs.Leg talking = s.agents.connected();
    s.engine.publish(new io.callengine.core.events.DtmfPressed(s.engine.clock().instant(), s.callId, s.queueId,
        talking == null ? null : talking.agentId(), "customer", String.valueOf(m.digit()), m.durationMs()));
    return key(m.digit());
  }

  /** Samples each leg's quality into the call, and ends a call whose caller has gone silent; {@code onHold}: he hears music. */
  Behavior<Message> onMediaTick(boolean onHold) {
    AgentLegs.Leg connected = s.agents.connected();
    String agentId = connected == null ? null : connected.agentId();
    s.media.report(s.media.look(s.customerMedia, connected == null ? null : connected.media()), s.engine, s.callId, s.queueId, agentId);
    if (s.started && !s.domainKnowsEnd && s.media.silent(s.customerMedia, onHold, System.nanoTime())) {
      Duration limit = onHold ? s.media.settings().noRtpTimeoutOnHold() : s.media.settings().noRtpTimeout();
      return s.endWithoutMedia(agentId, "for " + limit.toSeconds() + " s");
    }
    return this;
  }

  /** Frees the RTP port of a caller who has sent no RTP at all since the answer, long before the no-RTP limits. */
  private Behavior<Message> onFirstRtpDue() {
    if (!s.started || s.domainKnowsEnd || s.customerMedia == null || s.customerMedia.packetsReceived() > 0) return this;
    AgentLegs.Leg connected = s.agents.connected();
    return s.endWithoutMedia(connected == null ? null : connected.agentId(),
        "in the " + s.media.settings().firstRtpTimeout().toSeconds() + " s after the answer");
  }

  // --- the ends any phase has ---

  private Behavior<Message> onAnswerConfirmed(CallSession.AnswerConfirmed m) {
    if (m.accepted()) {
      s.recording.answerStored();
      return this;
    }
    s.context.getLog().info("Call {} ended before agent's answer was recorded; hanging up", s.callId);
    s.domainKnowsEnd = true;
    s.hangUpAgent();
    s.byeCustomer();
    return s.finish();
  }

  /**
   * BYE to both legs (CANCEL to ringing agents, 503 to an INVITE not answered yet), then the call
   * ends FAILED; the session stops once the domain has recorded that (or the ask failed), so the
   * node leaves its cluster only after its calls' ends are stored.
   */
  private Behavior<Message> onDrain(CallSession.Drain m) {
    s.context.getLog().info("Call {}: the node is stopping; hanging up", s.callId);
    s.hangUpAgent();
    s.byeCustomer();
    s.customer.answer(Response.SERVICE_UNAVAILABLE, null, null);
    if (!s.started || s.domainKnowsEnd) return s.finish();
    s.domainKnowsEnd = true;
    s.context.pipeToSelf(s.engine.asks().<CallEntity.Command, CallView>ask(s.callEntity(),
            r -> new CallEntity.End(Disposition.FAILED, m.reason(), r)),
        (view, error) -> CallSession.DrainRecorded.INSTANCE);
    return this;
  }
}
