package io.callengine.sip;

import io.callengine.core.agent.Reservation;
import io.callengine.sip.media.Negotiation;
import io.callengine.sip.media.RtpEndpoint;
import io.callengine.sip.media.Sdp;
import io.callengine.sip.media.SessionDescription;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import javax.sip.ClientTransaction;
import javax.sip.Dialog;
import javax.sip.message.Request;
import org.apache.pekko.actor.typed.ActorRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent side of one call session: the legs ringing now (several for ring-all) and the one
 * that answered. Owned by its {@link CallSession} and used on its thread only; {@link AgentOffer}
 * rings through it. It sends the agent-side SIP and holds the agent-side RTP endpoints.
 */
final class AgentLegs {
  private static final Logger log = LoggerFactory.getLogger(AgentLegs.class);

  /** One agent's leg: its INVITE, its RTP endpoint, and once answered its dialog. */
  /** {@code transaction} completes once the INVITE's transaction is made, where the send runs (see {@link #ring}). */
  record Leg(String agentId, String sipCallId, CompletableFuture<ClientTransaction> transaction, RtpEndpoint media, String offerSdp,
      boolean provisional, Dialog dialog) {
    Leg withProvisional() {
      return new Leg(agentId, sipCallId, transaction, media, offerSdp, true, dialog);
    }

    Leg withDialog(Dialog d) {
      return new Leg(agentId, sipCallId, transaction, media, offerSdp, provisional, d);
    }
  }

  private final SipMessages messages;
  private final SipSettings settings;
  private final Map<String, ActorRef<CallSession.Message>> sessions;
  private final ActorRef<CallSession.Message> session;
  private final Map<String, Leg> ringing = new LinkedHashMap<>();
  /** Cancelled before the phone said anything: RFC 3261 9.1 wants the CANCEL sent once a provisional answer arrives. */
  private final Map<String, Leg> cancelWhenProvisional = new LinkedHashMap<>();
  private final List<String> sipCallIds = new ArrayList<>();
  private Leg connected;

  AgentLegs(SipMessages messages, SipSettings settings, Map<String, ActorRef<CallSession.Message>> sessions,
      ActorRef<CallSession.Message> session) {
    this.messages = messages;
    this.settings = settings;
    this.sessions = sessions;
    this.session = session;
  }

  /**
   * INVITEs the agent's contact with an offer of the customer's codec; the leg's Call-ID routes
   * its answers here. The stage fails if the INVITE could not be sent (the phone's address
   * refused or never answered a connection); it may complete after the leg is over.
   */
  java.util.concurrent.CompletionStage<Void> ring(Reservation target, String agentCallId, RtpEndpoint media, String fromUser,
      Negotiation codecs) throws Exception {
    String offer = Sdp.offer(settings.publicHost(), media.port(), codecs.codecs(), System.currentTimeMillis());
    Request invite = messages.agentInvite(target.contact(), target.sipUri(), fromUser, agentCallId, SipMessages.newTag(), offer);
    CompletableFuture<ClientTransaction> transaction = new CompletableFuture<>();
    sessions.put(agentCallId, session);
    sipCallIds.add(agentCallId);
    ringing.put(agentCallId, new Leg(target.agentId(), agentCallId, transaction, media, offer, false, null));
    // Over TCP or TLS, making the transaction opens the connection to the phone: it is made
    // where the send runs, off this actor's thread.
    return messages.send(invite, () -> {
      ClientTransaction made = messages.stack().provider().getNewClientTransaction(invite);
      transaction.complete(made);
      made.sendRequest();
    });
  }

  Optional<Leg> ringingLeg(String sipCallId) {
    return Optional.ofNullable(ringing.get(sipCallId));
  }

  Optional<Leg> ringingLeg(ClientTransaction transaction) {
    return ringing.values().stream().filter(l -> l.transaction().getNow(null) == transaction).findFirst();
  }

  /** Marks the leg as ringing at the phone; true the first time (a 180 after a 183 counts once). */
  boolean provisional(String sipCallId) {
    Leg leg = ringing.get(sipCallId);
    if (leg == null || leg.provisional()) return false;
    ringing.put(sipCallId, leg.withProvisional());
    return true;
  }

  /** The leg failed (busy, declined, unreachable): forget it and return its port. */
  Leg fail(String sipCallId) {
    Leg leg = ringing.remove(sipCallId);
    if (leg != null) leg.media().close();
    return leg;
  }

