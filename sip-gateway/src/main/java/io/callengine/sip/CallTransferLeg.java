package io.callengine.sip;

import io.callengine.core.Refusal;
import io.callengine.core.api.CallCenterEngine;
import io.callengine.core.api.CallTransfers;
import io.callengine.core.call.TransferTarget;
import io.callengine.sip.media.RtpEndpoint;
import java.util.Optional;
import javax.sip.Dialog;
import javax.sip.address.SipURI;
import javax.sip.header.ReferToHeader;
import javax.sip.header.SubscriptionStateHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.apache.pekko.actor.typed.javadsl.ActorContext;

/**
 * The agent side of a blind transfer in one call session: hands the connected agent's leg over
 * when the CallEntity says the call was transferred (BYE, the caller back on hold), and takes a
 * REFER from the agent's phone (RFC 3515): 202, then NOTIFYs with {@code message/sipfrag} for the
 * progress, and the same transfer as the API's through {@link CallTransfers}. Owned by its
 * {@link CallSession} and used on its thread only.
 */
final class CallTransferLeg {
  // Not the session's context logger: the NOTIFY's send completes on the SIP send thread.
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(CallTransferLeg.class);
  /** The engine's word on a REFER's transfer: {@code status} 200 when the call was handed over, else a SIP failure status. */
  record ReferAnswered(int status, String reason) implements CallSession.Message {}

  /** The phone did not answer the final NOTIFY in time: its leg gets its BYE anyway. */
  enum ByeDue implements CallSession.Message { INSTANCE }

  /** How long a handed-over leg's BYE waits for the answers to its REFER's NOTIFYs. */
  private static final java.time.Duration NOTIFY_ANSWER_WAIT = java.time.Duration.ofSeconds(2);

  private final ActorContext<CallSession.Message> context;
  private final org.apache.pekko.actor.typed.javadsl.TimerScheduler<CallSession.Message> timers;
  private final CallCenterEngine engine;
  private final SipMessages messages;
  private final SipSettings settings;
  private final AgentLegs agents;
  private final String callId;
  /** The agent leg whose REFER waits for its final NOTIFY; null when none does. */
  private AgentLegs.Leg referring;
  /** The CSeq of that REFER: its NOTIFYs' Event id (RFC 3515 2.4.6), as a dialog may carry several REFERs. */
  private long referCseq;
  /**
   * The leg whose NOTIFY is unanswered yet; null when none is. One NOTIFY at a time: a phone may
   * otherwise take the final one first and refuse the earlier one for a subscription it ended.
   */
  private AgentLegs.Leg notifying;
  /** Whether that NOTIFY is the final one. */
  private boolean finalInFlight;
  /** A final NOTIFY waiting for the answer to the one in flight. */
  private ReferAnswered queuedFinal;
  /** A handed-over leg whose BYE waits for the answer to its final NOTIFY, which a BYE overtaking it would make the phone refuse. */
  private AgentLegs.Leg byeAfterNotify;

  CallTransferLeg(ActorContext<CallSession.Message> context, org.apache.pekko.actor.typed.javadsl.TimerScheduler<CallSession.Message> timers,
      CallCenterEngine engine, SipMessages messages, SipSettings settings,
      AgentLegs agents, String callId) {
    this.context = context;
    this.timers = timers;
    this.engine = engine;
    this.messages = messages;
    this.settings = settings;
    this.agents = agents;
    this.callId = callId;
  }

