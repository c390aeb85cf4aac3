package io.callengine.http;

import io.callengine.core.FieldError;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads {@code from}, {@code to} (ISO-8601 instants; both absent: today, UTC), {@code queueId}
 * and {@code interval} (an ISO-8601 duration such as {@code PT15M}) for the supervisor's
 * metrics; an unreadable one is a 400 naming it. The range rules themselves are the engine's.
 */
record MetricsQuery(Instant from, Instant to, String queueId, Duration interval) {

  static MetricsQuery read(Map<String, String> params) {
    List<FieldError> errors = new ArrayList<>();
    Instant from = CallQuery.instant(params, "from", errors);
    Instant to = CallQuery.instant(params, "to", errors);
    Duration interval = duration(CallQuery.value(params, "interval"), errors);
    CallQuery.refuseIfAny(errors);
    return new MetricsQuery(from, to, CallQuery.value(params, "queueId"), interval);
  }

  private static Duration duration(String value, List<FieldError> errors) {
    if (value == null) return null;
    try {
      return Duration.parse(value);
    } catch (DateTimeParseException e) {
      errors.add(new FieldError("interval", "must be an ISO-8601 duration such as PT15M, PT1H or P1D"));
      return null;
    }
  }
}
