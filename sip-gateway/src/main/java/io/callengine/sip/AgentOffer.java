package io.callengine.sip;

import io.callengine.core.agent.AgentEntity;
import io.callengine.core.agent.Reservation;
import io.callengine.core.api.CallCenterEngine;
import io.callengine.core.call.CallEntity;
import io.callengine.core.call.CallLegs;
import io.callengine.core.call.TransferTarget;
import io.callengine.sip.media.Negotiation;
import io.callengine.sip.media.RtpEndpoint;
import java.time.Duration;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import javax.sip.ClientTransaction;
import javax.sip.message.Response;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * The offer of one call to the agents the Router reserved: opens an RTP port per agent, rings
 * each phone through {@link AgentLegs}, runs the one ring timer, and tells the CallEntity of every
 * agent that did not take the call ({@code OfferFailed}). Owned by its {@link CallSession} and used
 * on its thread only; the session hands it the offer's messages and the answers of ringing legs,
 * and puts the call back in line when a method says the offer is over.
 */
final class AgentOffer {
  /** The RTP port for an agent's leg is open: the phone can be rung. */
  record PortOpened(Reservation target, RtpEndpoint endpoint) implements CallSession.Message {}

  record PortFailed(Reservation target) implements CallSession.Message {}

  /** The INVITE to the agent's phone could not be sent (connection refused or never answered). */
  record Unreachable(Reservation target, String sipCallId, String reason) implements CallSession.Message {}

  enum RingTimedOut implements CallSession.Message { INSTANCE }

  private static final String TIMER = "ring";

  private final ActorContext<CallSession.Message> context;
  private final TimerScheduler<CallSession.Message> timers;
  private final CallCenterEngine engine;
  private final SipMessages messages;
  private final AgentLegs legs;
  private final String callId;
  private final Supplier<CompletableFuture<RtpEndpoint>> openPort;
  /** Agents whose RTP port is being opened before their phone is rung. */
  private final Set<String> opening = new HashSet<>();
  private String fromUser;
  private Negotiation codecs;

  AgentOffer(ActorContext<CallSession.Message> context, TimerScheduler<CallSession.Message> timers, CallCenterEngine engine,
      SipMessages messages, AgentLegs legs, String callId, Supplier<CompletableFuture<RtpEndpoint>> openPort) {
    this.context = context;
    this.timers = timers;
    this.engine = engine;
    this.messages = messages;
    this.legs = legs;
    this.callId = callId;
    this.openPort = openPort;
  }

  /** Opens an RTP port per agent, then rings each as {@code fromUser} with the caller's codec; the ring timeout covers them all. */
  void ring(CallLegs.RingAgents ring, String fromUser, Negotiation codecs) {
    this.fromUser = fromUser;
    this.codecs = codecs;
    timers.startSingleTimer(TIMER, RingTimedOut.INSTANCE, Duration.ofSeconds(Math.max(1, ring.ringTimeoutSeconds())));
    for (Reservation target : ring.agents()) {
      opening.add(target.agentId());
      context.pipeToSelf(openPort.get(), (endpoint, error) -> error != null ? new PortFailed(target) : new PortOpened(target, endpoint));
    }
  }

  /** Rings the agent's phone; true when that failed at once and left the offer over. */
  boolean portOpened(PortOpened m) {
    if (!opening.remove(m.target().agentId())) {
      m.endpoint().close(); // the ringing is over for this agent already
      return false;
    }
    try {
      String agentCallId = messages.stack().provider().getNewCallId().getCallId();
      ActorRef<CallSession.Message> self = context.getSelf();
      legs.ring(m.target(), agentCallId, m.endpoint(), fromUser, codecs).whenComplete((sent, error) -> {
        if (error != null) self.tell(new Unreachable(m.target(), agentCallId, String.valueOf(error.getMessage())));
      });
      return false;
    } catch (Exception e) {
      context.getLog().info("Could not ring agent {} at {}: {}", m.target().agentId(), m.target().contact(), e.getMessage());
      m.endpoint().close();
      return failed(m.target().agentId(), "agent phone unreachable", true);
    }
  }

  /** True when this left the offer over. */
  boolean unreachable(Unreachable m) {
    if (legs.ringingLeg(m.sipCallId()).isEmpty()) return false; // the leg was over before its INVITE failed
    context.getLog().info("Could not ring agent {} at {}: {}", m.target().agentId(), m.target().contact(), m.reason());
    // Counted as a no-answer: a phone that cannot be reached would otherwise be offered the next
    // call at once, again and again, until its binding expires.
    return failed(legs.fail(m.sipCallId()).agentId(), "agent phone unreachable", true);
  }

  boolean isRinging(String agentCallId) {
    return legs.ringingLeg(agentCallId).isPresent();
  }

  /** A provisional answer on a ringing leg: the first one beyond 100 tells the agent's entity that its phone rings. */
  void provisional(String agentCallId, int status) {
    // An outside address rung by a transfer has no agent entity to tell.
    if (status > 100 && legs.provisional(agentCallId) && !TransferTarget.isOutside(legs.ringingLeg(agentCallId).get().agentId())) {
      engine.sharding().entityRefFor(AgentEntity.ENTITY_KEY, legs.ringingLeg(agentCallId).get().agentId())
          .tell(new AgentEntity.Ringing(callId, context.getSystem().ignoreRef()));
    }
  }

  /** A final refusal from a ringing phone; true when this left the offer over. */
  boolean refused(String agentCallId, int status) {
    AgentLegs.Leg leg = legs.fail(agentCallId);
    return failed(leg.agentId(), status == Response.BUSY_HERE ? "busy" : status == Response.DECLINE ? "declined" : "answered " + status, false);
  }

  /** The INVITE's transaction timed out; empty when it was no ringing leg's, else whether the offer is over. */
  Optional<Boolean> transactionTimedOut(ClientTransaction transaction) {
    return legs.ringingLeg(transaction).map(leg -> failed(legs.fail(leg.sipCallId()).agentId(), "no answer (transaction timeout)", true));
  }

  /** One agent's leg failed; true when none is left ringing or being opened. */
  boolean failed(String agentId, String reason, boolean noAnswer) {
    opening.remove(agentId);
    refuse(agentId, reason, noAnswer);
    boolean over = !legs.anyRinging() && opening.isEmpty();
    if (over) timers.cancel(TIMER);
    return over;
  }

  /** Nobody answered in time: every leg still ringing or being opened is given up. */
  void timedOut() {
    legs.cancelRinging().forEach(leg -> refuse(leg.agentId(), "no answer", true));
    opening.forEach(agentId -> refuse(agentId, "no answer", true));
    opening.clear();
  }

  /** An agent answered: the others stop ringing. */
  void answered() {
    timers.cancel(TIMER);
    opening.clear();
    legs.cancelRinging();
  }

  /** Tells the CallEntity that this agent does not take the call. */
  void refuse(String agentId, String reason, boolean noAnswer) {
    engine.asks().<CallEntity.Command, Done>askRetrying(engine.sharding().entityRefFor(CallEntity.ENTITY_KEY, callId),
        r -> new CallEntity.OfferFailed(agentId, reason, noAnswer, r));
  }
}
