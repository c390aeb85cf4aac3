package io.callengine.sip;

import io.callengine.core.agent.AgentEntity;
import io.callengine.core.api.CallCenterEngine;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sip.address.Address;
import javax.sip.address.URI;
import javax.sip.header.ViaHeader;
import javax.sip.message.Request;
import org.apache.pekko.Done;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * The OPTIONS probe of the agent phones that registered through this node, one actor and one
 * timer per node: every options-interval each phone gets an OPTIONS. A phone that does not answer
 * within options-timeout, or answers with a status that means it cannot be reached, is reported
 * unreachable to its AgentEntity, which then offers it no call; its next answer reports it
 * reachable again. Only changes are reported. The {@link Registrar} tells it of bindings, the
 * {@link SipEventListener} of answers and transaction timeouts.
 */
public final class PhoneProbe extends AbstractBehavior<PhoneProbe.Command> {
  public sealed interface Command extends NoSerializationVerificationNeeded {}

  /** The agent's phone is bound at {@code contact} until {@code expiresAt}; a null contact: no longer bound. */
  record Bound(String agentId, String contact, Instant expiresAt) implements Command {}
  record Answered(String sipCallId, int status) implements Command {}
  record TimedOut(String sipCallId) implements Command {}
  /** A report the AgentEntity did not take: report the phone's next result, whatever it is. */
  record Unreported(String agentId) implements Command {}
  private enum Reported implements Command { INSTANCE }
  private enum Tick implements Command { INSTANCE }
  private enum Deadline implements Command { INSTANCE }

  /** Answers that mean no phone was reached: a proxy's or the stack's timeout, or the phone's absence. */
  private static final Set<Integer> UNREACHABLE = Set.of(408, 480, 503, 504);

  private record Phone(String contact, Instant expiresAt) {}
  private record Probe(String agentId, String contact, long sentAtNanos) {}

  static Behavior<Command> create(CallCenterEngine engine, SipMessages messages, SipSettings settings) {
    return Behaviors.supervise(Behaviors.<Command>setup(ctx -> Behaviors.withTimers(timers -> {
      if (settings.liveness().probesPhones()) {
        timers.startTimerWithFixedDelay(Tick.INSTANCE, settings.liveness().optionsInterval());
      }
      return new PhoneProbe(ctx, timers, engine, messages, settings);
    }))).onFailure(SupervisorStrategy.restart());
  }

  private final TimerScheduler<Command> timers;
  private final CallCenterEngine engine;
  private final SipMessages messages;
  private final SipSettings settings;
  private final Map<String, Phone> phones = new HashMap<>();
  private final Map<String, Probe> outstanding = new HashMap<>();
  /** What each agent's entity was last told; absent: nothing yet (after a start, the first result is reported). */
  private final Map<String, Boolean> reported = new HashMap<>();

