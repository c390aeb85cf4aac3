package io.callengine.sip;

import io.callengine.core.call.CallEntity;
import io.callengine.core.call.CallLegs;
import io.callengine.core.call.CallView;
import io.callengine.core.call.Disposition;
import io.callengine.core.call.Party;
import io.callengine.sip.media.Codec;
import io.callengine.sip.media.Negotiation;
import io.callengine.sip.media.RtpEndpoint;
import io.callengine.sip.media.Sdp;
import io.callengine.sip.media.SessionDescription;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import javax.sip.ClientTransaction;
import javax.sip.Dialog;
import javax.sip.header.CSeqHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * The legs of one callback attempt, node-local and not persistent: rings the agent the Router
 * reserved (through {@link AgentOffer} over {@link AgentLegs}, as a {@link CallSession} does), and
 * once the agent answers calls the customer's number through the outbound proxy, bridges the two
 * and tells the CallEntity that the call is answered. A customer who does not answer fails the
 * attempt ({@code CallbackNotAnswered}): the agent is hung up and the call waits for its retry.
 * {@link CallbackDialers} spawns it when a CallEntity on this node asks; the entity then hears from
 * it only through its commands, and watches it like any legs.
 */
final class CallbackCall extends AbstractBehavior<CallSession.Message> {
  /** The customer's RTP port is open: he can be called. */
  record CustomerPortOpened(RtpEndpoint endpoint) implements CallSession.Message {}
  /** The customer's INVITE could not be sent, or did not get answered in time. */
  record CustomerFailed(String reason) implements CallSession.Message {}
  enum CustomerRingTimedOut implements CallSession.Message { INSTANCE }

  private static final Negotiation CODECS = new Negotiation(List.of(Codec.PCMU), Optional.of(new Codec(101, "telephone-event", 8000)));
  private static final String RING_TIMER = "customer-ring";

