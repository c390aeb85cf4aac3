package io.callengine.http;

import io.callengine.core.EngineException;
import io.callengine.core.FieldError;
import io.callengine.core.Refusal;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpCharsets;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.MalformedRequestContentRejection;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns every failure into an {@code application/problem+json} response: refusals from the
 * engine, timeouts, unreadable bodies and Pekko's own rejections (unknown path, wrong method,
 * wrong content type...). {@link HttpApi} installs both handlers around all routes, so no error
 * leaves as HTML or plain text.
 */
final class Problems {
  static final ContentType PROBLEM_JSON =
      ContentTypes.create(MediaTypes.applicationWithFixedCharset("problem+json", HttpCharsets.UTF_8));
  private static final Logger log = LoggerFactory.getLogger(Problems.class);

  private Problems() {}

  static HttpResponse response(StatusCode status, String detail, List<FieldError> errors) {
    Problem problem = new Problem("about:blank", status.reason(), status.intValue(), detail, errors.isEmpty() ? null : errors);
    try {
      return HttpResponse.create().withStatus(status).withEntity(PROBLEM_JSON, Json.MAPPER.writeValueAsBytes(problem));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static HttpResponse response(StatusCode status, String detail) {
    return response(status, detail, List.of());
  }

  static Route complete(StatusCode status, String detail) {
    return Directives.complete(response(status, detail));
  }

  static ExceptionHandler exceptionHandler() {
    return ExceptionHandler.newBuilder().matchAny(error -> Directives.complete(of(error))).build();
  }

  /** Our reading of bodies first; Pekko's defaults for the rest, re-dressed as problems. */
  static RejectionHandler rejectionHandler() {
    return RejectionHandler.newBuilder()
        .handle(MalformedRequestContentRejection.class, r -> Directives.complete(BodyProblems.of(r.getCause())))
        .build()
        .withFallback(RejectionHandler.defaultHandler())
        .mapRejectionResponse(Problems::asProblem);
  }

  static HttpResponse of(Throwable error) {
    Throwable cause = error;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof EngineException e) return response(status(e.refusal()), e.getMessage(), e.errors());
    if (cause instanceof TimeoutException) return response(StatusCodes.SERVICE_UNAVAILABLE, "the engine did not answer in time; retry shortly");
    if (cause instanceof EntityStreamSizeException e) return tooLarge(e);
    log.error("request failed", error);
    return response(StatusCodes.INTERNAL_SERVER_ERROR, "the server failed to handle the request; its log has the details");
  }

  static HttpResponse tooLarge(EntityStreamSizeException e) {
    return response(StatusCodes.CONTENT_TOO_LARGE, "the request body is larger than " + e.limit() + " bytes");
  }

  private static StatusCode status(Refusal refusal) {
    return switch (refusal) {
      case NOT_FOUND -> StatusCodes.NOT_FOUND;
      case CONFLICT -> StatusCodes.CONFLICT;
      case INVALID -> StatusCodes.BAD_REQUEST;
      case UNAVAILABLE -> StatusCodes.SERVICE_UNAVAILABLE;
      case FORBIDDEN -> StatusCodes.FORBIDDEN;
    };
  }

  /** Pekko's default rejection responses are plain text: keep status and headers, wrap the text. */
  private static HttpResponse asProblem(HttpResponse response) {
    if (response.entity().getContentType().equals(PROBLEM_JSON) || !(response.entity() instanceof HttpEntity.Strict text)) {
      return response;
    }
    String detail = text.getData().utf8String().strip();
    return response(response.status(), detail.isEmpty() ? response.status().defaultMessage() : detail)
        .withHeaders(response.getHeaders());
  }
}