  /**
   * A REFER: from the caller 403 (he may not move the call), outside the connected agent's dialog
   * 481, with {@code Replaces} naming no consult of this call 403; otherwise 202 and the transfer runs.
   */
  void refer(SipIn.RequestIn in, boolean customerLeg) {
    Request request = in.request();
    AgentLegs.Leg connected = agents.connected();
    if (customerLeg) {
      respond(in, Response.FORBIDDEN, "The caller may not transfer the call");
      return;
    }
    if (connected == null || !connected.sipCallId().equals(((javax.sip.header.CallIdHeader) request.getHeader(javax.sip.header.CallIdHeader.NAME)).getCallId())) {
      respond(in, Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST, null);
      return;
    }
    if (referring != null) {
      respond(in, Response.REQUEST_PENDING, null);
      return;
    }
    ReferToHeader referTo = (ReferToHeader) request.getHeader(ReferToHeader.NAME);
    if (referTo == null || !(referTo.getAddress().getURI() instanceof SipURI uri) || uri.getUser() == null) {
      respond(in, Response.BAD_REQUEST, "Refer-To must name a SIP URI with a user");
      return;
    }
    if (uri.getHeader("Replaces") != null) {
      respond(in, Response.FORBIDDEN, "Replaces names no dialog of a consult of this call");
      return;
    }
    respond(in, Response.ACCEPTED, null);
    referring = connected;
    referCseq = ((javax.sip.header.CSeqHeader) request.getHeader(javax.sip.header.CSeqHeader.NAME)).getSeqNumber();
    CallTransfers transfers = new CallTransfers(engine);
    Optional<TransferTarget> target = resolve(uri, transfers);
    if (target.isEmpty()) { // known at once: the first NOTIFY is the final one
      boolean ours = uri.getHost().equalsIgnoreCase(settings.publicHost()) || uri.getHost().equalsIgnoreCase(settings.host());
      finalNotify(ours ? new ReferAnswered(Response.NOT_FOUND, "Not Found") : new ReferAnswered(Response.FORBIDDEN, "Forbidden"));
      return;
    }
    send(connected, new ReferAnswered(Response.TRYING, "Trying"), false);
    context.getLog().info("Call {}: agent {} transfers it by REFER to {}", callId, connected.agentId(), target.get().label());
    context.pipeToSelf(transfers.transfer(connected.agentId(), callId, target.get()),
        (view, error) -> error == null ? new ReferAnswered(Response.OK, "OK") : refused(error));
  }

  /**
   * A REFER whose {@code Replaces} names the leg of the agent's consult (an attended transfer from
   * the phone): 202, NOTIFYs as for a blind REFER, and {@code complete} hands the call to the
   * consult's target; its hand-over ({@link #handOver}) sends the final 200 and then the BYE.
   */
  void referAttended(SipIn.RequestIn in, AgentLegs.Leg leg, java.util.function.Supplier<java.util.concurrent.CompletionStage<?>> complete) {
    if (referring != null) {
      respond(in, Response.REQUEST_PENDING, null);
      return;
    }
    respond(in, Response.ACCEPTED, null);
    referring = leg;
    referCseq = ((javax.sip.header.CSeqHeader) in.request().getHeader(javax.sip.header.CSeqHeader.NAME)).getSeqNumber();
    send(leg, new ReferAnswered(Response.TRYING, "Trying"), false);
    context.getLog().info("Call {}: agent {} completes its consult by REFER with Replaces", callId, leg.agentId());
    context.pipeToSelf(complete.get(), (view, error) -> error == null ? new ReferAnswered(Response.OK, "OK") : refused(error));
  }

  /**
   * The engine's answer to the REFER: a refusal ends the subscription with it. An acceptance
   * waits for the hand-over, which sends the 200: a phone that hangs up on that NOTIFY must find
   * its leg already handed over, not end the call.
   */
  void referAnswered(ReferAnswered m) {
    if (m.status() == Response.OK) return;
    finalNotify(m);
  }

  private void finalNotify(ReferAnswered m) {
    if (referring == null) return;
    AgentLegs.Leg leg = referring;
    referring = null;
    if (notifying != null) queuedFinal = m;
    else send(leg, m, true);
  }

  private void send(AgentLegs.Leg leg, ReferAnswered m, boolean last) {
    notifying = leg;
    finalInFlight = last;
    notify(leg.dialog(), m.status(), m.reason(), last);
  }

  /** A final answer to a NOTIFY on an agent leg (or its timeout): the next NOTIFY, or the BYE that waited for the last, goes now. */
  void notifyAnswered(String agentCallId) {
    if (notifying == null || !notifying.sipCallId().equals(agentCallId)) return;
    AgentLegs.Leg leg = notifying;
    notifying = null;
    if (queuedFinal != null) {
      ReferAnswered next = queuedFinal;
      queuedFinal = null;
      send(leg, next, true);
    } else if (finalInFlight) {
      finalInFlight = false;
      byeNow();
    }
  }

  /** The phone did not answer in time: a final NOTIFY still waiting is sent, and the BYE goes anyway. */
  void byeDue() {
    if (queuedFinal != null && notifying != null) notify(notifying.dialog(), queuedFinal.status(), queuedFinal.reason(), true);
    queuedFinal = null;
    notifying = null;
    finalInFlight = false;
    byeNow();
  }

