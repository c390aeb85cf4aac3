package io.callengine.core.api;

import io.callengine.core.EngineException;
import io.callengine.core.FieldError;
import io.callengine.core.Refusal;
import io.callengine.core.agent.AgentView;
import io.callengine.core.call.CallEntity;
import io.callengine.core.call.Monitoring;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.pekko.Done;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;

/**
 * A supervisor's listen, whisper and barge on a live call, for the HTTP API and Java callers. The
 * supervisor's phone registers with an agent account of its own (SIP credentials like an agent's);
 * a request names that account ({@code phone}) or its SIP address ({@code sipUri}), and the engine
 * calls the contact it registered. Everything goes through the call's {@link CallEntity}, which
 * forwards to the node that holds the call's legs.
 */
public final class MonitorApi {
  private static final Pattern SIP_USER = Pattern.compile("sips?:([^@;>]+)@.+");

  private final CallCenterEngine engine;

  public MonitorApi(CallCenterEngine engine) {
    this.engine = engine;
  }

  /**
   * Starts monitoring {@code callId} for {@code supervisor}: INVALID for a missing or unknown mode or
   * not exactly one of {@code phone} and {@code sipUri}, NOT_FOUND for an unknown call or phone
   * account or a phone that is not registered, CONFLICT for a call that is not connected or is
   * monitored already.
   */
  public CompletionStage<Monitoring> start(String callId, String supervisor, String mode, String phone, String sipUri) {
    List<FieldError> errors = new ArrayList<>();
    Monitoring.Mode parsed = mode(mode, errors);
    if ((phone == null) == (sipUri == null)) errors.add(new FieldError("phone", "give either phone (an agent id) or sipUri"));
    else if (phone != null && !Validation.ID.matcher(phone).matches()) errors.add(new FieldError("phone", "must be an agent id"));
    Matcher user = sipUri == null ? null : SIP_USER.matcher(sipUri);
    if (user != null && !user.matches()) errors.add(new FieldError("sipUri", "must be a SIP URI such as sip:lead@example.com"));
    if (!errors.isEmpty()) return CompletableFuture.failedFuture(EngineException.invalid(errors));
    String account = phone != null ? phone : engine.lookups().agentForSipUser(user.group(1)).orElse(null);
    if (account == null) return notFound("no phone account has the SIP address " + sipUri);
    return exists(callId).thenCompose(call -> engine.admin().getAgent(account))
        .thenCompose(view -> registered(view, account))
        .thenCompose(view -> engine.asks().<CallEntity.Command, Monitoring>ask(call(callId),
            r -> new CallEntity.Monitor(supervisor, account, view.contact(), view.sipUri(), parsed, r)));
  }

  /** The monitoring supervisor takes part in {@code mode} from now on: CONFLICT when nobody monitors the call. */
  public CompletionStage<Monitoring> change(String callId, String mode) {
    List<FieldError> errors = new ArrayList<>();
    Monitoring.Mode parsed = mode(mode, errors);
    if (!errors.isEmpty()) return CompletableFuture.failedFuture(EngineException.invalid(errors));
    return exists(callId).thenCompose(call -> engine.asks().<CallEntity.Command, Monitoring>ask(call(callId),
        r -> new CallEntity.ChangeMonitor(parsed, r)));
  }

  /** Ends the monitoring of {@code callId}, as {@code by} asked: CONFLICT when nobody monitors the call. */
  public CompletionStage<Done> end(String callId, String by) {
    return exists(callId).thenCompose(call -> engine.asks().<CallEntity.Command, Done>ask(call(callId),
        r -> new CallEntity.EndMonitor(null, "ended by " + by, r)));
  }

  /** NOT_FOUND for a call that never was. */
  private CompletionStage<?> exists(String callId) {
    return engine.supervisor().call(callId);
  }

  private EntityRef<CallEntity.Command> call(String callId) {
    return engine.sharding().entityRefFor(CallEntity.ENTITY_KEY, callId);
  }

  private static Monitoring.Mode mode(String mode, List<FieldError> errors) {
    Monitoring.Mode parsed = Monitoring.Mode.parse(mode).orElse(null);
    if (parsed == null) errors.add(new FieldError("mode", mode == null ? "is required: listen, whisper or barge" : "must be listen, whisper or barge"));
    return parsed;
  }

  private CompletionStage<AgentView> registered(AgentView view, String account) {
    Instant expires = view.registrationExpiresAt();
    if (view.contact() == null || expires == null || !expires.isAfter(engine.clock().instant())) {
      return notFound("the phone " + account + " is not registered");
    }
    return CompletableFuture.completedFuture(view);
  }

  private static <T> CompletionStage<T> notFound(String detail) {
    return CompletableFuture.failedFuture(new EngineException(Refusal.NOT_FOUND, detail));
  }
}