  static Behavior<CallSession.Message> create(GatewayParts parts, OutboundProxy proxy, String callId, String number,
      String queueId, ActorRef<ActorRef<CallLegs.Command>> replyTo) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new CallbackCall(ctx, timers, parts, proxy, callId, number, queueId, replyTo)));
  }

  private final TimerScheduler<CallSession.Message> timers;
  private final GatewayParts parts;
  private final SipMessages messages;
  private final OutboundProxy proxy;
  private final String callId;
  private final String number;
  private final String queueId;
  private final AgentLegs agents;
  private final AgentOffer offer;
  private final List<CompletableFuture<RtpEndpoint>> portsAskedFor = new java.util.ArrayList<>();
  private int customerRingSeconds;
  private AgentLegs.Leg agent;
  private String customerCallId;
  private ClientTransaction customerInvite;
  private Dialog customerDialog;
  private RtpEndpoint customerMedia;
  private boolean connected;
  private boolean over;

  private CallbackCall(ActorContext<CallSession.Message> context, TimerScheduler<CallSession.Message> timers, GatewayParts parts,
      OutboundProxy proxy, String callId, String number, String queueId, ActorRef<ActorRef<CallLegs.Command>> replyTo) {
    super(context);
    context.setLoggerName(CallbackCall.class);
    this.timers = timers;
    this.parts = parts;
    this.messages = parts.messages();
    this.proxy = proxy;
    this.callId = callId;
    this.number = number;
    this.queueId = queueId;
    this.agents = new AgentLegs(messages, parts.settings(), parts.sessions(), context.getSelf());
    this.offer = new AgentOffer(context, timers, parts.engine(), messages, agents, callId, this::openPort);
    replyTo.tell(context.messageAdapter(CallLegs.Command.class, CallSession.FromDomain::new));
  }

  @Override
  public Receive<CallSession.Message> createReceive() {
    return newReceiveBuilder()
        .onMessage(CallSession.FromDomain.class, this::onDomain)
        .onMessage(SipIn.ResponseIn.class, this::onResponse)
        .onMessage(SipIn.RequestIn.class, this::onRequest)
        .onMessage(SipIn.TimeoutIn.class, this::onTimeout)
        .onMessage(AgentOffer.PortOpened.class, m -> { offer.portOpened(m); return this; })
        .onMessage(AgentOffer.PortFailed.class, m -> { offer.failed(m.target().agentId(), "no RTP port free", false); return this; })
        .onMessage(AgentOffer.Unreachable.class, m -> { offer.unreachable(m); return this; })
        .onMessage(AgentOffer.RingTimedOut.class, m -> { if (agent == null) offer.timedOut(); return this; })
        .onMessage(CustomerPortOpened.class, this::onCustomerPortOpened)
        .onMessage(CustomerFailed.class, m -> customerFailed(m.reason()))
        .onMessage(CustomerRingTimedOut.class, m -> customerFailed("no answer within " + customerRingSeconds + " s"))
        .onMessage(CallSession.Drain.class, m -> onDrain(m.reason()))
        .onSignal(PostStop.class, signal -> onPostStop())
        .build();
  }

  private Behavior<CallSession.Message> onDomain(CallSession.FromDomain m) {
    if (m.command() instanceof CallLegs.Ping ping) {
      ping.replyTo().tell(Done.getInstance());
    } else if (m.command() instanceof CallLegs.RingAgents ring) {
      // The agents first: a customer called back is never left waiting for an agent.
      if (agent != null) ring.agents().forEach(target -> offer.refuse(target.agentId(), "callback already has an agent", false));
      else {
        customerRingSeconds = Math.max(1, ring.ringTimeoutSeconds());
        offer.ring(ring, "callback-" + queueId, CODECS);
      }
    } else if (m.command() instanceof CallLegs.Hangup) {
      over = true;
      hangUpAll();
      return Behaviors.stopped();
    }
    return this;
  }

  // --- the agent answers: now the customer is called ---

  private Behavior<CallSession.Message> onResponse(SipIn.ResponseIn in) {
    Response response = in.response();
    String sipCallId = callIdOf(response);
    String method = ((CSeqHeader) response.getHeader(CSeqHeader.NAME)).getMethod();
    if (!Request.INVITE.equals(method)) return this;
    if (sipCallId.equals(customerCallId)) return onCustomerResponse(in);
    if (!offer.isRinging(sipCallId)) {
      if (response.getStatusCode() < 200) agents.provisionalAfterCancel(sipCallId);
      return this;
    }
    int status = response.getStatusCode();
    if (status < 200) offer.provisional(sipCallId, status);
    else if (status >= 300) offer.refused(sipCallId, status);
    else onAgentAnswered(in, sipCallId);
    return this;
  }

  private void onAgentAnswered(SipIn.ResponseIn in, String agentCallId) {
    AgentLegs.Answer answer = agents.answer(in, agentCallId);
    AgentLegs.Leg leg = answer.leg();
    if (answer.unusable() != null) {
      getContext().getLog().info("Agent {} answered callback {} without usable SDP: {}", leg.agentId(), callId, answer.unusable());
      offer.failed(leg.agentId(), "agent answer unusable", false);
      return;
    }
    offer.answered();
    agent = leg;
    getContext().getLog().info("Callback {}: agent {} answered; calling the customer at {}", callId, leg.agentId(), number);
    getContext().pipeToSelf(openPort(), (endpoint, error) -> error != null ? new CustomerFailed("no RTP port free")
        : new CustomerPortOpened(endpoint));
  }

  private Behavior<CallSession.Message> onCustomerPortOpened(CustomerPortOpened m) {
    if (over) return this;
    customerMedia = m.endpoint();
    try {
      customerCallId = messages.stack().provider().getNewCallId().getCallId();
      String sdp = Sdp.offer(parts.settings().publicHost(), customerMedia.port(), CODECS.codecs(), System.currentTimeMillis());
      Request invite = messages.agentInvite(number, number, "callback-" + queueId, customerCallId, SipMessages.newTag(), sdp);
      proxy.route(invite, messages.stack());
      parts.sessions().put(customerCallId, getContext().getSelf());
      ActorRef<CallSession.Message> self = getContext().getSelf();
      messages.send(invite, () -> {
        customerInvite = messages.stack().provider().getNewClientTransaction(invite);
        customerInvite.sendRequest();
      }).whenComplete((sent, error) -> {
        if (error != null) self.tell(new CustomerFailed("customer unreachable: " + error.getMessage()));
      });
      timers.startSingleTimer(RING_TIMER, CustomerRingTimedOut.INSTANCE, Duration.ofSeconds(customerRingSeconds));
    } catch (Exception e) {
      return customerFailed("the customer's INVITE could not be made: " + e.getMessage());
    }
    return this;
  }

  private Behavior<CallSession.Message> onCustomerResponse(SipIn.ResponseIn in) {
    int status = in.response().getStatusCode();
    if (status < 200 || connected || over) return this;
    if (status >= 300) return customerFailed("customer answered " + status);
    timers.cancel(RING_TIMER);
    customerDialog = in.transaction() != null ? in.transaction().getDialog() : null;
    try {
      messages.ack(customerDialog, in.response());
      SessionDescription answer = Sdp.parse(SipMessages.sdpBody(in.response()));
      customerMedia.expectRemote(answer.audioTarget(), answer.rtcpTarget());
    } catch (Exception e) {
      messages.bye(customerDialog);
      return customerFailed("customer answer unusable: " + e.getMessage());
    }
    connected = true;
    RtpEndpoint.bridge(customerMedia, agent.media());
    getContext().getLog().info("Callback {}: customer answered; bridged with agent {}", callId, agent.agentId());
    parts.engine().asks().<CallEntity.Command, Done>askRetrying(callEntity(), r -> new CallEntity.AgentAnswered(agent.agentId(), r));
    return this;
  }

  /** The attempt failed: the agent is hung up and the CallEntity decides between a retry and the end. */
  private Behavior<CallSession.Message> customerFailed(String reason) {
    if (connected || over) return this;
    over = true;
    getContext().getLog().info("Callback {}: the customer did not take the call ({})", callId, reason);
    hangUpAll();
    parts.engine().asks().<CallEntity.Command, CallView>askRetrying(callEntity(), r -> new CallEntity.CallbackNotAnswered(reason, r));
    return Behaviors.stopped();
  }

  // --- hang-ups ---

  private Behavior<CallSession.Message> onRequest(SipIn.RequestIn in) {
    Request request = in.request();
    // A callback is not transferred: a REFER that got 200 would make the phone believe it was.
    boolean refer = "REFER".equals(request.getMethod());
    messages.respond(in, refer ? Response.FORBIDDEN : Response.OK, refer ? "A callback is not transferred" : null);
    if (!Request.BYE.equals(request.getMethod())) return this;
    boolean byCustomer = callIdOf(request).equals(customerCallId);
    if (!connected) return byCustomer ? customerFailed("customer hung up at once") : onAgentLeftBeforeCustomer();
    over = true;
    hangUpAll();
    parts.engine().asks().<CallEntity.Command, CallView>askRetrying(callEntity(),
        r -> new CallEntity.Hangup(byCustomer ? Party.CUSTOMER : Party.AGENT, null, r));
    return Behaviors.stopped();
  }

  /** The agent hung up while his customer was being called: the attempt is not the customer's fault, but it is over. */
  private Behavior<CallSession.Message> onAgentLeftBeforeCustomer() {
    return customerFailed("the agent hung up before the customer answered");
  }

  private Behavior<CallSession.Message> onTimeout(SipIn.TimeoutIn m) {
    Request request = m.transaction().getRequest();
    if (!Request.INVITE.equals(request.getMethod())) return this;
    if (callIdOf(request).equals(customerCallId)) return customerFailed("no answer (transaction timeout)");
    offer.transactionTimedOut(m.transaction());
    return this;
  }

  private Behavior<CallSession.Message> onDrain(String reason) {
    if (connected && !over) {
      parts.engine().asks().<CallEntity.Command, CallView>ask(callEntity(), r -> new CallEntity.End(Disposition.FAILED, reason, r));
      over = true;
      hangUpAll();
      return Behaviors.stopped();
    }
    return customerFailed(reason);
  }

  private void hangUpAll() {
    timers.cancel(RING_TIMER);
    agents.hangUp();
    if (customerDialog != null) messages.bye(customerDialog);
    else if (customerInvite != null && !connected) {
      try {
        messages.cancel(customerInvite);
      } catch (Exception e) {
        getContext().getLog().debug("Could not cancel the callback INVITE: {}", e.getMessage());
      }
    }
  }

  private Behavior<CallSession.Message> onPostStop() {
    if (customerMedia != null) customerMedia.close();
    portsAskedFor.forEach(port -> port.thenAccept(RtpEndpoint::close));
    if (customerCallId != null) parts.sessions().remove(customerCallId);
    agents.close();
    return this;
  }

  private CompletableFuture<RtpEndpoint> openPort() {
    CompletableFuture<RtpEndpoint> port = parts.relay().open();
    portsAskedFor.add(port);
    return port;
  }

  private org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef<CallEntity.Command> callEntity() {
    return parts.engine().sharding().entityRefFor(CallEntity.ENTITY_KEY, callId);
  }

  private static String callIdOf(javax.sip.message.Message message) {
    return ((javax.sip.header.CallIdHeader) message.getHeader(javax.sip.header.CallIdHeader.NAME)).getCallId();
  }
}
