package io.callengine.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import java.io.IOException;
import java.time.DayOfWeek;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * How {@link Json} reads and writes the times of day and weekdays of routing-policy windows:
 * {@code "08:00"} (seconds only when set) and {@code "MONDAY"} in any case. A value that does not
 * parse is a 400 saying what is expected, where Jackson's own message would call it an object.
 */
final class WeekTimeModule extends SimpleModule {
  WeekTimeModule() {
    super("week-times");
    addSerializer(LocalTime.class, ToStringSerializer.instance);
    addDeserializer(LocalTime.class, new Scalar<>(LocalTime.class, "a time of day such as 08:00 or 17:30") {
      @Override
      LocalTime parse(String text) {
        try {
          return LocalTime.parse(text);
        } catch (DateTimeParseException e) {
          return null;
        }
      }
    });
    addDeserializer(DayOfWeek.class, new Scalar<>(DayOfWeek.class, "a day such as MONDAY") {
      @Override
      DayOfWeek parse(String text) {
        try {
          return DayOfWeek.valueOf(text.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
          return null;
        }
      }
    });
  }

  /** A value read from a JSON string; {@link #parse} returns null when the text is not one. */
  private abstract static class Scalar<T> extends StdScalarDeserializer<T> {
    private final String expected;

    Scalar(Class<T> type, String expected) {
      super(type);
      this.expected = expected;
    }

    abstract T parse(String text);

    @Override
    public T deserialize(JsonParser p, DeserializationContext context) throws IOException {
      T value = p.currentToken() == JsonToken.VALUE_STRING ? parse(p.getText().strip()) : null;
      if (value == null) throw JsonMappingException.from(p, "must be " + expected);
      return value;
    }
  }
}