  /** The call ends: a handed-over leg still waiting for its BYE gets it now. */
  void byeNow() {
    timers.cancel(ByeDue.INSTANCE);
    AgentLegs.Leg leg = byeAfterNotify;
    byeAfterNotify = null;
    if (leg != null) messages.bye(leg.dialog());
  }

  /**
   * The CallEntity handed the call over from {@code fromAgentId}: a REFER still waiting hears 200,
   * the agent's leg gets BYE, and the caller is taken off it. False when that agent's leg is not
   * the connected one (nothing is done then).
   */
  boolean handOver(String fromAgentId, RtpEndpoint customer) {
    AgentLegs.Leg connected = agents.connected();
    if (connected == null || !connected.agentId().equals(fromAgentId)) return false;
    if (referring != null) finalNotify(new ReferAnswered(Response.OK, "OK"));
    if (customer != null) customer.unbridge();
    byeAfterNotify(agents.releaseConnected());
    return true;
  }

  /**
   * {@code leg} gets BYE once the phone has answered the NOTIFY in flight on it (or after the
   * wait): the agent's leg handed over, or the consult call of a phone that sent its REFER in that
   * call rather than the held one.
   */
  void byeAfterNotify(AgentLegs.Leg leg) {
    if (notifying != null && notifying.sipCallId().equals(leg.sipCallId())) {
      byeAfterNotify = leg;
      timers.startSingleTimer(ByeDue.INSTANCE, ByeDue.INSTANCE, NOTIFY_ANSWER_WAIT);
    } else {
      messages.bye(leg.dialog());
    }
  }

  /** A queue's address, an agent's SIP user or id, or an outside address on the allowlist; empty when none. */
  private Optional<TransferTarget> resolve(SipURI uri, CallTransfers transfers) {
    String user = uri.getUser();
    Optional<String> queue = engine.lookups().queueForAddress(user);
    if (queue.isPresent()) return Optional.of(TransferTarget.queue(queue.get(), true, null));
    Optional<String> agent = engine.lookups().agentForSipUser(user)
        .or(() -> engine.lookups().listing().agentIds().contains(user) ? Optional.of(user) : Optional.empty());
    if (agent.isPresent()) return Optional.of(TransferTarget.agent(agent.get()));
    String address = uri.getScheme() + ":" + user + "@" + uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "");
    return transfers.allows(address) ? Optional.of(TransferTarget.outside(address)) : Optional.empty();
  }

  /** The refusal as the final NOTIFY's status line ({@link SipMessages#statusOf}). */
  private static ReferAnswered refused(Throwable error) {
    int status = SipMessages.statusOf(Refusal.toException(error).refusal());
    return new ReferAnswered(status, switch (status) {
      case Response.NOT_FOUND -> "Not Found";
      case Response.FORBIDDEN -> "Forbidden";
      case Response.BUSY_HERE -> "Busy Here";
      case Response.BAD_REQUEST -> "Bad Request";
      default -> "Service Unavailable";
    });
  }

  private void respond(SipIn.RequestIn in, int status, String reason) {
    messages.respond(in, status, reason);
  }

  /** A NOTIFY in the REFER's dialog (RFC 3515 2.4.5): the transfer's progress as a sipfrag status line. */
  private void notify(Dialog dialog, int status, String reason, boolean last) {
    if (dialog == null) return;
    try {
      var sip = messages.stack();
      Request notify = dialog.createRequest(Request.NOTIFY);
      javax.sip.header.EventHeader event = sip.headers().createEventHeader("refer");
      event.setEventId(String.valueOf(referCseq));
      notify.addHeader(event);
      SubscriptionStateHeader state = sip.headers().createSubscriptionStateHeader(
          last ? SubscriptionStateHeader.TERMINATED : SubscriptionStateHeader.ACTIVE);
      if (last) state.setReasonCode(SubscriptionStateHeader.NO_RESOURCE);
      else state.setExpires(60);
      notify.addHeader(state);
      var type = sip.headers().createContentTypeHeader("message", "sipfrag");
      type.setParameter("version", "2.0");
      notify.setContent("SIP/2.0 " + status + " " + reason + "\r\n", type);
      messages.send(notify, () -> dialog.sendRequest(sip.provider().getNewClientTransaction(notify))).whenComplete((sent, e) -> {
        if (e != null) log.info("Could not send NOTIFY for the REFER of call {}: {}", callId, e.getMessage());
      });
    } catch (Exception e) {
      log.info("Could not send NOTIFY for the REFER of call {}: {}", callId, e.getMessage());
    }
  }
}
