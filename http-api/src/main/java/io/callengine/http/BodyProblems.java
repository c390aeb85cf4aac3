package io.callengine.http;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.PropertyBindingException;
import io.callengine.core.FieldError;
import java.util.Collection;
import java.util.List;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;

/**
 * Explains why a request body could not be read, naming the field (as {@code skills[0].level})
 * whenever Jackson knows where it stopped. Used by {@link Problems}' rejection handler.
 */
final class BodyProblems {
  private BodyProblems() {}

  static HttpResponse of(Throwable rejected) {
    for (Throwable t = rejected; t != null; t = t.getCause()) {
      if (t instanceof EntityStreamSizeException e) return Problems.tooLarge(e);
      if (t instanceof PropertyBindingException e) return invalid(path(e), "is not a known field");
      if (t instanceof MismatchedInputException e) return mismatched(e);
      if (t instanceof JsonMappingException e) return invalid(path(e), e.getOriginalMessage());
      if (t instanceof JsonParseException e) return notJson(e);
    }
    return Problems.response(StatusCodes.BAD_REQUEST, "the body could not be read: " + rejected.getMessage());
  }

  private static HttpResponse mismatched(MismatchedInputException e) {
    String field = path(e);
    if (field.isEmpty()) {
      String detail = e.getOriginalMessage().startsWith("No content") ? "the request needs a JSON body"
          : "the body must be a JSON " + (kind(e.getTargetType()).equals("an array") ? "array" : "object");
      return Problems.response(StatusCodes.BAD_REQUEST, detail);
    }
    return invalid(field, "must be " + kind(e.getTargetType()));
  }

  private static HttpResponse notJson(JsonParseException e) {
    String detail = "the body is not valid JSON: " + e.getOriginalMessage()
        + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")");
    String field = e.getProcessor() == null ? "" : path(e.getProcessor().getParsingContext());
    List<FieldError> errors = field.isEmpty() ? List.of() : List.of(new FieldError(field, "is not valid JSON"));
    return Problems.response(StatusCodes.BAD_REQUEST, detail, errors);
  }

  private static HttpResponse invalid(String field, String message) {
    String name = field.isEmpty() ? "body" : field;
    return Problems.response(StatusCodes.BAD_REQUEST, "the field " + name + " " + message, List.of(new FieldError(name, message)));
  }

  private static String kind(Class<?> type) {
    if (type == null) return "of another type";
    if (type == Integer.class || type == int.class || type == Long.class || type == long.class) return "a whole number";
    if (Number.class.isAssignableFrom(type) || type == double.class) return "a number";
    if (type == Boolean.class || type == boolean.class) return "true or false";
    if (type == String.class) return "a string";
    if (type.isArray() || Collection.class.isAssignableFrom(type)) return "an array";
    return "an object";
  }

  private static String path(JsonMappingException e) {
    StringBuilder path = new StringBuilder();
    for (JsonMappingException.Reference ref : e.getPath()) {
      if (ref.getFieldName() != null) path.append(path.length() == 0 ? "" : ".").append(ref.getFieldName());
      else path.append('[').append(ref.getIndex()).append(']');
    }
    return path.toString();
  }

  private static String path(JsonStreamContext context) {
    String path = "";
    for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
      if (c.inArray()) path = "[" + Math.max(c.getCurrentIndex(), 0) + "]" + path;
      else if (c.getCurrentName() != null) path = (c.getParent() != null && !c.getParent().inRoot() ? "." : "") + c.getCurrentName() + path;
    }
    return path;
  }
}
