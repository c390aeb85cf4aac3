package io.callengine.sip;

import io.callengine.core.agent.AgentEntity;
import io.callengine.core.agent.AgentView;
import io.callengine.core.call.TransferTarget;
import java.util.Map;
import java.util.Optional;
import javax.sip.address.SipURI;
import javax.sip.header.FromHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * A new INVITE from an agent's own phone (its From user is an agent's SIP user): the second call
 * of an attended transfer, which the phone places while it holds its customer call. The
 * {@link SipGateway} hands such an INVITE here instead of starting a customer call. It is
 * digest-authenticated as the phone's REGISTER is ({@link Registrar#authenticate}), so a stranger
 * who writes an agent's name in From gets a 401 and never a call out; then the agent's connected
 * call is looked up (the AgentEntity's current calls) and, when its session runs on this node,
 * the INVITE goes to it ({@link CallConsult.PhoneCall}) with the target its Request-URI names:
 * an agent (its id or SIP user), or else an outside address, which the allowlist must allow.
 * Works with CompletionStages on the gateway's thread or the stack's: it keeps no state.
 */
final class PhoneConsults {
  private final GatewayParts parts;

  PhoneConsults(GatewayParts parts) {
    this.parts = parts;
  }

  /** Whether {@code invite} comes from an agent's phone: its From user is an agent's SIP user. */
  boolean fromAgentPhone(Request invite) {
    return sipUserOf(invite).flatMap(user -> parts.engine().lookups().agentForSipUser(user)).isPresent();
  }

  void handle(SipIn.RequestIn in) {
    Request invite = in.request();
    String sipUser = sipUserOf(invite).orElseThrow();
    parts.registrar().authenticate(invite, in.transaction(), sipUser).thenAccept(agentId -> {
      if (agentId != null) findCall(in, agentId);
    });
  }

  private void findCall(SipIn.RequestIn in, String agentId) {
    Optional<TransferTarget> target = target(in.request());
    if (target.isEmpty()) {
      refuse(in, Response.NOT_FOUND, "No such agent");
      return;
    }
    var agent = parts.engine().sharding().entityRefFor(AgentEntity.ENTITY_KEY, agentId);
    parts.engine().asks().<AgentEntity.Command, AgentView>ask(agent, AgentEntity.Get::new).whenComplete((view, error) -> {
      if (error != null) {
        refuse(in, Response.SERVICE_UNAVAILABLE, null);
      } else if (view.currentCalls().isEmpty()) {
        refuse(in, Response.FORBIDDEN, "No connected call to consult on");
      } else {
        Map<String, ActorRef<CallSession.Message>> calls = parts.calls();
        Optional<ActorRef<CallSession.Message>> session = view.currentCalls().stream().map(calls::get).filter(s -> s != null).findFirst();
        // A call's SIP legs live on the node that took its INVITE: a phone that reaches another node cannot consult from there.
        if (session.isEmpty()) refuse(in, Response.FORBIDDEN, "The call runs on another node");
        else session.get().tell(new CallConsult.PhoneCall(in, agentId, target.get()));
      }
    });
  }

  /**
   * The Request-URI's user: an agent (id or SIP user) when one has it; else, for a URI that is not
   * the engine's own, the outside address {@code sip:user@host[:port]}; empty: an unknown agent.
   */
  private Optional<TransferTarget> target(Request invite) {
    if (!(invite.getRequestURI() instanceof SipURI uri) || uri.getUser() == null) return Optional.empty();
    String user = uri.getUser();
    Optional<String> agent = parts.engine().lookups().agentForSipUser(user)
        .or(() -> parts.engine().lookups().listing().agentIds().contains(user) ? Optional.of(user) : Optional.empty());
    if (agent.isPresent()) return Optional.of(TransferTarget.agent(agent.get()));
    SipSettings settings = parts.settings();
    boolean engines = (uri.getHost().equals(settings.publicHost()) || uri.getHost().equals(settings.host()))
        && (uri.getPort() <= 0 || uri.getPort() == settings.port());
    if (engines) return Optional.empty();
    return Optional.of(TransferTarget.outside(uri.getScheme() + ":" + user + "@" + uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "")));
  }

  private void refuse(SipIn.RequestIn in, int status, String reason) {
    parts.messages().respond(in, status, reason);
  }

  private static Optional<String> sipUserOf(Request request) {
    return ((FromHeader) request.getHeader(FromHeader.NAME)).getAddress().getURI() instanceof SipURI from
        ? Optional.ofNullable(from.getUser()) : Optional.empty();
  }
}
