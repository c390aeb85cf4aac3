package io.callengine.sip.registrar;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Parses a {@code Digest} credentials header value into its auth-params (RFC 7235 section 2.1,
 * RFC 3261 section 25.1): names lowercased, quoted-strings unquoted and unescaped. Used by {@link
 * DigestCredentials}; empty for anything it cannot read unambiguously, never an exception.
 */
final class AuthParams {

  /** Far above any real header; bounds the work an attacker can ask for. */
  static final int MAX_LENGTH = 8 * 1024;

  private static final String SCHEME = "Digest";

  private AuthParams() {}

  static Optional<Map<String, String>> parseDigest(String header) {
    if (header == null || header.length() > MAX_LENGTH) {
      return Optional.empty();
    }
    Cursor in = new Cursor(header);
    in.skipWhitespace();
    if (!in.consumeIgnoreCase(SCHEME) || !in.atWhitespace()) {
      return Optional.empty();
    }
    Map<String, String> params = new HashMap<>();
    while (true) {
      in.skipWhitespace();
      if (in.atEnd()) {
        break;
      }
      if (in.consume(',')) {
        continue; // empty list elements are allowed
      }
      String name = in.token();
      in.skipWhitespace();
      if (name.isEmpty() || !in.consume('=')) {
        return Optional.empty();
      }
      in.skipWhitespace();
      String value = in.peek() == '"' ? in.quotedString() : in.bareValue();
      // A repeated parameter is ambiguous; which copy a proxy or phone meant is unknowable.
      if (value == null || params.putIfAbsent(name.toLowerCase(Locale.ROOT), value) != null) {
        return Optional.empty();
      }
      in.skipWhitespace();
      if (!in.atEnd() && !in.consume(',')) {
        return Optional.empty();
      }
    }
    return params.isEmpty() ? Optional.empty() : Optional.of(Map.copyOf(params));
  }

  private static final class Cursor {
    private final String text;
    private int pos;

    Cursor(String text) {
      this.text = text;
    }

    boolean atEnd() {
      return pos >= text.length();
    }

    char peek() {
      return atEnd() ? '\0' : text.charAt(pos);
    }

    boolean atWhitespace() {
      return !atEnd() && isWhitespace(peek());
    }

    void skipWhitespace() {
      while (atWhitespace()) {
        pos++;
      }
    }

    boolean consume(char c) {
      if (!atEnd() && peek() == c) {
        pos++;
        return true;
      }
      return false;
    }

    boolean consumeIgnoreCase(String word) {
      if (text.regionMatches(true, pos, word, 0, word.length())) {
        pos += word.length();
        return true;
      }
      return false;
    }

    String token() {
      int start = pos;
      while (!atEnd() && isTokenChar(peek())) {
        pos++;
      }
      return text.substring(start, pos);
    }

    /** An unquoted value; more lenient than a token, since phones send unquoted URIs. */
    String bareValue() {
      int start = pos;
      while (!atEnd() && !isWhitespace(peek()) && peek() != ',' && peek() != '"'
          && !Character.isISOControl(peek())) {
        pos++;
      }
      return pos == start ? null : text.substring(start, pos);
    }

    /** Null when unterminated or holding control characters. */
    String quotedString() {
      StringBuilder value = new StringBuilder();
      pos++; // opening quote
      while (!atEnd()) {
        char c = text.charAt(pos++);
        if (c == '"') {
          return value.toString();
        }
        if (c == '\\') {
          if (atEnd()) {
            return null;
          }
          c = text.charAt(pos++);
        }
        if (Character.isISOControl(c) && c != '\t') {
          return null;
        }
        value.append(c);
      }
      return null;
    }

    private static boolean isWhitespace(char c) {
      return c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }

    private static boolean isTokenChar(char c) {
      return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || "-.!%*_+`'~".indexOf(c) >= 0;
    }
  }
}
