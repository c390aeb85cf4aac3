package io.callengine.sip;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sip.header.Header;
import javax.sip.header.ToHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.apache.pekko.Done;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * The node's SIP front door: takes every request that no call session owns. A new call, which
 * {@link SipEventListener} admitted ({@link NewCall}), gets a {@link CallSession} child;
 * REGISTER goes to the {@link Registrar}; OPTIONS is answered here; a request for a dialog we
 * do not know gets 481, an unknown method 501. While the node is not ready (starting, draining,
 * on the losing side of a partition) new INVITEs, REGISTERs and OPTIONS get 503 with
 * Retry-After, so that load balancers and phones go elsewhere; requests inside existing calls
 * never come here and carry on. {@link SipService} drains the call sessions through
 * {@link Drain} when the node stops.
 */
public final class SipGateway extends AbstractBehavior<SipGateway.Command> {
  static final List<String> ALLOWED = List.of("INVITE", "ACK", "CANCEL", "BYE", "OPTIONS", "REGISTER", "INFO", "UPDATE", "REFER");
  /** What a node that is not ready answers 503 besides a new call: a registration, and the load balancers' probe. */
  private static final Set<String> NOT_READY_REFUSES = Set.of(Request.REGISTER, Request.OPTIONS);

  public sealed interface Command permits SipIn.RequestIn, SipIn.ResponseIn, NewCall, Drain {}

  /** A new call's INVITE (no To tag, no session for its Call-ID), with the set-up its admission started. */
  record NewCall(SipIn.RequestIn invite, CallAdmission.Setup setup) implements Command, NoSerializationVerificationNeeded {}

  /** Answers {@code replyTo} once the calls up now have ended: on their own, or hung up with {@code hangUpReason} when given. */
  record Drain(String hangUpReason, ActorRef<Done> replyTo) implements Command, NoSerializationVerificationNeeded {}

  static Behavior<Command> create(GatewayParts parts) {
    // One bad message must not take the front door down: restart; the sessions map and the registrar live outside.
    return Behaviors.supervise(Behaviors.<Command>setup(ctx -> new SipGateway(ctx, parts))).onFailure(SupervisorStrategy.restart());
  }

  private final GatewayParts parts;
  private final SipMessages messages;
  private final Map<String, ActorRef<CallSession.Message>> sessions;
  private final Registrar registrar;
  private final PhoneConsults phoneConsults;

  private SipGateway(ActorContext<Command> context, GatewayParts parts) {
    super(context);
    this.parts = parts;
    this.messages = parts.messages();
    this.sessions = parts.sessions();
    this.registrar = parts.registrar();
    this.phoneConsults = new PhoneConsults(parts);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(NewCall.class, this::onNewCall)
        .onMessage(SipIn.RequestIn.class, this::onRequest)
        .onMessage(SipIn.ResponseIn.class, this::onOrphanResponse)
        .onMessage(Drain.class, this::onDrain)
        .build();
  }

  /** The set-up passes to the session, or ends here: a set-up never ended would hold a place in the admission for good. */
  private Behavior<Command> onNewCall(NewCall call) {
    Request request = call.invite().request();
    String callId = callIdOf(request);
    ActorRef<CallSession.Message> owner = sessions.get(callId);
    try {
      if (owner != null) {
        call.setup().end(); // not a new call after all: the session created since takes it
        owner.tell(call.invite());
      } else if (!parts.engine().ready()) {
        call.setup().end();
        messages.serviceUnavailable(call.invite().transaction(), request, parts.settings().retryAfter());
      } else if (phoneConsults.fromAgentPhone(request)) {
        call.setup().end(); // no customer call: an agent's phone calls out of its own connected call
        phoneConsults.handle(call.invite());
      } else {
        ActorRef<CallSession.Message> session = getContext().spawnAnonymous(CallSession.create(parts, callId, call.setup()));
        sessions.put(callId, session);
        session.tell(call.invite());
      }
    } catch (RuntimeException e) {
      call.setup().end();
      throw e;
    }
    return this;
  }

  private Behavior<Command> onRequest(SipIn.RequestIn in) {
    Request request = in.request();
    ActorRef<CallSession.Message> owner = sessions.get(callIdOf(request));
    if (owner != null) {
      owner.tell(in); // the session was created after the stack thread looked
      return this;
    }
    boolean inDialog = ((ToHeader) request.getHeader(ToHeader.NAME)).getTag() != null;
    if (!inDialog && NOT_READY_REFUSES.contains(request.getMethod()) && !parts.engine().ready()) {
      messages.serviceUnavailable(in.transaction(), request, parts.settings().retryAfter());
      return this;
    }
    switch (request.getMethod()) {
      case Request.REGISTER -> registrar.handle(request, in.transaction());
      case Request.OPTIONS -> messages.respond(in.transaction(), request, Response.OK, null, null, allow());
      case Request.ACK -> { }
      // A new call comes as NewCall: an INVITE here belongs to a dialog we do not know.
      case Request.INVITE, Request.BYE, Request.CANCEL, Request.INFO, Request.UPDATE, "REFER" ->
          messages.respond(in.transaction(), request, Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST, null);
      default -> messages.respond(in.transaction(), request, Response.NOT_IMPLEMENTED, null, null, allow());
    }
    return this;
  }

  /**
   * An answer to an agent INVITE whose call is already over (a phone that rang late): a
   * provisional one gets the CANCEL the ended session could not send, an acceptance gets ACK
   * and BYE, so no phone keeps ringing or holds a dead call.
   */
  private Behavior<Command> onOrphanResponse(SipIn.ResponseIn in) {
    String method = ((javax.sip.header.CSeqHeader) in.response().getHeader(javax.sip.header.CSeqHeader.NAME)).getMethod();
    if (!Request.INVITE.equals(method)) return this;
    int status = in.response().getStatusCode();
    if (status > 100 && status < 200) {
      try {
        messages.cancel(in.transaction());
      } catch (Exception e) {
        getContext().getLog().debug("Could not cancel an orphan agent leg: {}", e.getMessage());
      }
    }
    messages.hangUpUnwanted(in);
    return this;
  }

  /**
   * The snapshot is taken in the gateway, the only place sessions start, after the node turned
   * not ready: every later INVITE is refused, so no call can slip past the drain.
   */
  private Behavior<Command> onDrain(Drain drain) {
    Set<ActorRef<CallSession.Message>> calls = new HashSet<>(sessions.values());
    getContext().spawnAnonymous(CallDrain.create(calls, drain.hangUpReason(), drain.replyTo()));
    return this;
  }

  private static String callIdOf(Request request) {
    return ((javax.sip.header.CallIdHeader) request.getHeader(javax.sip.header.CallIdHeader.NAME)).getCallId();
  }

  private List<Header> allow() {
    List<Header> headers = new java.util.ArrayList<>();
    for (String method : ALLOWED) {
      try {
        headers.add(messages.stack().headers().createAllowHeader(method));
      } catch (java.text.ParseException e) {
        throw new IllegalStateException(e);
      }
    }
    return headers;
  }
}
