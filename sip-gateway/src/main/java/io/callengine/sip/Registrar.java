package io.callengine.sip;

import io.callengine.core.Refusal;
import io.callengine.core.agent.AgentEntity;
import io.callengine.core.agent.AgentView;
import io.callengine.core.agent.DigestUse;
import io.callengine.core.agent.SipCredentials;
import io.callengine.core.api.CallCenterEngine;
import io.callengine.sip.registrar.Algorithm;
import io.callengine.sip.registrar.DigestChallenges;
import io.callengine.sip.registrar.DigestCredentials;
import io.callengine.sip.registrar.DigestNonces;
import io.callengine.sip.registrar.DigestUpgrades;
import io.callengine.sip.registrar.DigestVerifier;
import io.callengine.sip.security.AuthLockout;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import javax.sip.ServerTransaction;
import javax.sip.address.SipURI;
import javax.sip.header.AuthorizationHeader;
import javax.sip.header.ContactHeader;
import javax.sip.header.ExpiresHeader;
import javax.sip.header.Header;
import javax.sip.header.ToHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The registrar: digest-authenticates a REGISTER (401 with the configured challenges, SHA-256
 * alone for a stale nonce of a phone that may know it: {@link DigestUpgrades}) and binds the
 * phone's contact to the agent whose SIP user it is. An unknown user gets exactly the same
 * challenge as a known one, so user names cannot be probed. Works with CompletionStages: it
 * never blocks the gateway actor or a stack thread. A source or account locked out after repeated
 * failures ({@link AuthLockout}) gets 403 before anything is checked.
 */
final class Registrar {
  /** An id no agent has: agent ids are never empty. */
  private static final String NO_AGENT = "";
  private static final SipCredentials NOBODY = SipCredentials.derive("nobody", "nowhere", "no password");

  private final CallCenterEngine engine;
  private final SipMessages messages;
  private final SipSettings settings;
  private final DigestChallenges challenges;
  private final DigestVerifier verifier;
  private final DigestUpgrades upgrades;
  private final AuthLockout lockout;
  private final ActorRef<PhoneProbe.Command> probe;

  /** {@code nonces} signs with the key all nodes share, so a challenge of another node verifies here. */
  Registrar(CallCenterEngine engine, SipMessages messages, SipSettings settings, DigestNonces nonces, AuthLockout lockout,
      ActorRef<PhoneProbe.Command> probe) {
    this.engine = engine;
    this.messages = messages;
    this.settings = settings;
    this.challenges = new DigestChallenges(settings.realm(), nonces, settings.digestAlgorithms());
    this.verifier = new DigestVerifier(settings.realm(), nonces);
    this.upgrades = new DigestUpgrades(settings.digestAlgorithms());
    this.lockout = lockout;
    this.probe = probe;
  }

  void handle(Request request, ServerTransaction transaction) {
    ToHeader to = (ToHeader) request.getHeader(ToHeader.NAME);
    if (!(to.getAddress().getURI() instanceof SipURI toUri) || toUri.getUser() == null) {
      messages.respond(transaction, request, Response.BAD_REQUEST, null);
      return;
    }
    verify(request, transaction, toUri.getUser(), () -> refusesExpires(request, transaction)).thenAccept(verified -> {
      if (verified != null) bind(verified.agentId(), request, transaction, Math.min(expires(request), settings.maxExpires()), verified.use());
    });
  }

  /** An Expires under the minimum: 423 with Min-Expires (RFC 3261 10.3). */
  private boolean refusesExpires(Request request, ServerTransaction transaction) {
    int expires = expires(request);
    if (expires <= 0 || expires >= settings.minExpires()) return false;
    messages.respond(transaction, request, Response.INTERVAL_TOO_BRIEF, null, null, List.of(minExpires()));
    return true;
  }

  /**
   * Digest-authenticates a request other than REGISTER from the phone of SIP user {@code sipUser}
   * (an agent's phone placing a consult call) exactly as a REGISTER: 401 with the same challenges
   * until the answer verifies, the same lockout, and an answer that replays the agent's last one
   * is taken as wrong. Completes with the agent's id, or with null once it has answered the
   * request itself (401, 403, 400 or 503).
   */
  CompletionStage<String> authenticate(Request request, ServerTransaction transaction, String sipUser) {
    return verify(request, transaction, sipUser, () -> false).thenCompose(verified -> {
      if (verified == null) return CompletableFuture.completedFuture(null);
      return engine.asks().<AgentEntity.Command, Done>askRetrying(
              engine.sharding().entityRefFor(AgentEntity.ENTITY_KEY, verified.agentId()), r -> new AgentEntity.UseDigest(verified.use(), r))
          .handle((done, error) -> {
            if (error == null) return verified.agentId();
            if (Refusal.toException(error).refusal() == Refusal.CONFLICT) challenge(transaction, request, null); // replayed: as if wrong
            else messages.respond(transaction, request, Response.SERVICE_UNAVAILABLE, null);
            return null;
          });
    });
  }

