package io.callengine.http;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.extractCredentials;
import static org.apache.pekko.http.javadsl.server.Directives.extractRequest;
import static org.apache.pekko.http.javadsl.server.Directives.onSuccess;

import io.callengine.core.api.Lookups;
import io.callengine.core.auth.Principal;
import io.callengine.core.auth.Role;
import io.callengine.core.auth.Tokens;
import io.callengine.core.security.SecurityLog;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.AttributeKeys;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.RemoteAddress;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.HttpChallenge;
import org.apache.pekko.http.javadsl.model.headers.WWWAuthenticate;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The bearer-token directive in front of every {@code /api} route, and the role check the route
 * classes use. The admin token comes from configuration and is compared by hash in constant time;
 * supervisor and agent tokens are looked up by hash in this node's replicated copy of the
 * {@link io.callengine.core.auth.TokenStore}'s hashes, so no request waits on that singleton.
 */
final class Authenticator {
  private static final Principal ADMIN = new Principal(Role.ADMIN, null, "admin");
  private static final String EVENTS_PATH = "/api/v1/events";

  private final String adminTokenHash;
  private final Lookups lookups;
  private final SecurityLog securityLog;

  Authenticator(String adminTokenHash, Lookups lookups, SecurityLog securityLog) {
    this.adminTokenHash = adminTokenHash;
    this.lookups = lookups;
    this.securityLog = securityLog;
  }

  /**
   * The inner route with the token's principal, or 401 with {@code WWW-Authenticate: Bearer}. The
   * token comes from the {@code Authorization: Bearer} header; for {@code GET /api/v1/events} and
   * below only, a request without that header may carry it as the query parameter {@code token},
   * because a browser's EventSource and WebSocket cannot set headers.
   */
  Route authenticated(Function<Principal, Route> inner) {
    return token(presented -> presented
        .<Route>map(token -> onSuccess(() -> principal(token),
            found -> found.map(inner).orElseGet(this::refused)))
        .orElseGet(() -> unauthorized("send the header Authorization: Bearer <token>")));
  }

  /** A token that names nobody is a security event, counted and logged with the peer's address. */
  private Route refused() {
    return extractRequest(request -> {
      InetAddress source = request.getAttribute(AttributeKeys.remoteAddress).flatMap(RemoteAddress::getAddress).orElse(null);
      securityLog.tokenRefused(source, request.getUri().path());
      return unauthorized("the bearer token is unknown or revoked");
    });
  }

  /** The token the request presents, as {@link #authenticated} reads it, or empty. */
  static Route token(Function<Optional<String>, Route> inner) {
    return extractRequest(request -> extractCredentials(credentials -> inner.apply(credentials
        .filter(c -> c.scheme().equalsIgnoreCase("Bearer") && !c.token().isBlank())
        .map(c -> c.token())
        .or(() -> queryToken(request)))));
  }

  /** {@code ?token=} of a GET on the event stream ({@code /api/v1/events} and below); empty anywhere else. */
  static Optional<String> queryToken(HttpRequest request) {
    if (!request.method().equals(HttpMethods.GET)) return Optional.empty();
    String path = request.getUri().path();
    if (!path.equals(EVENTS_PATH) && !path.startsWith(EVENTS_PATH + "/")) return Optional.empty();
    return request.getUri().query().get("token").filter(token -> !token.isBlank());
  }

  /** The inner route when {@code allowed}, else 403 saying why. */
  static Route allow(boolean allowed, String why, Supplier<Route> inner) {
    return allowed ? inner.get() : Problems.complete(StatusCodes.FORBIDDEN, why);
  }

  private CompletionStage<Optional<Principal>> principal(String token) {
    String hash = Tokens.hash(token);
    if (Tokens.same(hash, adminTokenHash)) return CompletableFuture.completedFuture(Optional.of(ADMIN));
    return CompletableFuture.completedFuture(lookups.principal(hash));
  }

  private static Route unauthorized(String detail) {
    WWWAuthenticate challenge = WWWAuthenticate.create(HttpChallenge.create("Bearer", "call-engine"));
    return complete(Problems.response(StatusCodes.UNAUTHORIZED, detail).withHeaders(List.of(challenge)));
  }
}