  private PhoneProbe(ActorContext<Command> context, TimerScheduler<Command> timers, CallCenterEngine engine, SipMessages messages,
      SipSettings settings) {
    super(context);
    context.setLoggerName(PhoneProbe.class); // else Pekko names it after a class of its own, whose INFO lines nobody sees
    this.timers = timers;
    this.engine = engine;
    this.messages = messages;
    this.settings = settings;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Bound.class, this::onBound)
        .onMessage(Tick.class, m -> onTick())
        .onMessage(Answered.class, this::onAnswered)
        .onMessage(TimedOut.class, m -> noAnswer(List.of(m.sipCallId())))
        .onMessage(Deadline.class, m -> onDeadline())
        .onMessage(Unreported.class, m -> { reported.remove(m.agentId()); return this; })
        .onMessage(Reported.class, m -> this)
        .build();
  }

  private Behavior<Command> onBound(Bound m) {
    Phone before = m.contact() == null ? phones.remove(m.agentId()) : phones.put(m.agentId(), new Phone(m.contact(), m.expiresAt()));
    if (before == null || !before.contact().equals(m.contact())) reported.remove(m.agentId());
    return this;
  }

  /** Probes every phone bound now that has no probe out already. */
  private Behavior<Command> onTick() {
    onDeadline();
    Instant now = engine.clock().instant();
    phones.values().removeIf(phone -> !phone.expiresAt().isAfter(now));
    Set<String> waiting = new java.util.HashSet<>();
    outstanding.values().forEach(probe -> waiting.add(probe.agentId()));
    phones.forEach((agentId, phone) -> {
      if (waiting.contains(agentId)) return;
      try {
        outstanding.put(send(phone.contact()), new Probe(agentId, phone.contact(), System.nanoTime()));
      } catch (Exception e) {
        getContext().getLog().debug("Could not probe agent {} at {}: {}", agentId, phone.contact(), e.getMessage());
      }
    });
    if (!outstanding.isEmpty() && !timers.isTimerActive(Deadline.INSTANCE)) {
      timers.startSingleTimer(Deadline.INSTANCE, settings.liveness().optionsTimeout());
    }
    return this;
  }

  /** The probes out for options-timeout or longer are unanswered; the deadline is set again for the others. */
  private Behavior<Command> onDeadline() {
    long now = System.nanoTime();
    long timeout = settings.liveness().optionsTimeout().toNanos();
    noAnswer(outstanding.entrySet().stream().filter(e -> now - e.getValue().sentAtNanos() >= timeout).map(Map.Entry::getKey).toList());
    if (!outstanding.isEmpty()) {
      long oldest = outstanding.values().stream().mapToLong(Probe::sentAtNanos).min().orElse(now);
      timers.startSingleTimer(Deadline.INSTANCE, java.time.Duration.ofNanos(Math.max(0, oldest + timeout - now)));
    }
    return this;
  }

  private Behavior<Command> onAnswered(Answered m) {
    Probe probe = outstanding.remove(m.sipCallId());
    if (probe == null) return this; // too late: counted as no answer already
    boolean reachable = !UNREACHABLE.contains(m.status());
    report(probe, reachable, "the phone answered OPTIONS with " + m.status());
    return this;
  }

  private Behavior<Command> noAnswer(List<String> sipCallIds) {
    for (String sipCallId : sipCallIds) {
      Probe probe = outstanding.remove(sipCallId);
      if (probe != null) {
        report(probe, false, "the phone did not answer OPTIONS within " + settings.liveness().optionsTimeout().toMillis() + " ms");
      }
    }
    return this;
  }

  private void report(Probe probe, boolean reachable, String reason) {
    Phone phone = phones.get(probe.agentId());
    if (phone == null || !phone.contact().equals(probe.contact())) return; // rebound or gone since the probe left
    Boolean before = reported.put(probe.agentId(), reachable);
    if (Boolean.valueOf(reachable).equals(before)) return;
    if (!reachable) {
      getContext().getLog().info("Agent {}'s phone at {} is unreachable ({}): no call is offered to it until a probe reaches it again",
          probe.agentId(), probe.contact(), reason);
    } else if (before != null) {
      getContext().getLog().info("Agent {}'s phone at {} answers OPTIONS again", probe.agentId(), probe.contact());
    }
    var agent = engine.sharding().entityRefFor(AgentEntity.ENTITY_KEY, probe.agentId());
    getContext().pipeToSelf(engine.asks().<AgentEntity.Command, Done>askRetrying(agent,
            r -> new AgentEntity.ReportReachability(probe.contact(), reachable, reachable ? null : reason, r)),
        (done, error) -> error == null ? Reported.INSTANCE : new Unreported(probe.agentId()));
  }

  /** An OPTIONS outside any dialog to {@code contact}; returns its Call-ID. */
  private String send(String contact) throws Exception {
    var headers = messages.stack().headers();
    var addresses = messages.stack().addresses();
    URI target = addresses.createURI(contact);
    String transport = target instanceof javax.sip.address.SipURI sip && sip.getTransportParam() != null ? sip.getTransportParam() : "udp";
    Address engineAddress = addresses.createAddress("sip:call-engine@" + settings.publicHost());
    ViaHeader via = headers.createViaHeader(settings.publicHost(), settings.port(), transport, null);
    via.setRPort();
    var callId = messages.stack().provider().getNewCallId();
    Request options = messages.stack().messages().createRequest(target, Request.OPTIONS, callId, headers.createCSeqHeader(1L, Request.OPTIONS),
        headers.createFromHeader(engineAddress, SipMessages.newTag()), headers.createToHeader(addresses.createAddress(contact), null),
        List.of(via), headers.createMaxForwardsHeader(70));
    // A failed send is a phone that does not answer: the probe's deadline finds it.
    messages.send(options, () -> messages.stack().provider().getNewClientTransaction(options).sendRequest());
    return callId.getCallId();
  }
}