  /** The agent a digest answer authenticates, and the use of its nonce that a replay would repeat. */
  private record Verified(String agentId, DigestUse use) {}

  /**
   * What every authenticated request goes through: the lockout (403), the challenge (401), the
   * username (403) and the digest's uri (400); then {@code refusedBeforeLookUp}, which may answer
   * the request itself; then the secret, looked up and verified (401, stale 401, 503). Completes
   * with what it authenticates, or null once the request is answered.
   */
  private CompletionStage<Verified> verify(Request request, ServerTransaction transaction, String user,
      java.util.function.BooleanSupplier refusedBeforeLookUp) {
    InetAddress source = FloodGuard.sourceOf(request);
    if (lockout.refuses(source, user)) {
      messages.respond(transaction, request, Response.FORBIDDEN, null);
      return CompletableFuture.completedFuture(null);
    }
    Optional<DigestCredentials> credentials = credentials(request);
    upgrades.seen(user, credentials.flatMap(c -> Algorithm.of(c.algorithm())).orElse(null));
    if (credentials.isEmpty()) {
      challenge(transaction, request, null);
      return CompletableFuture.completedFuture(null);
    }
    if (!credentials.get().username().equals(user)) {
      lockout.failed(source, user, "username-mismatch");
      messages.respond(transaction, request, Response.FORBIDDEN, null);
      return CompletableFuture.completedFuture(null);
    }
    if (!answersThisRequest(credentials.get(), request)) { // RFC 7616 3.4.6: uri must be the Request-URI
      messages.respond(transaction, request, Response.BAD_REQUEST, null);
      return CompletableFuture.completedFuture(null);
    }
    if (refusedBeforeLookUp.getAsBoolean()) return CompletableFuture.completedFuture(null);
    return lookUp(user).handle((found, error) -> {
      if (error != null) {
        messages.respond(transaction, request, Response.SERVICE_UNAVAILABLE, null);
        return null;
      }
      SipCredentials secret = found.credentials() != null ? found.credentials() : NOBODY;
      Algorithm algorithm = Algorithm.of(credentials.get().algorithm()).orElse(Algorithm.MD5);
      DigestVerifier.Result result = verifier.verify(credentials.get(), request.getMethod(), algorithm.ha1Of(secret));
      if (result == DigestVerifier.Result.STALE && found.agentId() != null) {
        challenge(transaction, request, upgrades.staleChallenge(user));
        return null;
      }
      if (result != DigestVerifier.Result.OK || found.agentId() == null) {
        lockout.failed(source, user, found.agentId() == null ? "unknown-user" : "wrong-credentials");
        challenge(transaction, request, null);
        return null;
      }
      lockout.succeeded(source, user);
      return new Verified(found.agentId(), use(credentials.get()));
    });
  }

  private boolean answersThisRequest(DigestCredentials credentials, Request request) {
    try {
      return credentials.uri() != null
          && messages.stack().addresses().createURI(credentials.uri()).equals(request.getRequestURI());
    } catch (java.text.ParseException e) {
      return false;
    }
  }

  /** The nonce and count of a verified answer (the count is well-formed hex once verified). */
  private static DigestUse use(DigestCredentials credentials) {
    return new DigestUse(credentials.nonce(),
        credentials.nc() == null ? DigestUse.NO_COUNT : Long.parseLong(credentials.nc(), 16));
  }

  private record Found(String agentId, SipCredentials credentials) {}

  /**
   * Known user or not, the same two reads of this node's copies (the unknown user's second read
   * misses) and, in {@link #verify}, the same hashing: the time of a 401 does not tell whether
   * the user exists. The entity is asked only for an agent whose secret is not in this node's
   * copy: before the entity's first recovery after a cold start, or just after a delete.
   */
  private CompletionStage<Found> lookUp(String sipUser) {
    Optional<String> agentId = engine.lookups().agentForSipUser(sipUser);
    Optional<SipCredentials> secret = engine.lookups().digestSecret(agentId.orElse(NO_AGENT));
    if (agentId.isEmpty() || secret.isPresent()) {
      return CompletableFuture.completedFuture(new Found(agentId.orElse(null), secret.orElse(null)));
    }
    return engine.asks().<AgentEntity.Command, SipCredentials>askRetrying(
            engine.sharding().entityRefFor(AgentEntity.ENTITY_KEY, agentId.get()), AgentEntity.GetCredentials::new)
        .handle((asked, error) -> {
          if (error == null) return new Found(agentId.get(), asked);
          // Deleted while this node's copy of the Directory still had the name: unknown, as for anyone.
          if (Refusal.toException(error).refusal() == Refusal.NOT_FOUND) return new Found(null, null);
          throw new java.util.concurrent.CompletionException(error);
        });
  }

