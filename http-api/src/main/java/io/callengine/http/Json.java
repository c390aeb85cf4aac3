package io.callengine.http;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.completeOK;
import static org.apache.pekko.http.javadsl.server.Directives.entity;
import static org.apache.pekko.http.javadsl.server.Directives.onSuccess;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.callengine.core.api.QueueSpec;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.marshallers.jackson.Jackson;
import org.apache.pekko.http.javadsl.marshalling.Marshaller;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.RequestEntity;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.Location;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The API's one ObjectMapper and the directives that read request bodies and write responses;
 * every route class uses it. Instants are ISO-8601 strings and null fields are left out.
 *
 * <p>Requests are read strictly: an unknown field is a 400 naming it rather than being ignored,
 * because a misspelt optional field (say {@code maxWaitSecond}) would otherwise silently keep
 * its default. Likewise "5" is not a number, 5 is not a string and 2.5 is not a whole number.
 * Read-only fields that a client may echo back from a response (a queue's {@code waiting}) are
 * accepted and ignored.
 */
final class Json {
  static final ObjectMapper MAPPER = JsonMapper.builder()
      .addModule(new JavaTimeModule())
      .addModule(new Jdk8Module())
      .addModule(new WeekTimeModule())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
      .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
      .withCoercionConfig(LogicalType.Textual, text -> text
          .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
          .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
          .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
      .defaultPropertyInclusion(JsonInclude.Value.construct(JsonInclude.Include.NON_NULL, JsonInclude.Include.USE_DEFAULTS))
      .addMixIn(QueueSpec.class, QueueSpecBody.class)
      .build();

  /** A queue fetched with GET can be PUT back: its read-only {@code waiting} count is ignored, not refused. */
  @JsonIgnoreProperties("waiting")
  private abstract static class QueueSpecBody {}

  private static final Marshaller<Object, RequestEntity> MARSHALLER = Jackson.marshaller(MAPPER);

  private Json() {}

  /** Reads the body as {@code type}; a malformed body is rejected and becomes a 400 problem. */
  static <T> Route body(Class<T> type, Function<T, Route> inner) {
    return entity(Jackson.unmarshaller(MAPPER, type), value -> value != null ? inner.apply(value)
        : Problems.complete(StatusCodes.BAD_REQUEST, "the body must be a JSON " + (type.isArray() ? "array" : "object")));
  }

  static Route ok(Object value) {
    return completeOK(value, MARSHALLER);
  }

  static Route created(String location, Object value) {
    return complete(StatusCodes.CREATED, List.<HttpHeader>of(Location.create(location)), value, MARSHALLER);
  }

  /** 200 with the result once it is there; a failure goes to the exception handler. */
  static <T> Route reply(Supplier<CompletionStage<T>> result) {
    return onSuccess(result, Json::ok);
  }
}