  /** A leg that answered: {@code unusable} says why its answer could not be used (no usable SDP), null when it could. */
  record Answer(Leg leg, String unusable) {}

  /**
   * The leg answered first: it becomes the connected one, its 200 is ACKed and its RTP endpoint
   * pointed at the phone's SDP. An answer without usable SDP gets a BYE, its port back, and says why.
   */
  Answer answer(SipIn.ResponseIn in, String sipCallId) {
    Dialog dialog = in.transaction() != null ? in.transaction().getDialog() : null;
    connected = ringing.remove(sipCallId).withDialog(dialog);
    try {
      messages.ack(dialog, in.response());
      SessionDescription answer = Sdp.parse(SipMessages.sdpBody(in.response()));
      connected.media().expectRemote(answer.audioTarget(), answer.rtcpTarget());
      return new Answer(connected, null);
    } catch (Exception e) {
      // Not connected after all: nothing may act on this leg as the call's (hold, REFER, its BYE).
      Leg unusable = connected;
      connected = null;
      messages.bye(dialog);
      unusable.media().close();
      return new Answer(unusable, e.getMessage());
    }
  }

  /** Cancels every leg still ringing and returns them; a leg that has not answered provisionally yet is cancelled when it does. */
  List<Leg> cancelRinging() {
    List<Leg> cancelled = new ArrayList<>(ringing.values());
    ringing.clear();
    for (Leg leg : cancelled) {
      cancelNowOrWhenProvisional(leg);
      leg.media().close();
    }
    return cancelled;
  }

  /**
   * A leg the engine dialed for something else than an agent's offer ({@link DialedLeg}), given up
   * while its phone rings: CANCEL now, or once the phone has answered provisionally. Its late
   * answers come to this session until it ends, as those of a cancelled offer do.
   */
  void cancelRinging(Leg leg) {
    sessions.put(leg.sipCallId(), session);
    sipCallIds.add(leg.sipCallId());
    cancelNowOrWhenProvisional(leg);
  }

  /** RFC 3261 9.1: a CANCEL only once the phone has answered provisionally. */
  private void cancelNowOrWhenProvisional(Leg leg) {
    if (leg.provisional()) sendCancel(leg);
    else cancelWhenProvisional.put(leg.sipCallId(), leg);
  }

  /** A provisional answer on a leg cancelled too early: now the CANCEL may go. */
  void provisionalAfterCancel(String sipCallId) {
    Leg leg = cancelWhenProvisional.remove(sipCallId);
    if (leg != null) sendCancel(leg);
  }

  /** Only after a provisional answer, so the INVITE's transaction exists. */
  private void sendCancel(Leg leg) {
    try {
      messages.cancel(leg.transaction().getNow(null));
    } catch (Exception e) {
      log.debug("Could not cancel the INVITE to agent {}: {}", leg.agentId(), e.getMessage());
    }
  }

  /** BYE to the connected agent, CANCEL to any still ringing. */
  void hangUp() {
    cancelRinging();
    if (connected != null) messages.bye(connected.dialog());
  }

  /**
   * The connected agent handed the call over: its port is returned and the leg given back for its
   * BYE. Its Call-ID stays the session's, so that its phone's late requests and answers still find it.
   */
  Leg releaseConnected() {
    Leg leg = connected;
    connected = null;
    if (leg != null) leg.media().close();
    return leg;
  }

  /**
   * A consult's target takes the call (an attended transfer) once the old leg was handed over
   * ({@link #releaseConnected}): its leg, answered already, becomes the connected one and is
   * forgotten with the session's.
   */
  void adopt(Leg next) {
    connected = next;
    sipCallIds.add(next.sipCallId());
  }

  /** Whether {@code sipCallId} is the leg of the agent the caller talks to now. */
  boolean isConnected(String sipCallId) {
    return connected != null && connected.sipCallId().equals(sipCallId);
  }

  boolean anyRinging() {
    return !ringing.isEmpty();
  }

  Leg connected() {
    return connected;
  }

  /** Returns every port and forgets every Call-ID, however the session ends. */
  void close() {
    ringing.values().forEach(leg -> leg.media().close());
    if (connected != null) connected.media().close();
    sipCallIds.forEach(sessions::remove);
  }
}