  /**
   * Binds, removes ({@code Contact: *} or expiry 0) or, without a Contact, only reports the
   * current binding (RFC 3261 10.2.3: a REGISTER without Contact is a query).
   */
  private void bind(String agentId, Request request, ServerTransaction transaction, int expires, DigestUse digest) {
    ContactHeader contact = (ContactHeader) request.getHeader(ContactHeader.NAME);
    var agent = engine.sharding().entityRefFor(AgentEntity.ENTITY_KEY, agentId);
    CompletionStage<AgentView> result;
    if (contact == null) {
      result = engine.asks().<AgentEntity.Command, AgentView>ask(agent, AgentEntity.Get::new);
    } else {
      String contactUri = contact.getAddress().isWildcard() ? null : contact.getAddress().getURI().toString();
      int granted = contactUri == null ? 0 : expires;
      result = engine.asks().<AgentEntity.Command, AgentView>askRetrying(agent, r -> new AgentEntity.Register(contactUri, granted, digest, r));
    }
    result.whenComplete((view, error) -> {
      if (error == null) {
        messages.stack().keepConnection(request, view.registered()
            ? java.time.Duration.between(engine.clock().instant(), view.registrationExpiresAt()) : java.time.Duration.ZERO);
        messages.respond(transaction, request, Response.OK, null, null, bindingHeaders(view));
        probe.tell(new PhoneProbe.Bound(agentId, view.registered() ? view.contact() : null, view.registrationExpiresAt()));
      } else if (Refusal.toException(error).refusal() == Refusal.CONFLICT) {
        challenge(transaction, request, null); // a replayed answer: as if it were wrong
      } else {
        messages.respond(transaction, request, Response.SERVICE_UNAVAILABLE, null);
      }
    });
  }

  /** The Contact of the binding now in force with its remaining seconds, as a 200 to REGISTER carries it. */
  private List<Header> bindingHeaders(AgentView view) {
    List<Header> headers = new ArrayList<>();
    if (!view.registered()) return headers;
    try {
      ContactHeader bound = messages.stack().headers().createContactHeader(messages.stack().addresses().createAddress(view.contact()));
      bound.setExpires((int) Math.max(0, java.time.Duration.between(engine.clock().instant(), view.registrationExpiresAt()).toSeconds()));
      headers.add(bound);
    } catch (java.text.ParseException | javax.sip.InvalidArgumentException e) {
      throw new IllegalStateException("a stored contact no longer parses: " + view.contact(), e);
    }
    return headers;
  }

  /** A 401: with {@code stale=true} and {@code staleAlgorithms} when given, else the configured challenges. */
  private void challenge(ServerTransaction transaction, Request request, List<Algorithm> staleAlgorithms) {
    List<Header> headers = new ArrayList<>();
    List<String> values = staleAlgorithms == null
        ? challenges.wwwAuthenticate(false) : challenges.wwwAuthenticate(true, staleAlgorithms);
    for (String value : values) {
      try {
        headers.add(messages.stack().headers().createHeader("WWW-Authenticate", value));
      } catch (java.text.ParseException e) {
        throw new IllegalStateException("unparseable challenge " + value, e);
      }
    }
    messages.respond(transaction, request, Response.UNAUTHORIZED, null, null, headers);
  }

  /** The Authorization header for our realm, if any. */
  private Optional<DigestCredentials> credentials(Request request) {
    var headers = request.getHeaders(AuthorizationHeader.NAME);
    while (headers.hasNext()) {
      AuthorizationHeader header = (AuthorizationHeader) headers.next();
      if (settings.realm().equals(header.getRealm())) {
        String text = header.toString();
        return DigestCredentials.parse(text.substring(text.indexOf(':') + 1).trim());
      }
    }
    return Optional.empty();
  }

  private int expires(Request request) {
    ContactHeader contact = (ContactHeader) request.getHeader(ContactHeader.NAME);
    if (contact != null && contact.getExpires() >= 0) return contact.getExpires();
    ExpiresHeader header = request.getExpires();
    return header != null ? header.getExpires() : settings.maxExpires();
  }

  private Header minExpires() {
    try {
      return messages.stack().headers().createMinExpiresHeader(settings.minExpires());
    } catch (javax.sip.InvalidArgumentException e) {
      throw new IllegalStateException(e);
    }
  }
}
