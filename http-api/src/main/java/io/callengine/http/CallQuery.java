package io.callengine.http;

import io.callengine.core.EngineException;
import io.callengine.core.FieldError;
import io.callengine.core.Refusal;
import io.callengine.core.call.Disposition;
import io.callengine.core.records.CallRecordFilter;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Reads the call-record query parameters ({@code from}, {@code to} as ISO-8601 instants,
 * {@code queueId}, {@code agentId}, {@code disposition}, {@code limit}) into a filter for the
 * agent and supervisor routes. An empty parameter does not filter; an unreadable one is a 400
 * naming it.
 */
final class CallQuery {
  static final int MAX_LIMIT = 1000;

  private CallQuery() {}

  static CallRecordFilter filter(Map<String, String> params) {
    List<FieldError> errors = new ArrayList<>();
    Instant from = instant(params, "from", errors);
    Instant to = instant(params, "to", errors);
    if (from != null && to != null && to.isBefore(from)) errors.add(new FieldError("to", "must not be before from"));
    Disposition disposition = disposition(value(params, "disposition"), errors);
    int limit = limit(value(params, "limit"), errors);
    refuseIfAny(errors);
    return new CallRecordFilter(from, to, value(params, "queueId"), value(params, "agentId"), disposition, limit);
  }

  /** A 400 naming every unreadable query parameter, when there is one. */
  static void refuseIfAny(List<FieldError> errors) {
    if (errors.isEmpty()) return;
    String names = errors.stream().map(FieldError::field).distinct().collect(Collectors.joining(", "));
    throw new EngineException(Refusal.INVALID, "invalid query parameter(s): " + names, errors);
  }

  static String value(Map<String, String> params, String name) {
    String value = params.get(name);
    return value == null || value.isBlank() ? null : value.strip();
  }

  static Instant instant(Map<String, String> params, String name, List<FieldError> errors) {
    String value = value(params, name);
    if (value == null) return null;
    try {
      return Instant.parse(value);
    } catch (DateTimeParseException e) {
      errors.add(new FieldError(name, "must be an ISO-8601 instant such as 2024-05-01T08:00:00Z"));
      return null;
    }
  }

  private static Disposition disposition(String value, List<FieldError> errors) {
    if (value == null) return null;
    return Arrays.stream(Disposition.values()).filter(d -> d.name().equalsIgnoreCase(value)).findFirst().orElseGet(() -> {
      errors.add(new FieldError("disposition", "must be one of " + Arrays.toString(Disposition.values())));
      return null;
    });
  }

  private static int limit(String value, List<FieldError> errors) {
    if (value == null) return MAX_LIMIT;
    try {
      int limit = Integer.parseInt(value);
      if (limit >= 1 && limit <= MAX_LIMIT) return limit;
    } catch (NumberFormatException e) {
      // reported below, like an out-of-range number
    }
    errors.add(new FieldError("limit", "must be a whole number from 1 to " + MAX_LIMIT));
    return MAX_LIMIT;
  }
}
